using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Jobs.Node.Api;

/// <summary>
/// Reads a JSON body with a size cap (counted, so chunked bodies are capped too), strict UTF-8 and
/// <see cref="JsonStrictness"/>. A body labelled as anything but JSON is refused unread (415); an
/// unlabelled one is read as JSON.
/// </summary>
public static class BodyReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static async Task<JsonDocument> ReadJsonAsync(HttpRequest request, long maxBytes, CancellationToken ct)
    {
        if (!IsJson(request.ContentType))
            throw new RequestException(StatusCodes.Status415UnsupportedMediaType,
                $"the body is labelled '{request.ContentType}'; send JSON with Content-Type: application/json");
        if (request.ContentLength > maxBytes)
            throw new RequestException(413, $"request body is {request.ContentLength} bytes; the limit is {maxBytes} bytes");
        var body = await ReadAllAsync(request, maxBytes, ct);
        if (body.Count == 0) throw new RequestException(400, "request body is empty; send a JSON object");
        try
        {
            StrictUtf8.GetCharCount(body.Array!, body.Offset, body.Count);
        }
        catch (DecoderFallbackException e)
        {
            throw new RequestException(400, $"request body is not valid UTF-8 (invalid byte at index {e.Index})");
        }
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body.AsMemory(), new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new RequestException(400, $"request body is not valid JSON in UTF-8: {e.Message}");
        }
        try
        {
            JsonStrictness.Check(doc.RootElement);
            return doc;
        }
        catch
        {
            doc.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The body, at most <paramref name="maxBytes"/>. A small one with a Content-Length (already
    /// checked against the limit) is read into one array of that size, as Kestrel ends the body
    /// there; a larger or chunked one is gathered through a pooled chunk as it comes, so a declared
    /// length alone never reserves memory the client has not sent.
    /// </summary>
    private static async Task<ArraySegment<byte>> ReadAllAsync(HttpRequest request, long maxBytes, CancellationToken ct)
    {
        if (request.ContentLength is { } length && length <= ChunkBytes)
        {
            var exact = new byte[length];
            var got = await request.Body.ReadAtLeastAsync(exact, exact.Length, throwOnEndOfStream: false, ct);
            return new ArraySegment<byte>(exact, 0, got);
        }
        var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                    throw new RequestException(413, $"request body is larger than the limit of {maxBytes} bytes");
                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return new ArraySegment<byte>(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>What one read of a body gathered in chunks takes at most, and the largest body read into an array of its declared length.</summary>
    private const int ChunkBytes = 16 * 1024;

    /// <summary>No Content-Type, <c>application/json</c> or any <c>+json</c> type (parameters such as charset aside).</summary>
    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType)) return true;
        if (!Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var media)) return false;
        var type = media.MediaType.Value ?? "";
        return type.Equals("application/json", StringComparison.OrdinalIgnoreCase) ||
               (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
    }
}
