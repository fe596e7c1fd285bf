using System.Buffers.Binary;
using System.Text;
using Jobs.Sandbox.Protocol;
using Xunit;

namespace Jobs.Tests.Unit;

/// <summary>The frames between the node and a sandbox worker: what is read back, and what is refused.</summary>
public sealed class SandboxProtocolTests
{
    private static Stream Bytes(params byte[][] parts) => new MemoryStream(parts.SelectMany(p => p).ToArray());

    private static byte[] Header(int length)
    {
        var h = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(h, length);
        return h;
    }

    [Fact]
    public async Task Every_message_reads_back_as_written()
    {
        SandboxMessage[] messages =
        [
            new RunScript("j1", 2, "6 * 7", 300, 1024, 64),
            new WorkerReady(42),
            new ScriptProgress(50, "half"),
            new ScriptDone("out\n", "", false, "{\"a\":1}"),
            new ScriptFailed(FailureKinds.Memory, "script exceeded its memory limit", "err"),
        ];
        var stream = Bytes(messages.Select(FrameCodec.Encode).ToArray());
        foreach (var m in messages) Assert.Equal(m, await FrameCodec.ReadAsync(stream, 1024));
        Assert.Null(await FrameCodec.ReadAsync(stream, 1024)); // ended between frames
    }

    public static TheoryData<string, byte[]> Broken => new()
    {
        { "a frame over the limit", Header(1025) },
        { "a frame of length 0", Header(0) },
        { "a negative length", Header(-5) },
        { "a stream that ends inside the header", [0, 0] },
        { "a stream that ends inside the frame", [.. Header(10), .. "{}"u8.ToArray()] },
        { "bytes that are not UTF-8", [.. Header(3), 0xff, 0xfe, 0xfd] },
        { "text that is not JSON", [.. Header(5), .. "hello"u8.ToArray()] },
        { "a message of no known kind", [.. Header(12), .. Encoding.UTF8.GetBytes("""{"t":"evil"}""")] },
        { "a message without a kind", [.. Header(2), .. "{}"u8.ToArray()] },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public async Task A_broken_frame_is_refused(string what, byte[] bytes) =>
        await Assert.ThrowsAsync<InvalidFrameException>(async () =>
        {
            await FrameCodec.ReadAsync(new MemoryStream(bytes), 1024);
            Assert.Fail(what + " was read as a message");
        });
}
