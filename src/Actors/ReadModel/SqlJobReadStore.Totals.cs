using System.Data.Common;
using System.Globalization;
using System.Text;
using Jobs.Actors.Partitions;
using Jobs.Messages;

namespace Jobs.Actors.ReadModel;

/// <summary>
/// The read model's maintained tables: counts per tenant and status (the overview reads them
/// instead of counting the jobs table), each batch's counts (the batch list), and the searchable
/// metadata values of each job (<see cref="JobQuery.Search"/>). The projection keeps them in the
/// transaction of the rows they count (<see cref="ReadModelTotals"/>).
/// </summary>
public sealed partial class SqlJobReadStore
{
    /// <summary>Parameters per statement batch when writing the maintained tables (well under SQLite's and PostgreSQL's limits).</summary>
    private const int MaxParametersPerWrite = 2_000;

    private string TotalsSchema => $"""
        CREATE TABLE IF NOT EXISTS job_counts (
            tenant TEXT NOT NULL,
            status TEXT NOT NULL,
            n {dialect.BigInt} NOT NULL,
            PRIMARY KEY (tenant, status)
        );
        CREATE TABLE IF NOT EXISTS batches (
            tenant TEXT NOT NULL,
            batch_id TEXT NOT NULL,
            created_at {dialect.BigInt} NOT NULL,
            total INTEGER NOT NULL,
            pending INTEGER NOT NULL,
            running INTEGER NOT NULL,
            completed INTEGER NOT NULL,
            failed INTEGER NOT NULL,
            cancelled INTEGER NOT NULL,
            PRIMARY KEY (tenant, batch_id)
        );
        CREATE INDEX IF NOT EXISTS ix_batches_created ON batches (created_at DESC, batch_id DESC, tenant DESC);
        CREATE INDEX IF NOT EXISTS ix_batches_tenant ON batches (tenant, created_at DESC, batch_id DESC);
        CREATE TABLE IF NOT EXISTS job_meta (
            value TEXT NOT NULL,
            id TEXT NOT NULL,
            PRIMARY KEY (value, id)
        );
        CREATE INDEX IF NOT EXISTS ix_job_meta_id ON job_meta (id);
        """;

    /// <summary>
    /// Counts of rows written before these tables existed (a read model of an earlier version):
    /// one scan of the jobs table when the tables are created, never again. Metadata values of such
    /// rows are not backfilled (docs/api.md says so).
    /// </summary>
    private const string TotalsBackfill = """
        INSERT INTO job_counts (tenant, status, n) SELECT tenant, status, COUNT(*) FROM jobs GROUP BY tenant, status;
        INSERT INTO job_counts (tenant, status, n) SELECT tenant, 'dlq', COUNT(*) FROM jobs WHERE in_dlq = 1 GROUP BY tenant;
        INSERT INTO batches (tenant, batch_id, created_at, total, pending, running, completed, failed, cancelled)
        SELECT tenant, batch_id, MIN(created_at), COUNT(*),
               SUM(CASE WHEN status IN ('pending', 'scheduled') THEN 1 ELSE 0 END),
               SUM(CASE WHEN status = 'running' THEN 1 ELSE 0 END),
               SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END),
               SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END),
               SUM(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END)
        FROM jobs WHERE batch_id IS NOT NULL GROUP BY tenant, batch_id;
        """;

    private async Task AddTotalsTablesAsync(DbConnection c, DbTransaction tx, CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        var present = await AnyAsync(cmd, dialect == SqlDialect.Postgres
            ? "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'job_counts';"
            : "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'job_counts';", ct);
        cmd.CommandText = TotalsSchema + (present ? "" : TotalsBackfill);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The id column as the prefix range compares it: by code point (<see cref="JobIdPrefix"/>).</summary>
    private string _idByCodePoint = "id";

    /// <summary>
    /// SQLite compares text by code point, and so does a PostgreSQL database whose collation is C or
    /// C.UTF-8: the primary key serves the prefix range. Any other collation (en_US, ICU) orders ids
    /// by language rules, in which <c>k-…</c> is not a contiguous range: there the range compares
    /// <c>id COLLATE "C"</c>, served by an index of its own.
    /// </summary>
    private async Task PrepareIdPrefixAsync(DbConnection c, DbTransaction tx, CancellationToken ct)
    {
        if (dialect != SqlDialect.Postgres) return;
        await using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT datlocprovider = 'c' AND datcollate IN ('C', 'POSIX', 'C.UTF-8', 'C.utf8') FROM pg_database WHERE datname = current_database();";
        if (await cmd.ExecuteScalarAsync(ct) is true) return;
        cmd.CommandText = "CREATE INDEX IF NOT EXISTS ix_jobs_id_c ON jobs (id COLLATE \"C\");";
        await cmd.ExecuteNonQueryAsync(ct);
        _idByCodePoint = "id COLLATE \"C\"";
    }

    /// <summary>Writes one group's changes to the maintained tables, in the group's transaction.</summary>
    private static async Task WriteTotalsAsync(DbConnection c, DbTransaction tx, ReadModelTotals totals, CancellationToken ct)
    {
        if (totals.IsEmpty) return;
        var batch = new StatementBatch(c, tx);
        foreach (var ((tenant, status), n) in totals.Counts)
            await batch.AddAsync("INSERT INTO job_counts (tenant, status, n) VALUES ({0}, {1}, {2}) ON CONFLICT (tenant, status) DO UPDATE SET n = job_counts.n + excluded.n;",
                [tenant, status, n], ct);
        foreach (var ((tenant, batchId), d) in totals.Batches)
        {
            if (d is { Total: 0, Pending: 0, Running: 0, Completed: 0, Failed: 0, Cancelled: 0 }) continue;
            await batch.AddAsync("""
                INSERT INTO batches (tenant, batch_id, created_at, total, pending, running, completed, failed, cancelled)
                VALUES ({0}, {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8})
                ON CONFLICT (tenant, batch_id) DO UPDATE SET
                    created_at = CASE WHEN excluded.created_at < batches.created_at THEN excluded.created_at ELSE batches.created_at END,
                    total = batches.total + excluded.total, pending = batches.pending + excluded.pending,
                    running = batches.running + excluded.running, completed = batches.completed + excluded.completed,
                    failed = batches.failed + excluded.failed, cancelled = batches.cancelled + excluded.cancelled;
                """, [tenant, batchId, d.CreatedAt, d.Total, d.Pending, d.Running, d.Completed, d.Failed, d.Cancelled], ct);
        }
        foreach (var (value, id) in totals.MetadataValues)
            await batch.AddAsync("INSERT INTO job_meta (value, id) VALUES ({0}, {1}) ON CONFLICT (value, id) DO NOTHING;", [value, id], ct);
        await batch.FlushAsync(ct);
    }

    /// <summary>Statements sent together, at most <see cref="MaxParametersPerWrite"/> parameters a round trip.</summary>
    private sealed class StatementBatch(DbConnection c, DbTransaction tx)
    {
        private readonly StringBuilder _sql = new();
        private readonly List<object> _values = [];

        public async Task AddAsync(string statement, object[] values, CancellationToken ct)
        {
            if (_values.Count + values.Length > MaxParametersPerWrite) await FlushAsync(ct);
            var names = values.Select((_, i) => (object)("@v" + (_values.Count + i).ToString(CultureInfo.InvariantCulture))).ToArray();
            _sql.AppendFormat(CultureInfo.InvariantCulture, statement, names).Append('\n');
            _values.AddRange(values);
        }

        public async Task FlushAsync(CancellationToken ct)
        {
            if (_values.Count == 0) return;
            await using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = _sql.ToString();
            for (var i = 0; i < _values.Count; i++) AddParameter(cmd, "@v" + i.ToString(CultureInfo.InvariantCulture), _values[i]);
            await cmd.ExecuteNonQueryAsync(ct);
            _sql.Clear();
            _values.Clear();
        }
    }

    public async Task<JobCounts> CountsAsync(string? tenant, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT status, SUM(n) FROM job_counts" + (tenant is null ? "" : " WHERE tenant = @t") + " GROUP BY status;";
        if (tenant is not null) AddParameter(cmd, "@t", tenant);
        var byStatus = Enum.GetValues<JobStatus>().ToDictionary(s => s, _ => 0L);
        long dlq = 0;
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var n = Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture);
            if (r.GetString(0) == ReadModelTotals.DeadLetters) dlq = n;
            else if (Enum.TryParse<JobStatus>(r.GetString(0), ignoreCase: true, out var status)) byStatus[status] = n;
        }
        return new JobCounts(byStatus, dlq);
    }

    public async Task<BatchPage> ListBatchesAsync(string? tenant, int limit, string? cursor, CancellationToken ct = default)
    {
        limit = Math.Clamp(limit, 1, 1000);
        await using var c = await OpenAsync(ct);
        await using var cmd = c.CreateCommand();
        var where = new List<string>();
        if (tenant is not null)
        {
            where.Add("tenant = @t");
            AddParameter(cmd, "@t", tenant);
        }
        if (BatchCursor.Decode(cursor) is { } after)
        {
            where.Add("(created_at < @ct OR (created_at = @ct AND (batch_id < @cb OR (batch_id = @cb AND tenant < @cten))))");
            AddParameter(cmd, "@ct", after.Ticks);
            AddParameter(cmd, "@cb", after.BatchId);
            AddParameter(cmd, "@cten", after.Tenant);
        }
        cmd.CommandText = "SELECT tenant, batch_id, created_at, total, pending, running, completed, failed, cancelled FROM batches " +
                          (where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "") +
                          $" ORDER BY created_at DESC, batch_id DESC, tenant DESC LIMIT {limit + 1};";
        var rows = new List<BatchRow>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            int Int(int i) => Convert.ToInt32(r.GetValue(i), CultureInfo.InvariantCulture);
            while (await r.ReadAsync(ct))
                rows.Add(new BatchRow(r.GetString(1), r.GetString(0), new DateTimeOffset(r.GetInt64(2), TimeSpan.Zero),
                    Int(3), Int(4), Int(5), Int(6), Int(7), Int(8)));
        }
        string? next = null;
        if (rows.Count > limit)
        {
            rows.RemoveAt(rows.Count - 1);
            next = BatchCursor.Encode(rows[^1]);
        }
        return new BatchPage(rows, next);
    }
}

/// <summary>The batch list's keyset cursor: the last batch's creation time, id and tenant, opaque to clients.</summary>
public static class BatchCursor
{
    public static string Encode(BatchRow last) => JobCursor.Encode(last.CreatedAt.UtcTicks, last.Tenant + "/" + last.Id);

    /// <summary>An unreadable cursor is an error the caller sees (ArgumentException → 400).</summary>
    public static (long Ticks, string Tenant, string BatchId)? Decode(string? cursor)
    {
        if (JobCursor.Decode(cursor) is not { } c) return null;
        var slash = c.Id.IndexOf('/');
        if (slash < 0) throw new ArgumentException("cursor is not one this API returned", nameof(cursor));
        return (c.Ticks, c.Id[..slash], c.Id[(slash + 1)..]);
    }
}
