using System.Diagnostics;
using System.Net;
using System.Text;
using Hangfire;

namespace Jobs.Bench.Scenarios;

/// <summary>
/// Single-job submissions over HTTP, the way most clients submit: N connections, each POSTing one
/// <c>{"type":"noop"}</c> at a time to <c>/api/jobs</c>, for a fixed time. Beside it, in the same
/// run and with the same load generator, <c>GET /healthz</c> on the same node: what one request
/// costs this machine with no work behind it, so <c>post_over_healthz</c> says how close a
/// durable submission comes to the HTTP stack's own limit. Then an open-loop load at a fixed rate
/// (requests sent on a schedule, not after the previous answer) for the latency a client sees
/// below saturation; and the closed loop's jobs completed per second, from its first POST until
/// the last of them completed. Nodes: one on SQLite, one
/// on PostgreSQL, three on PostgreSQL (connections spread over the nodes, one tenant);
/// Hangfire's in-process enqueue rate on the same PostgreSQL as the peer.
/// </summary>
public static class HttpSingle
{
    public const string Name = "http-single";

    /// <summary>What <c>--http-systems</c> picks from (all by default): one node on SQLite, one and three on PostgreSQL, Hangfire's enqueue rate.</summary>
    public static readonly string[] Systems = ["sqlite", "postgres-1", "postgres-3", "hangfire"];

    private static readonly byte[] NoopJob = Encoding.UTF8.GetBytes("""{"type":"noop"}""");

    public static async Task Measure(Results results, PostgresServer pg, int connections, TimeSpan duration, int offeredRate, int hangfireJobs, IReadOnlyCollection<string> systems)
    {
        if (systems.Contains("sqlite"))
            await using (var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("bench-http-sqlite"), env: BenchNodes.Env()))
                await MeasureNodes(results, "jobs-sqlite-1node", [node], connections, duration, offeredRate);
        foreach (var nodes in new[] { 1, 3 }.Where(n => systems.Contains($"postgres-{n}")))
        {
            await using var cluster = await TestCluster.StartAsync(pg, null, nodes, _ => BenchNodes.Env());
            await MeasureNodes(results, $"jobs-postgres-{nodes}node{(nodes == 1 ? "" : "s")}", cluster.Nodes, connections, duration, offeredRate);
        }
        if (systems.Contains("hangfire")) await HangfireEnqueue(results, pg, hangfireJobs);
    }

    private static async Task MeasureNodes(Results results, string system, IReadOnlyList<NodeProcess> nodes, int connections, TimeSpan duration, int offeredRate)
    {
        var clients = nodes.Select(n => Client(n.Http.BaseAddress!, connections)).ToArray();
        try
        {
            // warm-up, not measured: rounds of POSTs (and a few health checks) until the nodes' JIT has settled
            long warmedUp = 0;
            await Throughput.UntilJitSettles($"{Name} {system} warm-up", nodes.Select(n => n.Pid).ToArray(), async () =>
            {
                var round = await ClosedLoop(clients, connections, TimeSpan.FromSeconds(3), Post);
                await ClosedLoop(clients, connections, TimeSpan.FromSeconds(1), Health);
                warmedUp += round.Accepted;
                await WaitCompleted(nodes, warmedUp);
                return $"{round.PerSecond:0} POSTs/s, ";
            });

            Console.WriteLine($"{Name} {system}: {connections} connections × {duration.TotalSeconds:0} s of GET /healthz, then of POST /api/jobs");
            var health = await ClosedLoop(clients, connections, duration, Health);
            var sw = Stopwatch.StartNew();
            var posts = await ClosedLoop(clients, connections, duration, Post);
            await WaitCompleted(nodes, warmedUp + posts.Accepted);
            results.Add(Name, system, "healthz_req_per_s", health.PerSecond);
            results.Add(Name, system, "post_jobs_per_s", posts.PerSecond);
            results.Add(Name, system, "post_over_healthz", posts.PerSecond / health.PerSecond);
            results.Add(Name, system, "post_ms_p50", posts.Percentile(0.5));
            results.Add(Name, system, "post_ms_p99", posts.Percentile(0.99));
            results.Add(Name, system, "completed_jobs_per_s", posts.Accepted / sw.Elapsed.TotalSeconds);
            if (posts.Failed > 0) results.Add(Name, system, "post_not_accepted", posts.Failed);

            Console.WriteLine($"{Name} {system}: open loop at {offeredRate}/s for {duration.TotalSeconds:0} s");
            var open = await OpenLoop(clients, offeredRate, duration);
            results.Add(Name, system, $"open_{offeredRate}_ms_p50", open.Percentile(0.5));
            results.Add(Name, system, $"open_{offeredRate}_ms_p99", open.Percentile(0.99));
            results.Add(Name, system, $"open_{offeredRate}_accepted_per_s", open.PerSecond);
            if (open.Failed > 0) results.Add(Name, system, $"open_{offeredRate}_not_accepted", open.Failed);
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
        }
    }

    /// <summary>Until the nodes' <c>jobs_completed_total</c> add up to <paramref name="count"/> (every job here is a noop).</summary>
    private static Task WaitCompleted(IReadOnlyList<NodeProcess> nodes, long count) =>
        Eventually.Until(async () => (await Task.WhenAll(nodes.Select(n => n.MetricAsync("jobs_completed_total")))).Sum(),
            done => done >= count, TimeSpan.FromMinutes(5), $"{count} accepted jobs to complete");

    private static HttpClient Client(Uri baseAddress, int connections) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = connections,
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        UseProxy = false,
    })
    { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };

    private static Task<HttpResponseMessage> Post(HttpClient http) =>
        http.PostAsync("/api/jobs", new ByteArrayContent(NoopJob) { Headers = { ContentType = new("application/json") } });

    private static Task<HttpResponseMessage> Health(HttpClient http) => http.GetAsync("/healthz");

    /// <summary><paramref name="connections"/> loops, each sending the next request when the last answered, spread over the nodes.</summary>
    private static async Task<Load> ClosedLoop(HttpClient[] clients, int connections, TimeSpan duration, Func<HttpClient, Task<HttpResponseMessage>> call)
    {
        var load = new Load();
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(i => Task.Run(async () =>
        {
            var http = clients[i % clients.Length];
            var mine = new List<double>();
            var failed = 0;
            while (sw.Elapsed < duration)
            {
                var start = Stopwatch.GetTimestamp();
                using var response = await call(http);
                await response.Content.LoadIntoBufferAsync();
                if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted) mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                else failed++;
            }
            load.Merge(mine, failed);
        })));
        load.Seconds = sw.Elapsed.TotalSeconds;
        return load;
    }

    /// <summary>POSTs on a fixed schedule of <paramref name="rate"/> per second, whatever the answers' time.</summary>
    private static async Task<Load> OpenLoop(HttpClient[] clients, int rate, TimeSpan duration)
    {
        var load = new Load();
        var sw = Stopwatch.StartNew();
        await Latency.Paced(rate, (int)(rate * duration.TotalSeconds), async i =>
        {
            var start = Stopwatch.GetTimestamp();
            using var response = await Post(clients[i % clients.Length]);
            await response.Content.LoadIntoBufferAsync();
            var ok = response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK;
            load.Merge(ok ? [Stopwatch.GetElapsedTime(start).TotalMilliseconds] : [], ok ? 0 : 1);
        });
        load.Seconds = sw.Elapsed.TotalSeconds;
        return load;
    }

    /// <summary>Hangfire's client enqueueing no-op jobs from 64 threads into PostgreSQL, in this process: its submission rate.</summary>
    private static async Task HangfireEnqueue(Results results, PostgresServer pg, int jobs)
    {
        Console.WriteLine($"{Name} hangfire-postgres: {jobs} enqueues");
        using var peer = HangfirePeer.Start(await pg.CreateDatabaseAsync(), workers: 20);
        for (var i = 0; i < 200; i++) peer.Client.Enqueue(() => HangfirePeer.Noop()); // warm-up
        var elapsed = await peer.EnqueueNoopsAsync(jobs);
        results.Add(Name, "hangfire-postgres-w20", "enqueue_jobs_per_s", jobs / elapsed.TotalSeconds);
    }

    private sealed class Load
    {
        private readonly List<double> _ms = [];
        private readonly Lock _lock = new();

        public int Failed { get; private set; }
        public double Seconds { get; set; }
        public int Accepted => _ms.Count;
        public double PerSecond => _ms.Count / Seconds;

        public void Merge(List<double> ms, int failed)
        {
            lock (_lock)
            {
                _ms.AddRange(ms);
                Failed += failed;
            }
        }

        public double Percentile(double q) => Percentiles.Of(_ms.Order().ToArray(), q);
    }
}
