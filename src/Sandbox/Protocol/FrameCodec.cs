using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Jobs.Sandbox.Protocol;

/// <summary>
/// Frames on a pipe: a 4-byte big-endian length, then that many bytes of UTF-8 JSON (one
/// <see cref="SandboxMessage"/>). A reader refuses a frame of length 0 or above its limit, a
/// stream that ends inside a frame, text that is not UTF-8 JSON, and an unknown message: each is
/// an <see cref="InvalidFrameException"/>, after which the other side is not trusted any more.
/// </summary>
public static class FrameCodec
{
    public const int HeaderBytes = 4;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { AllowOutOfOrderMetadataProperties = true };
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static byte[] Encode(SandboxMessage message)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(message, Json);
        var frame = new byte[HeaderBytes + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, body.Length);
        body.CopyTo(frame, HeaderBytes);
        return frame;
    }

    /// <summary>The next message, or null when the stream ended cleanly between two frames.</summary>
    public static async Task<SandboxMessage?> ReadAsync(Stream stream, int maxBytes, CancellationToken ct = default)
    {
        var header = new byte[HeaderBytes];
        var got = await ReadFullyAsync(stream, header, ct);
        if (got == 0) return null;
        if (got < HeaderBytes) throw new InvalidFrameException("the stream ended inside a frame header");
        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        if (length <= 0 || length > maxBytes) throw new InvalidFrameException($"a frame of {length} bytes (the limit is {maxBytes})");
        var body = new byte[length];
        if (await ReadFullyAsync(stream, body, ct) < length) throw new InvalidFrameException("the stream ended inside a frame");
        return Decode(body);
    }

    public static SandboxMessage Decode(byte[] body)
    {
        try
        {
            StrictUtf8.GetCharCount(body);
            return JsonSerializer.Deserialize<SandboxMessage>(body, Json) ?? throw new InvalidFrameException("a null message");
        }
        catch (Exception e) when (e is JsonException or DecoderFallbackException or NotSupportedException)
        {
            throw new InvalidFrameException("a frame that is not a message: " + e.Message);
        }
    }

    private static async Task<int> ReadFullyAsync(Stream stream, byte[] buffer, CancellationToken ct)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(total), ct);
            if (n == 0) break;
            total += n;
        }
        return total;
    }
}

/// <summary>The other side broke the protocol; it is not trusted any more.</summary>
public sealed class InvalidFrameException(string message) : Exception(message);
