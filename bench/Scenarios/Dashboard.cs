using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;

namespace Jobs.Bench.Scenarios;

/// <summary>
/// The dashboard's data calls over a large read model: one node on PostgreSQL whose read model holds
/// <c>--dashboard-jobs</c> jobs (default 1,000,000: 90 % completed, 5 % failed, 3 % pending, 2 %
/// running; one in seven of type llm; ten tenants; one job in ten in a batch of 100; one in a hundred with a metadata value <c>order</c> shared by ten jobs), written straight into its tables. Each
/// call every page makes is timed from the client on loopback (p50/p95 over <c>--dashboard-calls</c>),
/// with <c>GET /healthz</c> timed the same way in the same run as the floor of one HTTP round trip.
/// </summary>
public static class Dashboard
{
    public const string Name = "dashboard";

    public static async Task Measure(Results results, PostgresServer pg, int jobs, int calls)
    {
        var db = await pg.CreateDatabaseAsync();
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("bench-dashboard"),
            env: BenchNodes.Env(new() { ["JOBS_PERSISTENCE"] = "postgres", ["JOBS_DB"] = db }));
        var sw = Stopwatch.StartNew();
        await FillAsync(db, jobs);
        Console.WriteLine($"{Name}: {jobs:N0} jobs written into the read model in {sw.Elapsed.TotalSeconds:0} s");

        var http = node.Http;
        var firstPage = await http.GetFromJsonAsync<JsonElement>("/api/jobs?limit=50");
        var cursor = firstPage.GetProperty("nextCursor").GetString()!;
        var oldJob = Id(jobs / 2);
        var batchCursor = (await http.GetFromJsonAsync<JsonElement>("/api/batches?limit=50")).GetProperty("nextCursor").GetString()!;
        var reads = new (string Page, string Call, Func<Task<HttpResponseMessage>> Send)[]
        {
            ("floor", "GET /healthz", () => http.GetAsync("/healthz")),
            ("overview", "GET /api/nodes", () => http.GetAsync("/api/nodes")),
            ("overview", "GET /api/nodes/series", () => http.GetAsync("/api/nodes/series")),
            ("overview", "GET /api/jobs?limit=10", () => http.GetAsync("/api/jobs?limit=10")),
            ("overview", "GET /api/dlq?limit=5", () => http.GetAsync("/api/dlq?limit=5")),
            ("overview", "GET /api/job-counts", () => http.GetAsync("/api/job-counts")),
            ("overview", "GET /api/job-counts?tenant=t-3", () => http.GetAsync("/api/job-counts?tenant=t-3")),
            ("jobs", "GET /api/jobs?limit=50", () => http.GetAsync("/api/jobs?limit=50")),
            ("jobs", "GET /api/jobs?limit=50&cursor (page 2)", () => http.GetAsync("/api/jobs?limit=50&cursor=" + cursor)),
            ("jobs", "GET /api/jobs?status=failed&limit=50", () => http.GetAsync("/api/jobs?status=failed&limit=50")),
            ("jobs", "GET /api/jobs?status=pending&limit=50", () => http.GetAsync("/api/jobs?status=pending&limit=50")),
            ("jobs", "GET /api/jobs?tenant=t-3&limit=50", () => http.GetAsync("/api/jobs?tenant=t-3&limit=50")),
            ("jobs", "GET /api/jobs?type=llm&tenant=t-0&limit=50", () => http.GetAsync("/api/jobs?type=llm&tenant=t-0&limit=50")),
            ("jobs", "GET /api/jobs?status=failed&tenant=t-7&limit=50", () => http.GetAsync("/api/jobs?status=failed&tenant=t-7&limit=50")),
            ("jobs", "GET /api/jobs?type=nope&tenant=t-3 (matches none)", () => http.GetAsync("/api/jobs?type=nope&tenant=t-3&limit=50")),
            ("jobs", "GET /api/jobs?q=dash-000123 (id prefix, 10 jobs)", () => http.GetAsync("/api/jobs?q=dash-000123&limit=50")),
            ("jobs", "GET /api/jobs?q=dash- (id prefix of every job)", () => http.GetAsync("/api/jobs?q=dash-&limit=50")),
            ("jobs", "GET /api/jobs?q=o-17 (metadata value, 10 jobs)", () => http.GetAsync("/api/jobs?q=o-17&limit=50")),
            ("jobs", "GET /api/jobs?q=zzz (matches none)", () => http.GetAsync("/api/jobs?q=zzz&limit=50")),
            ("jobs", "GET /api/jobs?from&to (one hour, 3,600 jobs)", () => http.GetAsync("/api/jobs?from=2026-01-05T00:00Z&to=2026-01-05T01:00Z&limit=50")),
            ("jobs", "GET /api/jobs?q=o-17&tenant=t-0&from&to (a week)", () => http.GetAsync("/api/jobs?q=o-17&tenant=t-0&from=2026-01-01T00:00Z&to=2026-01-08T00:00Z&limit=50")),
            ("job", "GET /api/jobs/{id} (from the read model)", () => http.GetAsync("/api/jobs/" + oldJob)),
            ("dlq", "GET /api/dlq?limit=100", () => http.GetAsync("/api/dlq?limit=100")),
            ("dlq", "GET /api/dlq?tenant=t-3&limit=100", () => http.GetAsync("/api/dlq?tenant=t-3&limit=100")),
            ("dlq", "POST /api/dlq/requeue dryRun type=llm tenant=t-0", () => http.PostAsJsonAsync("/api/dlq/requeue", new { type = "llm", tenant = "t-0", dryRun = true })),
            ("batches", "GET /api/batches?limit=50", () => http.GetAsync("/api/batches?limit=50")),
            ("batches", "GET /api/batches?limit=50 page 2 (cursor)", () => http.GetAsync("/api/batches?limit=50&cursor=" + batchCursor)),
            ("batches", "GET /api/batches?tenant=t-3&limit=50", () => http.GetAsync("/api/batches?tenant=t-3&limit=50")),
            ("batches", "GET /api/jobs?batchId=…&limit=100", () => http.GetAsync("/api/jobs?limit=100&batchId=batch-17")),
            ("cluster", "GET /api/cluster", () => http.GetAsync("/api/cluster")),
            ("cluster", "GET /api/cluster/sharding", () => http.GetAsync("/api/cluster/sharding")),
            ("usage", "GET /api/usage?tenant=t-3", () => http.GetAsync("/api/usage?tenant=t-3")),
        };
        foreach (var (page, call, send) in reads)
        {
            var ms = new List<double>();
            for (var i = 0; i < calls + 3; i++)
            {
                var t = Stopwatch.StartNew();
                using var response = await send();
                await response.Content.ReadAsByteArrayAsync();
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{call}: {(int)response.StatusCode}");
                if (i >= 3) ms.Add(t.Elapsed.TotalMilliseconds); // the first three warm the path
            }
            ms.Sort();
            var system = $"jobs-postgres-{jobs / 1000}k";
            results.Add(Name, system, $"{page}: {call} p50_ms", Percentiles.Of(ms, 0.5));
            results.Add(Name, system, $"{page}: {call} p95_ms", Percentiles.Of(ms, 0.95));
            Console.WriteLine($"{Name} {page,-9} {call,-52} p50 {Percentiles.Of(ms, 0.5),7:0.0} ms  p95 {Percentiles.Of(ms, 0.95),7:0.0} ms");
        }
    }

    private static string Id(long i) => $"dash-{i:D8}";

    /// <summary>The read model's rows, generated by PostgreSQL itself (what the projection would have written for such jobs).</summary>
    private static async Task FillAsync(string db, int jobs)
    {
        await using var c = new NpgsqlConnection(db);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO jobs (id, type, queue, tenant, batch_id, status, created_at, run_at, finished_at, in_dlq, record)
            SELECT id, type, 'default', tenant, batch, status, created, NULL, finished, CASE WHEN status = 'failed' THEN 1 ELSE 0 END,
                   json_build_object('id', id, 'spec', json_build_object('type', type, 'tenant', tenant, 'metadata', meta),
                       'batchId', batch, 'status', status, 'attempts', CASE WHEN status = 'pending' THEN 0 ELSE 1 END,
                       'createdAt', to_char(at, 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'),
                       'completedAt', CASE WHEN finished IS NULL THEN NULL ELSE to_char(at + interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"') END,
                       'error', CASE WHEN status = 'failed' THEN json_build_object('kind', 'permanent', 'message', 'generated failure') END)::text
            FROM (
                SELECT 'dash-' || lpad(i::text, 8, '0') AS id,
                       CASE WHEN i % 7 = 0 THEN 'llm' ELSE 'noop' END AS type,
                       't-' || (i % 10) AS tenant,
                       CASE WHEN i % 10 = 0 THEN 'batch-' || (i / 1000) END AS batch,
                       CASE WHEN i % 100 = 0 THEN json_build_object('order', 'o-' || (i / 100 % 1000)) END AS meta,
                       CASE WHEN (i::bigint * 7919) % 100 < 90 THEN 'completed' WHEN (i::bigint * 7919) % 100 < 95 THEN 'failed' WHEN (i::bigint * 7919) % 100 < 98 THEN 'pending' ELSE 'running' END AS status,
                       at,
                       (extract(epoch FROM at)::bigint * 10000000 + 621355968000000000) AS created,
                       CASE WHEN (i::bigint * 7919) % 100 < 95 THEN (extract(epoch FROM at)::bigint + 1) * 10000000 + 621355968000000000 END AS finished
                FROM generate_series(1, @n) AS i, LATERAL (SELECT timestamp '2026-01-01' + i * interval '1 second' AS at) t
            ) g;
            -- the maintained tables, as the projection would have kept them
            INSERT INTO job_counts (tenant, status, n) SELECT tenant, status, COUNT(*) FROM jobs GROUP BY tenant, status;
            INSERT INTO job_counts (tenant, status, n) SELECT tenant, 'dlq', COUNT(*) FROM jobs WHERE in_dlq = 1 GROUP BY tenant;
            INSERT INTO batches (tenant, batch_id, created_at, total, pending, running, completed, failed, cancelled)
            SELECT tenant, batch_id, MIN(created_at), COUNT(*), SUM(CASE WHEN status IN ('pending', 'scheduled') THEN 1 ELSE 0 END),
                   SUM(CASE WHEN status = 'running' THEN 1 ELSE 0 END), SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END),
                   SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END), SUM(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END)
            FROM jobs WHERE batch_id IS NOT NULL GROUP BY tenant, batch_id;
            INSERT INTO job_meta (value, id) SELECT record::json -> 'spec' -> 'metadata' ->> 'order', id FROM jobs
            WHERE record::json -> 'spec' -> 'metadata' ->> 'order' IS NOT NULL;
            ANALYZE jobs;
            ANALYZE job_counts;
            ANALYZE batches;
            ANALYZE job_meta;
            """, c) { CommandTimeout = 600 };
        cmd.Parameters.AddWithValue("n", jobs);
        await cmd.ExecuteNonQueryAsync();
    }
}
