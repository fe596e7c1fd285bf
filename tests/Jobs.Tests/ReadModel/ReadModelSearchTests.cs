using System.Data.Common;
using Jobs.Actors.ReadModel;
using Jobs.Messages;
using Jobs.Tests.Node;
using Jobs.Tests.Support;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit;

namespace Jobs.Tests.ReadModel;

/// <summary>
/// The read model's search (id prefix, metadata value, creation time), its maintained counts per
/// status and its batch table, on SQLite and on a real PostgreSQL (SqlJobReadStore, ReadModelTotals).
/// </summary>
[Collection(NodeCollection.Name)]
public sealed class ReadModelSearchTests(PostgresFixture postgres)
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private const string P = JobProjection.Name;

    private async Task<(SqlJobReadStore Store, Func<DbConnection> Connect)> NewStoreAsync(string db)
    {
        string cs;
        (SqlJobReadStore, Func<DbConnection>) made;
        if (db == "sqlite")
        {
            cs = $"Data Source={Path.Combine(TestPaths.NewTempDir("readmodel-search"), "readmodel.db")}";
            made = (SqlJobReadStore.ForSqlite(cs), () => new SqliteConnection(cs));
        }
        else
        {
            cs = db == "postgres" ? await postgres.CreateDatabaseAsync() : await CreateIcuDatabaseAsync();
            made = (SqlJobReadStore.ForPostgres(cs), () => new NpgsqlConnection(cs));
        }
        await made.Item1.InitializeAsync();
        return made;
    }

    /// <summary>A database ordering text by language rules (ICU en-US, where "k-b" sorts between "ka" and "kc"), as production servers often do.</summary>
    private async Task<string> CreateIcuDatabaseAsync()
    {
        var name = "icu_" + Guid.NewGuid().ToString("N")[..12];
        await using var c = new NpgsqlConnection(postgres.ConnectionString("postgres"));
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'", c);
        await cmd.ExecuteNonQueryAsync();
        return postgres.ConnectionString(name);
    }

    private static JobAccepted Accept(string id, int second, string? metadata = null, string tenant = "default", string? batch = null) =>
        new(id, new JobSpec { Type = "noop", Metadata = metadata, Tenant = tenant }, batch, T0.AddSeconds(second));

    /// <summary>Every page of a query, following nextCursor; each job once.</summary>
    private static async Task<List<string>> AllPagesAsync(IJobReadStore store, JobQuery query)
    {
        var ids = new List<string>();
        for (var pages = 0; pages < 100; pages++)
        {
            var page = await store.ListAsync(query, T0.AddHours(1));
            ids.AddRange(page.Items.Select(v => v.Id));
            if (page.NextCursor is null) return ids;
            query = query with { Cursor = page.NextCursor };
        }
        throw new InvalidOperationException("more than 100 pages");
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    [InlineData("postgres-icu")]
    public async Task Search_by_id_prefix_metadata_value_and_creation_time_finds_exactly_the_matching_jobs_page_by_page(string db)
    {
        var (store, _) = await NewStoreAsync(db);
        var events = new List<IJobEvent>();
        for (var i = 0; i < 10; i++) events.Add(Accept($"ord-{i:D2}", i, i % 3 == 0 ? """{"customer":"acme-7","n":7}""" : null));
        for (var i = 0; i < 10; i++) events.Add(Accept($"ore-{i:D2}", 10 + i, i == 4 ? """{"customer":"acme-7"}""" : """{"customer":"acme-8"}"""));
        events.Add(Accept("ord", 20, """{"note":"ord-0","nested":{"customer":"acme-7"}}""")); // the id prefix itself; a nested value is not searchable
        events.Add(Accept("other-1", 21, """{"customer":"acme 7 with spaces","flag":true}""", tenant: "t2"));
        await store.ApplyAsync(P, events.Select((e, i) => ((long)i + 1, e)).ToArray());

        var newestFirst = (IEnumerable<string> ids) => ids.OrderByDescending(id => events.OfType<JobAccepted>().Single(a => a.JobId == id).At).ToList();
        var ordPrefix = newestFirst(Enumerable.Range(0, 10).Select(i => $"ord-{i:D2}"));

        // the id prefix, three to a page: every page holds the next jobs, none twice, none missed
        Assert.Equal(ordPrefix, await AllPagesAsync(store, new JobQuery { Search = "ord-", Limit = 3 }));
        // a prefix ending in a digit: its range ends at "ord-0:", which language collations put before the digits
        Assert.Equal(["ord-09"], await AllPagesAsync(store, new JobQuery { Search = "ord-09" }));
        Assert.Equal(newestFirst(["ord-00", "ord-01", "ord-02", "ord-03", "ord-04", "ord-05", "ord-06", "ord-07", "ord-08", "ord-09", "ord"]),
            await AllPagesAsync(store, new JobQuery { Search = "ord", Limit = 4 }));
        // a metadata value (top-level only, exact): in ids that do not start with it too; a job matching both ways once
        Assert.Equal(newestFirst(["ord-00", "ord-03", "ord-06", "ord-09", "ore-04"]), await AllPagesAsync(store, new JobQuery { Search = "acme-7", Limit = 2 }));
        Assert.Equal(newestFirst([.. ordPrefix, "ord"]), await AllPagesAsync(store, new JobQuery { Search = "ord-0", Limit = 4 }));
        Assert.Equal(["other-1"], await AllPagesAsync(store, new JobQuery { Search = "acme 7 with spaces" }));
        Assert.Equal(["other-1"], await AllPagesAsync(store, new JobQuery { Search = "true" }));
        Assert.Equal(["ord-09", "ord-06", "ord-03", "ord-00"], await AllPagesAsync(store, new JobQuery { Search = "7" }));
        Assert.Empty(await AllPagesAsync(store, new JobQuery { Search = "acme" }));
        Assert.Empty(await AllPagesAsync(store, new JobQuery { Search = "acme-7", Tenant = "t2" }));

        // creation time: from inclusive, to exclusive, alone and with a search
        Assert.Equal(newestFirst(Enumerable.Range(5, 7).Select(s => s < 10 ? $"ord-{s:D2}" : $"ore-{s - 10:D2}")),
            await AllPagesAsync(store, new JobQuery { CreatedFrom = T0.AddSeconds(5), CreatedTo = T0.AddSeconds(12), Limit = 2 }));
        Assert.Equal(["ore-04"], await AllPagesAsync(store, new JobQuery { Search = "acme-7", CreatedFrom = T0.AddSeconds(10) }));
        Assert.Equal(["ord-03", "ord-00"], await AllPagesAsync(store, new JobQuery { Search = "acme-7", CreatedTo = T0.AddSeconds(6) }));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Expired_jobs_leave_the_counts_their_batch_and_the_metadata_search(string db)
    {
        var (store, _) = await NewStoreAsync(db);
        await store.ApplyAsync(P, [
            (1, Accept("e1", 1, metadata: """{"order":"o-1"}""", tenant: "acme", batch: "gone")),
            (1, Accept("e2", 2, metadata: """{"order":"o-2"}""", tenant: "acme", batch: "kept")),
            (1, Accept("e3", 3, tenant: "acme", batch: "kept")),
        ]);
        await store.ApplyAsync(P, [
            (2, new JobAttemptStarted("e1", 1, "n", T0.AddSeconds(10))), (2, new JobCompleted("e1", 1, null, T0.AddSeconds(11))),
            (3, new JobAttemptStarted("e2", 1, "n", T0.AddSeconds(12))), (3, new JobCompleted("e2", 1, null, T0.AddSeconds(13))),
        ]);
        Assert.Equal(2, (await store.CountsAsync("acme")).ByStatus[JobStatus.Completed]);

        await store.ApplyAsync(P, [(4, new JobsExpired(["e1", "e2"], T0.AddSeconds(20)))]);

        var counts = await store.CountsAsync("acme");
        Assert.Equal(0, counts.ByStatus.GetValueOrDefault(JobStatus.Completed));
        Assert.Equal(1, counts.Total);
        var batches = (await store.ListBatchesAsync("acme", 50, null)).Items;
        var kept = Assert.Single(batches); // a batch whose every job expired is gone from the list
        Assert.Equal(("kept", 1, 0), (kept.Id, kept.Total, kept.Completed));
        Assert.Empty(await AllPagesAsync(store, new JobQuery { Search = "o-1" }));
        Assert.Empty(await AllPagesAsync(store, new JobQuery { Search = "o-2" }));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Counts_per_status_and_batches_follow_every_event_and_are_rebuilt_for_a_read_model_that_had_none(string db)
    {
        var (store, connect) = await NewStoreAsync(db);
        await store.ApplyAsync(P, [
            (1, Accept("a1", 1, tenant: "acme", batch: "nightly")), (1, Accept("a2", 2, tenant: "acme", batch: "nightly")),
            (1, Accept("a3", 3, tenant: "acme", batch: "nightly")), (1, Accept("b1", 4, tenant: "beta", batch: "nightly")),
            (1, Accept("b2", 5, tenant: "beta")),
        ]);
        await store.ApplyAsync(P, [
            (2, new JobAttemptStarted("a1", 1, "n", T0.AddSeconds(10))), (2, new JobCompleted("a1", 1, null, T0.AddSeconds(11))),
            (3, new JobAttemptStarted("a2", 1, "n", T0.AddSeconds(12))),
            (4, new JobAttemptStarted("b1", 1, "n", T0.AddSeconds(12))),
            (4, new JobAttemptFailed("b1", 1, FailureKind.Permanent, "boom", T0.AddSeconds(13))),
            (4, new JobDeadLettered("b1", FailureKind.Permanent, "boom", T0.AddSeconds(13))),
        ]);
        await store.ApplyAsync(P, [(5, new JobCancelled("b2", FailureKind.Cancelled, "asked", T0.AddSeconds(14)))]);

        async Task Check()
        {
            var all = await store.CountsAsync(null);
            Assert.Equal((1, 1, 1, 1, 1, 0, 1), (all.ByStatus[JobStatus.Pending], all.ByStatus[JobStatus.Running], all.ByStatus[JobStatus.Completed],
                all.ByStatus[JobStatus.Failed], all.ByStatus[JobStatus.Cancelled], all.ByStatus[JobStatus.Scheduled], all.DeadLetters));
            Assert.Equal(5, all.Total);
            var beta = await store.CountsAsync("beta");
            Assert.Equal((1L, 1L, 1L, 2L), (beta.ByStatus[JobStatus.Failed], beta.ByStatus[JobStatus.Cancelled], beta.DeadLetters, beta.Total));

            // batches per tenant, newest first, one to a page
            var first = await store.ListBatchesAsync(null, 1, null);
            Assert.Equal(("nightly", "beta", 1, 1, "completed"), (first.Items[0].Id, first.Items[0].Tenant, first.Items[0].Total, first.Items[0].Failed, first.Items[0].Status));
            var second = await store.ListBatchesAsync(null, 1, first.NextCursor);
            var acme = second.Items.Single();
            Assert.Equal(("acme", 3, 1, 1, 1, "running", T0.AddSeconds(1)), (acme.Tenant, acme.Total, acme.Pending, acme.Running, acme.Completed, acme.Status, acme.CreatedAt));
            Assert.Null(second.NextCursor);
            Assert.Equal(["acme"], (await store.ListBatchesAsync("acme", 50, null)).Items.Select(b => b.Tenant));
        }
        await Check();

        // purged: still failed, out of the DLQ; requeued: pending again
        await store.ApplyAsync(P, [(6, new JobPurged("b1", T0.AddSeconds(20)))]);
        Assert.Equal(0, (await store.CountsAsync("beta")).DeadLetters);
        await store.ApplyAsync(P, [(7, new JobRequeued("b1", T0.AddSeconds(21)))]);
        var requeued = await store.CountsAsync("beta");
        Assert.Equal((1L, 0L), (requeued.ByStatus[JobStatus.Pending], requeued.ByStatus[JobStatus.Failed]));
        Assert.Equal(1, (await store.ListBatchesAsync("beta", 50, null)).Items.Single().Pending);

        // a read model written before these tables existed: counted once when they are created
        await store.ApplyAsync(P, [(8, new JobAttemptStarted("b1", 1, "n", T0.AddSeconds(22))), (8, new JobAttemptFailed("b1", 1, FailureKind.Permanent, "boom", T0.AddSeconds(23))),
            (8, new JobDeadLettered("b1", FailureKind.Permanent, "boom", T0.AddSeconds(23)))]);
        await using (var c = connect())
        {
            await c.OpenAsync();
            await using var drop = c.CreateCommand();
            drop.CommandText = "DROP TABLE job_counts; DROP TABLE batches;";
            await drop.ExecuteNonQueryAsync();
        }
        await store.InitializeAsync();
        await Check();
    }
}
