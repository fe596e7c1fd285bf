using System.Diagnostics;
using Jobs.Handlers.BuiltIn.Script;
using Jobs.Sandbox.Protocol;
using Xunit;

namespace Jobs.Tests.Handlers;

/// <summary>The node's side of the sandbox: a worker that breaks the protocol, a fresh engine per script, the bound on live workers.</summary>
public sealed class SandboxPoolTests
{
    private static RunScript Run(string code, int timeoutMs = 5000) => new("job", 1, code, timeoutMs, 1024 * 1024, 1024);

    /// <summary>A stand-in worker (bash): says it is ready, then answers the first script with <paramref name="answer"/> and waits.</summary>
    private static Func<ProcessStartInfo> HostileWorker(byte[] answer)
    {
        static string Escaped(byte[] bytes) => string.Concat(bytes.Select(b => $"\\x{b:x2}"));
        var script = $"printf '{Escaped(FrameCodec.Encode(new WorkerReady(1)))}'; head -c 1 > /dev/null; printf '{Escaped(answer)}'; sleep 60";
        return () => new ProcessStartInfo("bash", ["-c", script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
    }

    [Theory]
    [InlineData(new byte[] { 0x7f, 0xff, 0xff, 0xff })] // a frame of 2 GB
    [InlineData(new byte[] { 0x00, 0x00, 0x00, 0x05, (byte)'h', (byte)'e', (byte)'l', (byte)'l', (byte)'o' })] // not JSON
    public async Task A_worker_that_breaks_the_protocol_is_killed_and_its_run_fails(byte[] answer)
    {
        await using var pool = new SandboxPool(new SandboxSettings { WarmWorkers = 0 }, defaultWorkers: 1, HostileWorker(answer));
        var outcome = await pool.RunAsync(Run("1"), _ => { }, CancellationToken.None);
        Assert.IsType<SandboxOutcome.BrokeProtocol>(outcome);
        Assert.Equal(0, pool.Live); // killed and reaped before the run returned
    }

    [Fact]
    public async Task A_worker_that_answers_out_of_turn_is_killed_and_its_run_fails()
    {
        await using var pool = new SandboxPool(new SandboxSettings { WarmWorkers = 0 }, defaultWorkers: 1, HostileWorker(FrameCodec.Encode(new WorkerReady(2))));
        Assert.IsType<SandboxOutcome.BrokeProtocol>(await pool.RunAsync(Run("1"), _ => { }, CancellationToken.None));
        Assert.Equal(0, pool.Live);
    }

    [Fact]
    public async Task Each_script_gets_a_fresh_engine_in_a_reused_worker()
    {
        await using var pool = new SandboxPool(new SandboxSettings { WarmWorkers = 0 }, defaultWorkers: 1);
        var first = await pool.RunAsync(Run("globalThis.leak = 42; Object.prototype.polluted = 1; 'set'"), _ => { }, CancellationToken.None);
        Assert.Equal("\"set\"", Assert.IsType<ScriptDone>(Assert.IsType<SandboxOutcome.Answered>(first).Message).ValueJson);
        var second = await pool.RunAsync(Run("typeof leak + ',' + typeof ({}).polluted"), _ => { }, CancellationToken.None);
        Assert.Equal("\"undefined,undefined\"", Assert.IsType<ScriptDone>(Assert.IsType<SandboxOutcome.Answered>(second).Message).ValueJson);
        Assert.Equal(1, pool.Live); // the same worker served both
    }

    [Fact]
    public async Task Runs_beyond_the_pool_wait_for_a_worker_and_no_more_live_than_its_size()
    {
        await using var pool = new SandboxPool(new SandboxSettings { WarmWorkers = 0 }, defaultWorkers: 2);
        var most = 0;
        var runs = Enumerable.Range(0, 6).Select(_ => pool.RunAsync(Run("sleep(200); 1"), _ => { }, CancellationToken.None)).ToList();
        while (!runs.All(r => r.IsCompleted))
        {
            most = Math.Max(most, pool.Live);
            await Task.WhenAny(Task.WhenAll(runs), Task.Delay(5));
        }
        Assert.All(await Task.WhenAll(runs), o => Assert.IsType<ScriptDone>(Assert.IsType<SandboxOutcome.Answered>(o).Message));
        Assert.True(most <= 2, $"{most} workers alive at once");
    }

    [Fact]
    public async Task A_cancelled_run_kills_its_worker_before_it_returns()
    {
        await using var pool = new SandboxPool(new SandboxSettings { WarmWorkers = 0 }, defaultWorkers: 1);
        using var cts = new CancellationTokenSource();
        var progressed = new TaskCompletionSource();
        var run = pool.RunAsync(Run("progress(1, 'started'); sleep(60000); 1", timeoutMs: 120_000), _ => progressed.TrySetResult(), cts.Token);
        await progressed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(0, pool.Live);
    }
}
