using System.Globalization;
using System.Text;
using System.Text.Json;
using Jobs.Actors.Supervision;
using Jobs.Messages;
using Jobs.Messages.Serialization;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Jobs.Actors.ReadModel;

/// <summary>The SQL that differs between the read model's databases.</summary>
public sealed record SqlDialect(string Name, string BigInt, string? Prepare)
{
    public static readonly SqlDialect Sqlite = new("sqlite", "INTEGER", "PRAGMA journal_mode=WAL;");
    public static readonly SqlDialect Postgres = new("postgres", "BIGINT", null);
}

/// <summary>
/// The read model in SQL (SQLite or PostgreSQL). Each row holds the job's <see cref="JobRecord"/> as JSON plus the
/// columns it is filtered and sorted on; rows are advanced with the same pure
/// <see cref="PartitionState.Apply"/> the partitions use.
/// </summary>
public sealed class SqlJobReadStore(Func<DbConnection> connect, SqlDialect dialect) : IJobReadStore
{
    public static SqlJobReadStore ForSqlite(string connectionString) => new(() => new SqliteConnection(connectionString), SqlDialect.Sqlite);

    public static SqlJobReadStore ForPostgres(string connectionString) => new(() => new NpgsqlConnection(connectionString), SqlDialect.Postgres);

    private string Schema => $"""
        CREATE TABLE IF NOT EXISTS jobs (
            id TEXT PRIMARY KEY,
            type TEXT NOT NULL,
            queue TEXT NOT NULL,
            tenant TEXT NOT NULL,
            batch_id TEXT NULL,
            status TEXT NOT NULL,
            created_at {dialect.BigInt} NOT NULL,
            run_at {dialect.BigInt} NULL,
            finished_at {dialect.BigInt} NULL,
            in_dlq INTEGER NOT NULL DEFAULT 0,
            record TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_jobs_created ON jobs (created_at DESC, id DESC);
        CREATE INDEX IF NOT EXISTS ix_jobs_status ON jobs (status, created_at DESC);
        CREATE INDEX IF NOT EXISTS ix_jobs_dlq ON jobs (in_dlq, finished_at DESC);
        CREATE INDEX IF NOT EXISTS ix_jobs_batch ON jobs (batch_id);
        CREATE TABLE IF NOT EXISTS projection_offsets (
            name TEXT PRIMARY KEY,
            last_offset {dialect.BigInt} NOT NULL
        );
        """;

    public async Task InitializeAsync(CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        if (dialect.Prepare is { } prepare)
        {
            await using var p = c.CreateCommand();
            p.CommandText = prepare;
            await p.ExecuteNonQueryAsync(ct);
        }
        await using var cmd = c.CreateCommand();
        cmd.CommandText = Schema;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<long> GetOffsetAsync(string projection, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        return await ReadOffset(c, null, projection, ct);
    }

    public async Task ApplyAsync(string projection, IReadOnlyList<(long Offset, IJobEvent Event)> events, CancellationToken ct = default)
    {
        if (events.Count == 0) return;
        await using var c = await OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var stored = await ReadOffset(c, tx, projection, ct);
        var fresh = events.Where(e => e.Offset > stored).ToArray();
        if (fresh.Length == 0) return;

        var rows = await LoadAsync(c, tx, fresh.Select(e => e.Event.JobId).Distinct().ToArray(), ct);
        var purged = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (_, e) in fresh)
        {
            var state = rows.TryGetValue(e.JobId, out var row)
                ? PartitionState.Empty with { Jobs = PartitionState.Empty.Jobs.Add(row.Id, row) }
                : PartitionState.Empty;
            var (_, job) = state.Apply(e);
            if (job is null) continue; // an event for a job this store never saw accepted
            rows[job.Id] = job;
            if (e is JobPurged) purged.Add(job.Id);
            else if (e is JobRequeued) purged.Remove(job.Id);
        }

        await using (var upsert = c.CreateCommand())
        {
            upsert.Transaction = tx;
            upsert.CommandText = """
                INSERT INTO jobs (id, type, queue, tenant, batch_id, status, created_at, run_at, finished_at, in_dlq, record)
                VALUES (@id, @type, @queue, @tenant, @batch, @status, @created, @runAt, @finished, @dlq, @record)
                ON CONFLICT(id) DO UPDATE SET status = excluded.status, run_at = excluded.run_at,
                    finished_at = excluded.finished_at, in_dlq = excluded.in_dlq, record = excluded.record;
                """;
            var p = new Dictionary<string, DbParameter>();
            foreach (var name in new[] { "$id", "$type", "$queue", "$tenant", "$batch", "$status", "$created", "$runAt", "$finished", "$dlq", "$record" })
            {
                var parameter = upsert.CreateParameter();
                parameter.ParameterName = "@" + name[1..];
                upsert.Parameters.Add(parameter);
                p[name] = parameter;
            }
            foreach (var job in rows.Values)
            {
                p["$id"].Value = job.Id;
                p["$type"].Value = job.Spec.Type;
                p["$queue"].Value = job.Spec.Queue;
                p["$tenant"].Value = job.Spec.Tenant;
                p["$batch"].Value = (object?)job.BatchId ?? DBNull.Value;
                p["$status"].Value = JobRules.Status(job.Status);
                p["$created"].Value = job.CreatedAt.UtcTicks;
                p["$runAt"].Value = job.RunAt is { } r ? r.UtcTicks : DBNull.Value;
                p["$finished"].Value = job.CompletedAt is { } f ? f.UtcTicks : DBNull.Value;
                p["$dlq"].Value = job.Status == JobStatus.Failed && !purged.Contains(job.Id) ? 1 : 0;
                p["$runAt"].DbType = System.Data.DbType.Int64;
                p["$finished"].DbType = System.Data.DbType.Int64;
                p["$batch"].DbType = System.Data.DbType.String;
                p["$record"].Value = JsonSerializer.Serialize(job, JobsSerializer.Options);
                await upsert.ExecuteNonQueryAsync(ct);
            }
        }

        await using (var off = c.CreateCommand())
        {
            off.Transaction = tx;
            off.CommandText = "INSERT INTO projection_offsets (name, last_offset) VALUES (@n, @o) ON CONFLICT(name) DO UPDATE SET last_offset = excluded.last_offset;";
            AddParameter(off, "@n", projection);
            AddParameter(off, "@o", fresh.Max(e => e.Offset));
            await off.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    public async Task<JobView?> GetAsync(string jobId, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        var rows = await LoadAsync(c, null, [jobId], ct);
        return rows.TryGetValue(jobId, out var job) ? ToView(job, DateTimeOffset.UtcNow) : null;
    }

    public async Task<JobPage> ListAsync(JobQuery q, DateTimeOffset now, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        await using var cmd = c.CreateCommand();
        var where = new List<string>();
        var sortColumn = q.DeadLettersOnly ? "finished_at" : "created_at";
        if (q.DeadLettersOnly) where.Add("in_dlq = 1");
        switch (q.Status)
        {
            case JobStatus.Pending:
                where.Add("(status = 'pending' OR (status = 'scheduled' AND run_at <= @now))");
                break;
            case JobStatus.Scheduled:
                where.Add("status = 'scheduled' AND (run_at IS NULL OR run_at > @now)");
                break;
            case { } s:
                where.Add("status = @status");
                AddParameter(cmd, "@status", JobRules.Status(s));
                break;
        }
        AddParameter(cmd, "@now", now.UtcTicks);
        AddFilter(where, cmd, "type", q.Type);
        AddFilter(where, cmd, "queue", q.Queue);
        AddFilter(where, cmd, "tenant", q.Tenant);
        AddFilter(where, cmd, "batch_id", q.BatchId);
        if (DecodeCursor(q.Cursor) is { } cursor)
        {
            where.Add($"({sortColumn} < @ct OR ({sortColumn} = @ct AND id < @cid))");
            AddParameter(cmd, "@ct", cursor.Ticks);
            AddParameter(cmd, "@cid", cursor.Id);
        }
        var limit = Math.Clamp(q.Limit, 1, 1000);
        cmd.CommandText = $"SELECT record, {sortColumn} FROM jobs {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")} " +
                          $"ORDER BY {sortColumn} DESC, id DESC LIMIT {limit + 1};";
        var items = new List<(JobView View, long Sort)>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
        {
            while (await r.ReadAsync(ct))
            {
                var job = JsonSerializer.Deserialize<JobRecord>(r.GetString(0), JobsSerializer.Options)!;
                items.Add((ToView(job, now), r.GetInt64(1)));
            }
        }
        string? next = null;
        if (items.Count > limit)
        {
            items.RemoveAt(items.Count - 1);
            var last = items[^1];
            next = EncodeCursor(last.Sort, last.View.Id);
        }
        return new JobPage(items.Select(i => i.View).ToArray(), next);
    }

    public async Task<long> CountAsync(CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM jobs;";
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    public async Task<IReadOnlyDictionary<JobStatus, int>> CountByStatusAsync(string batchId, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT status, COUNT(*) FROM jobs WHERE batch_id = @b GROUP BY status;";
        AddParameter(cmd, "@b", batchId);
        var counts = new Dictionary<JobStatus, int>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            if (Enum.TryParse<JobStatus>(r.GetString(0), ignoreCase: true, out var status))
                counts[status] = Convert.ToInt32(r.GetValue(1), CultureInfo.InvariantCulture);
        return counts;
    }

    /// <summary>Scheduled jobs whose time has come are pending: being due is a function of time.</summary>
    private static JobView ToView(JobRecord job, DateTimeOffset now) =>
        JobViews.From(job is { Status: JobStatus.Scheduled, RunAt: { } due } && due <= now ? job with { Status = JobStatus.Pending } : job, null);

    private static void AddFilter(List<string> where, DbCommand cmd, string column, string? value)
    {
        if (value is null) return;
        where.Add($"{column} = @{column}");
        AddParameter(cmd, "@" + column, value);
    }

    private static string EncodeCursor(long ticks, string id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(ticks.ToString(CultureInfo.InvariantCulture) + ":" + id))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>An unreadable cursor is an error the caller sees (ArgumentException → 400).</summary>
    private static (long Ticks, string Id)? DecodeCursor(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor)) return null;
        try
        {
            var b64 = cursor.Replace('-', '+').Replace('_', '/');
            b64 = b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(b64));
            var colon = text.IndexOf(':');
            return (long.Parse(text[..colon], CultureInfo.InvariantCulture), text[(colon + 1)..]);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new ArgumentException("cursor is not one this API returned", nameof(cursor), e);
        }
    }

    private static async Task<Dictionary<string, JobRecord>> LoadAsync(DbConnection c, DbTransaction? tx, IReadOnlyList<string> ids, CancellationToken ct)
    {
        var rows = new Dictionary<string, JobRecord>(StringComparer.Ordinal);
        for (var i = 0; i < ids.Count; i += 500)
        {
            var chunk = ids.Skip(i).Take(500).ToArray();
            await using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = $"SELECT record FROM jobs WHERE id IN ({string.Join(",", chunk.Select((_, k) => "@p" + k))});";
            for (var k = 0; k < chunk.Length; k++) AddParameter(cmd, "@p" + k, chunk[k]);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
            {
                var job = JsonSerializer.Deserialize<JobRecord>(r.GetString(0), JobsSerializer.Options)!;
                rows[job.Id] = job;
            }
        }
        return rows;
    }

    private static async Task<long> ReadOffset(DbConnection c, DbTransaction? tx, string projection, CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT last_offset FROM projection_offsets WHERE name = @n;";
        AddParameter(cmd, "@n", projection);
        return await cmd.ExecuteScalarAsync(ct) is { } v and not DBNull ? Convert.ToInt64(v, CultureInfo.InvariantCulture) : 0;
    }

    private static void AddParameter(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }

    private async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var c = connect();
        await c.OpenAsync(ct);
        return c;
    }
}
