using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Node;

/// <summary>
/// Scripts run in sandbox worker processes, so nothing a script does reaches the node: real node
/// processes, real workers, the scripts that used to kill or bloat a node.
/// </summary>
public sealed class SandboxTests(ITestOutputHelper output)
{
    private const int Capacity = 4;

    private static readonly Dictionary<string, string> Env = new()
    {
        ["JOBS_CAPACITY"] = Capacity.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static object Script(string code, int? timeoutMs = null) =>
        new { type = "script", maxAttempts = 1, payload = new { code, timeoutMs } };

    /// <summary>Polls /healthz until stopped; every answer that is not 200 (or a failed call) is kept.</summary>
    private sealed class HealthWatch : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        public ConcurrentQueue<string> Problems { get; } = new();
        public int Probes;

        public HealthWatch(NodeProcess node)
        {
            _loop = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    try
                    {
                        var status = (await node.Http.GetAsync("/healthz", _stop.Token)).StatusCode;
                        if (status != HttpStatusCode.OK) Problems.Enqueue($"healthz answered {(int)status}");
                    }
                    catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                    {
                        return;
                    }
                    catch (Exception e)
                    {
                        Problems.Enqueue("healthz failed: " + e.Message);
                    }
                    Interlocked.Increment(ref Probes);
                    await Task.Delay(100);
                }
            });
        }

        public async ValueTask DisposeAsync()
        {
            _stop.Cancel();
            await _loop;
        }
    }

    /// <summary>
    /// What a script does, its code, the kinds it may fail with (a value nested 300,000 deep either
    /// overflows the worker's stack or, on a busy machine, is still being walked at the time limit:
    /// the interpreter checks for cycles along the path), and its time limit.
    /// </summary>
    public static TheoryData<string, string, string, int> Crashers => new()
    {
        // the scripts that killed a node when they ran in it
        { "a nested object returned", "let a = {}; for (let i = 0; i < 200000; i++) a = {a}; a", "crashed|timeout", 20_000 },
        { "JSON.stringify of a 300,000-deep array", "let a = []; for (let i = 0; i < 300000; i++) a = [a]; JSON.stringify(a).length", "crashed|timeout", 5_000 },
        { "String() of a 300,000-deep array", "let a = []; for (let i = 0; i < 300000; i++) a = [a]; String(a).length", "crashed|timeout", 20_000 },
        { ".flat(Infinity) of a 300,000-deep array", "let a = []; for (let i = 0; i < 300000; i++) a = [a]; a.flat(Infinity).length", "crashed|timeout", 20_000 },
        // and more of the same spirit
        { "one huge string", "'x'.repeat(4e8).length", "crashed", 60_000 },
        { "arrays until memory runs out", "const keep = []; while (true) keep.push(new Array(100000).fill(7));", "crashed", 60_000 },
        { "a catastrophic regular expression", "/(a+)+$/.test('a'.repeat(40) + 'b')", "timeout", 300 },
        { "an endless loop", "while (true) {}", "timeout", 300 },
        { "an endless loop of sleeps", "while (true) sleep(10)", "timeout", 300 },
        { "endless recursion", "function f() { return f(); } f()", "permanent", 60_000 },
        { "a proxy whose getter recurses", "const p = new Proxy({}, { get: (t, k, r) => r[k] }); p.x", "timeout", 300 },
        { "a 20 MB result", "'x'.repeat(2e7)", "permanent", 60_000 },
        { "toJSON that nests forever", "const o = { toJSON() { return { next: { toJSON: this.toJSON } }; } }; JSON.stringify(o)", "timeout", 300 },
    };

    [Theory]
    [MemberData(nameof(Crashers))]
    public async Task A_script_that_would_crash_a_node_fails_with_its_kind_and_the_node_stays_up(string what, string code, string kinds, int timeoutMs)
    {
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("sandbox-crash"), output, Env);
        var pid = node.Pid;
        JsonElement job;
        await using (var health = new HealthWatch(node))
        {
            var id = (await node.SubmitAsync(Script(code, timeoutMs))).GetProperty("id").GetString()!;
            job = await node.WaitForStatusAsync(id, "failed", TimeSpan.FromSeconds(120));
            Assert.True(health.Probes > 0, "healthz was never probed");
            Assert.True(health.Problems.IsEmpty, $"{what}: {string.Join("; ", health.Problems)}");
        }
        Assert.False(node.HasExited, $"{what}: the node died\n{node.Tail()}");
        Assert.Equal(pid, node.Pid);
        Assert.Equal(HttpStatusCode.OK, (await node.Http.GetAsync("/healthz")).StatusCode);
        var error = job.GetProperty("error");
        Assert.True(kinds.Split('|').Contains(error.GetProperty("kind").GetString()), $"{what}: expected {kinds}, got {error}");
        Assert.Equal(1, job.GetProperty("attempts").GetInt32());
        // the next script runs as if nothing happened
        var next = (await node.SubmitAsync(Script("6 * 7"))).GetProperty("id").GetString()!;
        Assert.Equal(42, (await node.WaitForStatusAsync(next, "completed")).GetProperty("result").GetProperty("value").GetInt32());
    }

    [Fact]
    public async Task Three_memory_bombs_at_once_fail_and_the_node_with_its_workers_grows_by_less_than_600_MB()
    {
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("sandbox-memory"), output, Env);
        var warm = (await node.SubmitAsync(Script("1"))).GetProperty("id").GetString()!;
        await node.WaitForStatusAsync(warm, "completed");
        var baseline = ProcessTree.TreeRssBytes(node.Pid);
        long peak = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, ProcessTree.TreeRssBytes(node.Pid));
                await Task.Delay(20);
            }
        });
        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add((await node.SubmitAsync(Script("'x'.repeat(4e8).length", timeoutMs: 30_000))).GetProperty("id").GetString()!);
        var jobs = await Task.WhenAll(ids.Select(id => node.WaitForStatusAsync(id, "failed", TimeSpan.FromSeconds(90))));
        sampling.Cancel();
        await sampler;
        output.WriteLine($"process tree RSS: baseline {baseline >> 20} MiB, peak {peak >> 20} MiB");
        Assert.All(jobs, j => Assert.Equal("crashed", j.GetProperty("error").GetProperty("kind").GetString()));
        Assert.True(peak - baseline < 600L << 20, $"the node and its workers grew by {(peak - baseline) >> 20} MiB");
    }

    [Fact]
    public async Task Regular_expressions_past_their_time_are_killed_and_never_more_scripts_run_than_the_capacity()
    {
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("sandbox-regex"), output, Env);
        var seen = new ConcurrentDictionary<int, bool>();
        var most = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                var workers = ProcessTree.SandboxWorkersOf(node.Pid).Where(ProcessTree.IsAlive).ToList();
                foreach (var w in workers) seen[w] = true;
                most = Math.Max(most, workers.Count);
                await Task.Delay(10);
            }
        });
        var ids = new List<string>();
        for (var i = 0; i < 12; i++)
            ids.Add((await node.SubmitAsync(Script("/(a+)+$/.test('a'.repeat(40) + 'b')", timeoutMs: 300))).GetProperty("id").GetString()!);
        var jobs = await Task.WhenAll(ids.Select(id => node.WaitForStatusAsync(id, "failed", TimeSpan.FromSeconds(90))));
        sampling.Cancel();
        await sampler;
        Assert.All(jobs, j => Assert.Equal("timeout", j.GetProperty("error").GetProperty("kind").GetString()));
        Assert.True(most <= Capacity, $"{most} workers alive at once; the capacity is {Capacity}");
        // every job ended only once its worker was gone or idle again: none burns CPU now
        var alive = seen.Keys.Where(ProcessTree.IsAlive).ToList();
        var before = alive.ToDictionary(w => w, ProcessTree.CpuTime);
        await Task.Delay(500); // a window to measure CPU over, not a wait for something to happen
        var burning = alive.Where(w => ProcessTree.IsAlive(w) && ProcessTree.CpuTime(w) - before[w] > TimeSpan.FromMilliseconds(100)).ToList();
        Assert.True(burning.Count == 0, $"workers still burning CPU after their jobs ended: {string.Join(", ", burning)}");
    }

    [Fact]
    public async Task No_job_view_carries_more_than_the_caps()
    {
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("sandbox-caps"), output, Env);
        var big = (await node.SubmitAsync(Script("'x'.repeat(2e7)"))).GetProperty("id").GetString()!;
        var loud = (await node.SubmitAsync(Script("for (let i = 0; i < 20000; i++) console.log('0123456789'); 'done'"))).GetProperty("id").GetString()!;
        var failed = await node.WaitForStatusAsync(big, "failed");
        Assert.Contains("the limit is 1048576", failed.GetProperty("error").GetProperty("message").GetString());
        var completed = await node.WaitForStatusAsync(loud, "completed");
        Assert.True(completed.GetProperty("result").GetProperty("truncated").GetBoolean());
        Assert.Equal(64 * 1024, completed.GetProperty("result").GetProperty("stdout").GetString()!.Length);

        var list = await node.Http.GetStringAsync("/api/jobs?limit=10");
        Assert.True(list.Length < 2 * 64 * 1024 + 64 * 1024, $"a list of two jobs is {list.Length} characters");
        foreach (var id in new[] { big, loud })
            Assert.True((await node.Http.GetStringAsync($"/api/jobs/{id}")).Length < 1024 * 1024, $"job {id}'s view is over 1 MiB");
    }

    [Fact]
    public async Task Killing_a_node_with_running_scripts_leaves_no_sandbox_process()
    {
        var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("sandbox-kill"), output, Env);
        try
        {
            var ids = new List<string>();
            for (var i = 0; i < 2; i++) ids.Add((await node.SubmitAsync(Script("sleep(60000); 1", timeoutMs: 120_000))).GetProperty("id").GetString()!);
            foreach (var id in ids) await node.WaitForStatusAsync(id, "running");
            var workers = ProcessTree.SandboxWorkersOf(node.Pid);
            Assert.True(workers.Count >= 2, $"expected the running scripts' workers, found {workers.Count}");
            node.Signal("KILL"); // the node alone, not its process tree
            Assert.True(await node.WaitForExitAsync(TimeSpan.FromSeconds(10)), "the node did not die");
            await Eventually.Until(() => Task.FromResult(workers.All(w => !ProcessTree.IsAlive(w))), TimeSpan.FromSeconds(10),
                "the killed node's sandbox workers to die with it");
        }
        finally
        {
            await node.DisposeAsync();
        }
    }
}
