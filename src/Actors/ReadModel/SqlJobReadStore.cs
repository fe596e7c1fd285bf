using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Jobs.Actors.Partitions;
using Jobs.Actors.Settings;
using Jobs.Messages;
using Jobs.Messages.Serialization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Jobs.Actors.ReadModel;

/// <summary>The SQL that differs between the read model's databases.</summary>
/// <param name="SchemaLock">Taken in the schema's transaction: nodes starting together create the tables one at a
/// time (concurrent CREATE TABLE IF NOT EXISTS of a new table collide in PostgreSQL's catalog).</param>
public sealed record SqlDialect(string Name, string BigInt, string? Prepare, string? SchemaLock)
{
    /// <summary>SQLite: a new file returns the pages of deleted rows (incremental vacuum after each retention sweep); WAL.</summary>
    public static readonly SqlDialect Sqlite = new("sqlite", "INTEGER", "PRAGMA auto_vacuum=INCREMENTAL; PRAGMA journal_mode=WAL;", null);
    public static readonly SqlDialect Postgres = new("postgres", "BIGINT", null, "SELECT pg_advisory_xact_lock(7316257901);");

    /// <summary>Whether <paramref name="column"/> starts with the text of <paramref name="parameter"/> (exactly, character by character).</summary>
    public string StartsWith(string column, string parameter) => this == Postgres
        ? $"starts_with({column}, {parameter})"
        : $"substr({column}, 1, length({parameter})) = {parameter}";
}

/// <summary>
/// The read model in SQL (SQLite or PostgreSQL). Each row holds the job's <see cref="JobRecord"/> as JSON plus the
/// columns it is filtered and sorted on; rows are advanced with the same pure
/// <see cref="PartitionState.Apply"/> the partitions use. Rows of jobs past their retention are hidden
/// from reads at once and deleted when a partition's <see cref="JobsExpired"/> arrives.
/// </summary>
/// <param name="retention">the retention the rows' expiry is computed with (the partitions' own).</param>
public sealed partial class SqlJobReadStore(Func<DbConnection> connect, SqlDialect dialect, RetentionPeriods? retention = null) : IJobReadStore
{
    /// <summary>Expired rows one sweep transaction deletes at most (PostgreSQL's autovacuum keeps up with batches this size).</summary>
    public const int DeleteBatch = 5_000;

    private readonly LiveRecordCache _live = new();
    private readonly RetentionPeriods _retention = retention ?? RetentionPeriods.Default;
    private readonly PartitionState _empty = PartitionState.Empty with { Retention = retention ?? RetentionPeriods.Default };

    public static SqlJobReadStore ForSqlite(string connectionString, RetentionPeriods? retention = null) =>
        new(() => new SqliteConnection(connectionString), SqlDialect.Sqlite, retention);

    public static SqlJobReadStore ForPostgres(string connectionString, RetentionPeriods? retention = null) =>
        new(() => new NpgsqlConnection(connectionString), SqlDialect.Postgres, retention);

    private string Schema => $"""
        CREATE TABLE IF NOT EXISTS jobs (
            id TEXT PRIMARY KEY,
            type TEXT NOT NULL,
            queue TEXT NOT NULL,
            tenant TEXT NOT NULL,
            batch_id TEXT NULL,
            schedule_id TEXT NULL,
            status TEXT NOT NULL,
            created_at {dialect.BigInt} NOT NULL,
            run_at {dialect.BigInt} NULL,
            finished_at {dialect.BigInt} NULL,
            in_dlq INTEGER NOT NULL DEFAULT 0,
            record TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_jobs_created ON jobs (created_at DESC, id DESC);
        CREATE INDEX IF NOT EXISTS ix_jobs_status ON jobs (status, created_at DESC);
        DROP INDEX IF EXISTS ix_jobs_dlq;
        DROP INDEX IF EXISTS ix_jobs_batch;
        CREATE INDEX IF NOT EXISTS ix_jobs_dlq_only ON jobs (finished_at DESC, id DESC) WHERE in_dlq = 1;
        CREATE INDEX IF NOT EXISTS ix_jobs_batch_only ON jobs (batch_id) WHERE batch_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS ix_jobs_tenant ON jobs (tenant, created_at DESC, id DESC);
        CREATE INDEX IF NOT EXISTS ix_jobs_dlq_tenant ON jobs (tenant, finished_at DESC, id DESC) WHERE in_dlq = 1;
        CREATE TABLE IF NOT EXISTS projection_offsets (
            name TEXT PRIMARY KEY,
            last_offset {dialect.BigInt} NOT NULL
        );
        CREATE TABLE IF NOT EXISTS projection_progress (
            persistence_id TEXT PRIMARY KEY,
            sequence_nr {dialect.BigInt} NOT NULL
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
        await using var tx = await c.BeginTransactionAsync(ct);
        await using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = dialect.SchemaLock + Schema;
        await cmd.ExecuteNonQueryAsync(ct);
        // columns added after the table's first version, also in a table created before them
        await AddColumnAsync(c, tx, "schedule_id", "TEXT NULL", null, ct);
        // rows of jobs that ended before retention existed expire by their end and the status's retention
        await AddColumnAsync(c, tx, "expires_at", $"{dialect.BigInt} NULL", $"""
            UPDATE jobs SET expires_at = finished_at + CASE status WHEN 'completed' THEN {_retention.Completed.Ticks}
                WHEN 'failed' THEN {_retention.Failed.Ticks} ELSE {_retention.Cancelled.Ticks} END
            WHERE finished_at IS NOT NULL AND status IN ('completed', 'failed', 'cancelled');
            """, ct);
        await using (var index = c.CreateCommand())
        {
            index.Transaction = tx;
            index.CommandText = """
                CREATE INDEX IF NOT EXISTS ix_jobs_schedule ON jobs (schedule_id, created_at DESC) WHERE schedule_id IS NOT NULL;
                CREATE INDEX IF NOT EXISTS ix_jobs_expires ON jobs (expires_at) WHERE expires_at IS NOT NULL;
                """;
            await index.ExecuteNonQueryAsync(ct);
        }
        await AddTotalsTablesAsync(c, tx, ct);
        await PrepareIdPrefixAsync(c, tx, ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>Adds a column (then runs <paramref name="fill"/>) when the table lacks it.</summary>
    private async Task AddColumnAsync(DbConnection c, DbTransaction tx, string column, string type, string? fill, CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = dialect == SqlDialect.Postgres
            ? $"SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'jobs' AND column_name = '{column}';"
            : $"SELECT COUNT(*) FROM pragma_table_info('jobs') WHERE name = '{column}';";
        if (Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) > 0) return;
        cmd.CommandText = $"ALTER TABLE jobs ADD COLUMN {column} {type}; {fill}";
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Whether a <c>SELECT COUNT(*)</c> counts anything.</summary>
    private static async Task<bool> AnyAsync(DbCommand cmd, string countSql, CancellationToken ct)
    {
        cmd.CommandText = countSql;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture) > 0;
    }

    public async Task<long> GetOffsetAsync(string projection, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        return await ReadOffset(c, null, projection, ct);
    }

    public Task ApplyAsync(string projection, IReadOnlyList<(long Offset, IJobEvent Event)> events, CancellationToken ct = default) =>
        ApplyAsync(projection, events, new Dictionary<string, long>(), ct);

    public async Task ApplyAsync(string projection, IReadOnlyList<(long Offset, IJobEvent Event)> events,
        IReadOnlyDictionary<string, long> progress, CancellationToken ct = default)
    {
        if (events.Count == 0) return;
        await using var c = await OpenAsync(ct);
        await using var tx = await c.BeginTransactionAsync(ct);
        var stored = await ReadOffset(c, tx, projection, ct);
        var fresh = events.Where(e => e.Offset > stored).ToArray();
        if (fresh.Length == 0) return;
        DateTimeOffset? sweep;
        try
        {
            sweep = await ApplyFreshAsync(c, tx, projection, stored, fresh, progress, ct);
        }
        catch
        {
            _live.Clear(); // it may be ahead of what the database kept
            throw;
        }
        if (sweep is { } upTo) await DeleteExpiredAsync(c, upTo, ct);
    }

    /// <summary>Applies the group and commits it with the offset; returns the latest time a <see cref="JobsExpired"/> of it swept up to.</summary>
    private async Task<DateTimeOffset?> ApplyFreshAsync(DbConnection c, DbTransaction tx, string projection, long stored,
        (long Offset, IJobEvent Event)[] fresh, IReadOnlyDictionary<string, long> progress, CancellationToken ct)
    {
        _live.ValidAt(projection, stored);
        // A job whose first event here is its acceptance has no row yet; the projection's own
        // recent rows of unfinished jobs are in memory: load only the others.
        var firstEvents = new Dictionary<string, IJobEvent>(StringComparer.Ordinal);
        foreach (var (_, e) in fresh)
            if (e is not JobsExpired) firstEvents.TryAdd(e.JobId, e);
        var rows = new Dictionary<string, JobRecord>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var (id, first) in firstEvents)
        {
            if (first is JobAccepted) continue;
            if (_live.TryGet(id, out var known)) rows[id] = known;
            else missing.Add(id);
        }
        foreach (var (id, job) in await LoadAsync(c, tx, missing, ct)) rows[id] = job;
        var before = rows.ToDictionary(r => r.Key, r => (r.Value, LiveJobs.InDeadLetters(r.Value)), StringComparer.Ordinal);
        var purged = new HashSet<string>(StringComparer.Ordinal);
        var expired = new HashSet<string>(StringComparer.Ordinal);
        DateTimeOffset? sweep = null;
        foreach (var (_, e) in fresh)
        {
            if (e is JobsExpired x)
            {
                // deleted before the group's rows are written: a key accepted again later in the group gets a fresh row
                foreach (var id in x.JobIds)
                {
                    rows.Remove(id);
                    purged.Remove(id);
                    expired.Add(id);
                }
                sweep = sweep is { } s && s > x.At ? s : x.At;
                continue;
            }
            var state = rows.TryGetValue(e.JobId, out var row)
                ? _empty with { Jobs = _empty.Jobs.Add(row.Id, row) }
                : _empty;
            var (_, job) = state.Apply(e);
            if (job is null) continue; // an event for a job this store never saw accepted
            rows[job.Id] = job;
            if (e is JobPurged) purged.Add(job.Id);
            else if (e is JobRequeued) purged.Remove(job.Id);
        }

        var changed = rows.Values.Select(job => new Row(job, job.Status == JobStatus.Failed && !purged.Contains(job.Id))).ToArray();
        var offset = fresh.Max(e => e.Offset);
        // an expired row leaves the maintained counts as stored, unless ReadModelTotals.Of takes its stored state out
        // already (a key loaded for the group and accepted again after its expiry)
        await DeleteRowsAsync(c, tx, expired.ToArray(), id => before.ContainsKey(id) && rows.ContainsKey(id), ct);
        if (dialect == SqlDialect.Postgres) await UpsertAllAsync((NpgsqlConnection)c, (NpgsqlTransaction)tx, changed, ct);
        else await UpsertEachAsync(c, tx, changed, ct);
        await WriteTotalsAsync(c, tx, ReadModelTotals.Of(before, changed.Select(r => (r.Job, r.InDlq))), ct);
        await SaveProgressAsync(c, tx, progress, ct);

        await using (var off = c.CreateCommand())
        {
            off.Transaction = tx;
            // PostgreSQL: this transaction's commit does not wait for its WAL flush. Safe for a
            // projection: rows and offset commit together, so a commit lost in a server crash is
            // simply applied again from the journal (which keeps synchronous commits).
            off.CommandText = (dialect == SqlDialect.Postgres ? "SET LOCAL synchronous_commit = off; " : "") +
                "INSERT INTO projection_offsets (name, last_offset) VALUES (@n, @o) ON CONFLICT(name) DO UPDATE SET last_offset = excluded.last_offset;";
            AddParameter(off, "@n", projection);
            AddParameter(off, "@o", offset);
            await off.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        _live.Committed(changed.Select(r => r.Job), offset);
        return sweep;
    }

    /// <summary>Deletes the rows (and their metadata values), taking them out of the maintained counts as they are stored.</summary>
    private static async Task DeleteRowsAsync(DbConnection c, DbTransaction tx, string[] ids, Func<string, bool>? countedElsewhere, CancellationToken ct)
    {
        if (ids.Length == 0) return;
        var stored = await LoadAsync(c, tx, ids, ct);
        await WriteTotalsAsync(c, tx, ReadModelTotals.Removed(stored.Values.Where(j => countedElsewhere?.Invoke(j.Id) != true)
            .Select(j => (j, LiveJobs.InDeadLetters(j)))), ct);
        foreach (var chunk in ids.Chunk(500))
        {
            await using var cmd = c.CreateCommand();
            cmd.Transaction = tx;
            var list = string.Join(",", chunk.Select((_, k) => "@p" + k));
            cmd.CommandText = $"DELETE FROM jobs WHERE id IN ({list}); DELETE FROM job_meta WHERE id IN ({list});";
            for (var k = 0; k < chunk.Length; k++) AddParameter(cmd, "@p" + k, chunk[k]);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        await using var empty = c.CreateCommand();
        empty.Transaction = tx;
        empty.CommandText = "DELETE FROM batches WHERE total <= 0;";
        await empty.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The highest sequence number applied per persistence id, committed with the offset: what a partition may delete (<see cref="ProjectedSequenceNrAsync"/>).</summary>
    private static async Task SaveProgressAsync(DbConnection c, DbTransaction tx, IReadOnlyDictionary<string, long> progress, CancellationToken ct)
    {
        if (progress.Count == 0) return;
        const string conflict = "ON CONFLICT(persistence_id) DO UPDATE SET sequence_nr = excluded.sequence_nr WHERE excluded.sequence_nr > projection_progress.sequence_nr;";
        if (c is NpgsqlConnection npgsql)
        {
            // one round trip for every persistence id of the group
            await using var all = new NpgsqlCommand(
                $"INSERT INTO projection_progress (persistence_id, sequence_nr) SELECT * FROM unnest(@p, @s) {conflict}", npgsql, (NpgsqlTransaction)tx);
            all.Parameters.AddWithValue("p", progress.Keys.ToArray());
            all.Parameters.AddWithValue("s", progress.Values.ToArray());
            await all.ExecuteNonQueryAsync(ct);
            return;
        }
        await using var cmd = c.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"INSERT INTO projection_progress (persistence_id, sequence_nr) VALUES (@p, @s) {conflict}";
        var pid = cmd.CreateParameter();
        pid.ParameterName = "@p";
        cmd.Parameters.Add(pid);
        var seq = cmd.CreateParameter();
        seq.ParameterName = "@s";
        seq.DbType = System.Data.DbType.Int64;
        cmd.Parameters.Add(seq);
        foreach (var (persistenceId, sequenceNr) in progress)
        {
            pid.Value = persistenceId;
            seq.Value = sequenceNr;
            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>
    /// Deletes the rows whose expiry is at or before <paramref name="upTo"/>, in transactions of at
    /// most <see cref="DeleteBatch"/> rows (they are hidden from reads already, so no transaction needs
    /// to take them all); SQLite then returns the freed pages.
    /// </summary>
    private async Task DeleteExpiredAsync(DbConnection c, DateTimeOffset upTo, CancellationToken ct)
    {
        int deleted;
        do
        {
            await using var tx = await c.BeginTransactionAsync(ct);
            var ids = new List<string>();
            await using (var cmd = c.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = $"SELECT id FROM jobs WHERE expires_at <= @at LIMIT {DeleteBatch};";
                AddParameter(cmd, "@at", upTo.UtcTicks);
                await using var r = await cmd.ExecuteReaderAsync(ct);
                while (await r.ReadAsync(ct)) ids.Add(r.GetString(0));
            }
            await DeleteRowsAsync(c, tx, ids.ToArray(), null, ct);
            await tx.CommitAsync(ct);
            deleted = ids.Count;
        } while (deleted == DeleteBatch);
        if (dialect != SqlDialect.Sqlite) return;
        await using var vacuum = c.CreateCommand();
        vacuum.CommandText = "PRAGMA incremental_vacuum;";
        await vacuum.ExecuteNonQueryAsync(ct);
    }

    public async Task<long> ProjectedSequenceNrAsync(string persistenceId, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT sequence_nr FROM projection_progress WHERE persistence_id = @p;";
        AddParameter(cmd, "@p", persistenceId);
        return await cmd.ExecuteScalarAsync(ct) is { } v and not DBNull ? Convert.ToInt64(v, CultureInfo.InvariantCulture) : 0;
    }

    private sealed record Row(JobRecord Job, bool InDlq)
    {
        public string Status => JobRules.Status(Job.Status);
        public long? RunAt => Job.RunAt?.UtcTicks;
        public long? Finished => Job.CompletedAt?.UtcTicks;
        public long? Expires => Job.ExpiresAt?.UtcTicks;
        public string Record => JsonSerializer.Serialize(Job, JobsSerializer.Options);
        /// <summary>The same JSON as UTF-8: PostgreSQL takes it for the text column as it is (no UTF-16 string in between).</summary>
        public byte[] RecordUtf8 => JsonSerializer.SerializeToUtf8Bytes(Job, JobsSerializer.Options);
    }

    private const string UpsertConflict = """
        ON CONFLICT(id) DO UPDATE SET status = excluded.status, run_at = excluded.run_at,
            finished_at = excluded.finished_at, in_dlq = excluded.in_dlq, record = excluded.record, expires_at = excluded.expires_at;
        """;

    /// <summary>PostgreSQL: every changed row in one statement (arrays unnested), one round trip per group of events.</summary>
    private static async Task UpsertAllAsync(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyList<Row> rows, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"""
            INSERT INTO jobs (id, type, queue, tenant, batch_id, schedule_id, status, created_at, run_at, finished_at, in_dlq, record, expires_at)
            SELECT * FROM unnest(@id, @type, @queue, @tenant, @batch, @schedule, @status, @created, @runAt, @finished, @dlq, @record, @expires)
            {UpsertConflict}
            """, c, tx);
        cmd.Parameters.AddWithValue("id", rows.Select(r => r.Job.Id).ToArray());
        cmd.Parameters.AddWithValue("type", rows.Select(r => r.Job.Spec.Type).ToArray());
        cmd.Parameters.AddWithValue("queue", rows.Select(r => r.Job.Spec.Queue).ToArray());
        cmd.Parameters.AddWithValue("tenant", rows.Select(r => r.Job.Spec.Tenant).ToArray());
        cmd.Parameters.Add(new NpgsqlParameter("batch", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = rows.Select(r => r.Job.BatchId).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter("schedule", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = rows.Select(r => r.Job.Spec.ScheduleId).ToArray() });
        cmd.Parameters.AddWithValue("status", rows.Select(r => r.Status).ToArray());
        cmd.Parameters.AddWithValue("created", rows.Select(r => r.Job.CreatedAt.UtcTicks).ToArray());
        cmd.Parameters.AddWithValue("runAt", rows.Select(r => r.RunAt).ToArray());
        cmd.Parameters.AddWithValue("finished", rows.Select(r => r.Finished).ToArray());
        cmd.Parameters.AddWithValue("dlq", rows.Select(r => r.InDlq ? 1 : 0).ToArray());
        cmd.Parameters.AddWithValue("expires", rows.Select(r => r.Expires).ToArray());
        // UTF-8 bytes, not strings: serializing every row to a string was ~7 % of all bytes the engine allocated
        cmd.Parameters.Add(new NpgsqlParameter("record", NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text) { Value = rows.Select(r => r.RecordUtf8).ToArray() });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>SQLite (in-process, no round trips): one prepared statement per row.</summary>
    private static async Task UpsertEachAsync(DbConnection c, DbTransaction tx, IReadOnlyList<Row> rows, CancellationToken ct)
    {
        await using var upsert = c.CreateCommand();
        upsert.Transaction = tx;
        upsert.CommandText = $"""
            INSERT INTO jobs (id, type, queue, tenant, batch_id, schedule_id, status, created_at, run_at, finished_at, in_dlq, record, expires_at)
            VALUES (@id, @type, @queue, @tenant, @batch, @schedule, @status, @created, @runAt, @finished, @dlq, @record, @expires)
            {UpsertConflict}
            """;
        var p = new Dictionary<string, DbParameter>();
        foreach (var name in new[] { "id", "type", "queue", "tenant", "batch", "schedule", "status", "created", "runAt", "finished", "dlq", "record", "expires" })
        {
            var parameter = upsert.CreateParameter();
            parameter.ParameterName = "@" + name;
            upsert.Parameters.Add(parameter);
            p[name] = parameter;
        }
        p["runAt"].DbType = System.Data.DbType.Int64;
        p["finished"].DbType = System.Data.DbType.Int64;
        p["expires"].DbType = System.Data.DbType.Int64;
        p["batch"].DbType = System.Data.DbType.String;
        p["schedule"].DbType = System.Data.DbType.String;
        foreach (var row in rows)
        {
            p["id"].Value = row.Job.Id;
            p["type"].Value = row.Job.Spec.Type;
            p["queue"].Value = row.Job.Spec.Queue;
            p["tenant"].Value = row.Job.Spec.Tenant;
            p["batch"].Value = (object?)row.Job.BatchId ?? DBNull.Value;
            p["schedule"].Value = (object?)row.Job.Spec.ScheduleId ?? DBNull.Value;
            p["status"].Value = row.Status;
            p["created"].Value = row.Job.CreatedAt.UtcTicks;
            p["runAt"].Value = (object?)row.RunAt ?? DBNull.Value;
            p["finished"].Value = (object?)row.Finished ?? DBNull.Value;
            p["dlq"].Value = row.InDlq ? 1 : 0;
            p["record"].Value = row.Record;
            p["expires"].Value = (object?)row.Expires ?? DBNull.Value;
            await upsert.ExecuteNonQueryAsync(ct);
        }
    }

    public async Task<JobView?> GetAsync(string jobId, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        var rows = await LoadAsync(c, null, [jobId], ct);
        var now = DateTimeOffset.UtcNow;
        return rows.TryGetValue(jobId, out var job) && !job.ExpiredAt(now) ? JobViews.Listed(job, now) : null;
    }

    public async Task<JobPage> ListAsync(JobQuery q, DateTimeOffset now, CancellationToken ct = default)
    {
        var limit = Math.Clamp(q.Limit, 1, 1000);
        await using var c = await OpenAsync(ct);
        List<(JobView View, long Sort)> items;
        if (q.Search is not { } text) items = await PageAsync(c, q, now, limit, null, ct);
        else
        {
            // Two index-backed halves with the same filters and cursor, merged: ids starting with the
            // text (a range of the primary key) and jobs with the text as a metadata value (job_meta).
            items = [];
            if (JobIdPrefix.IsPossible(text))
                items.AddRange(await PageAsync(c, q, now, limit, ($"{_idByCodePoint} >= @qlo AND {_idByCodePoint} < @qhi AND " + dialect.StartsWith("id", "@qlo"),
                    cmd => { AddParameter(cmd, "@qlo", text); AddParameter(cmd, "@qhi", JobIdPrefix.UpperBound(text)); }
                ), ct));
            if (text.Length <= MetadataValues.MaxChars)
                items.AddRange(await PageAsync(c, q, now, limit, ("id IN (SELECT id FROM job_meta WHERE value = @mq)",
                    cmd => AddParameter(cmd, "@mq", text)), ct));
            items = items.DistinctBy(i => i.View.Id, StringComparer.Ordinal)
                .OrderByDescending(i => i.Sort).ThenByDescending(i => i.View.Id, StringComparer.Ordinal)
                .Take(limit + 1).ToList();
        }
        string? next = null;
        if (items.Count > limit)
        {
            items.RemoveAt(items.Count - 1);
            var last = items[^1];
            next = JobCursor.Encode(last.Sort, last.View.Id);
        }
        return new JobPage(items.Select(i => i.View).ToArray(), next);
    }

    /// <summary>Up to limit + 1 rows of the query's filters and cursor (plus one more condition), newest first.</summary>
    private async Task<List<(JobView View, long Sort)>> PageAsync(DbConnection c, JobQuery q, DateTimeOffset now, int limit,
        (string Where, Action<DbCommand> Parameters)? extra, CancellationToken ct)
    {
        await using var cmd = c.CreateCommand();
        var where = new List<string> { Unexpired };
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
        AddFilter(where, cmd, "schedule_id", q.ScheduleId);
        if (q.CreatedFrom is { } from)
        {
            where.Add("created_at >= @from");
            AddParameter(cmd, "@from", from.UtcTicks);
        }
        if (q.CreatedTo is { } to)
        {
            where.Add("created_at < @to");
            AddParameter(cmd, "@to", to.UtcTicks);
        }
        if (extra is { } e)
        {
            where.Add(e.Where);
            e.Parameters(cmd);
        }
        if (JobCursor.Decode(q.Cursor) is { } cursor)
        {
            where.Add($"({sortColumn} < @ct OR ({sortColumn} = @ct AND id < @cid))");
            AddParameter(cmd, "@ct", cursor.Ticks);
            AddParameter(cmd, "@cid", cursor.Id);
        }
        cmd.CommandText = $"SELECT record, {sortColumn} FROM jobs {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")} " +
                          $"ORDER BY {sortColumn} DESC, id DESC LIMIT {limit + 1};";
        var items = new List<(JobView View, long Sort)>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var job = ReadRecord(r, 0);
            items.Add((JobViews.Listed(job, now), r.GetInt64(1)));
        }
        return items;
    }

    public async Task<long> CountAsync(CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM jobs;";
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    public async Task<IReadOnlyDictionary<string, JobStatus>> StatusesAsync(IReadOnlyCollection<string> ids, CancellationToken ct = default)
    {
        var statuses = new Dictionary<string, JobStatus>(StringComparer.Ordinal);
        if (ids.Count == 0) return statuses;
        await using var c = await OpenAsync(ct);
        foreach (var chunk in ids.Chunk(500))
        {
            await using var cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT id, status FROM jobs WHERE id IN ({string.Join(",", chunk.Select((_, k) => "@p" + k))}) AND {Unexpired};";
            for (var k = 0; k < chunk.Length; k++) AddParameter(cmd, "@p" + k, chunk[k]);
            AddParameter(cmd, "@now", DateTimeOffset.UtcNow.UtcTicks);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct))
                if (Enum.TryParse<JobStatus>(r.GetString(1), ignoreCase: true, out var status))
                    statuses[r.GetString(0)] = status;
        }
        return statuses;
    }

    public async Task<IReadOnlyDictionary<JobStatus, int>> CountByStatusAsync(string batchId, string tenant, CancellationToken ct = default)
    {
        await using var c = await OpenAsync(ct);
        await using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT status, COUNT(*) FROM jobs WHERE batch_id = @b AND tenant = @t AND {Unexpired} GROUP BY status;";
        AddParameter(cmd, "@now", DateTimeOffset.UtcNow.UtcTicks);
        AddParameter(cmd, "@b", batchId);
        AddParameter(cmd, "@t", tenant);
        var counts = new Dictionary<JobStatus, int>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            if (Enum.TryParse<JobStatus>(r.GetString(0), ignoreCase: true, out var status))
                counts[status] = Convert.ToInt32(r.GetValue(1), CultureInfo.InvariantCulture);
        return counts;
    }

    /// <summary>Rows of jobs whose retention has not run out at <c>@now</c> (expired rows wait for their sweep hidden).</summary>
    private const string Unexpired = "(expires_at IS NULL OR expires_at > @now)";

    private static void AddFilter(List<string> where, DbCommand cmd, string column, string? value)
    {
        if (value is null) return;
        where.Add($"{column} = @{column}");
        AddParameter(cmd, "@" + column, value);
    }

    /// <summary>A row's record: PostgreSQL hands the text column over as UTF-8 bytes, parsed without a string.</summary>
    private static JobRecord ReadRecord(DbDataReader r, int ordinal) =>
        (r is NpgsqlDataReader
            ? JsonSerializer.Deserialize<JobRecord>(r.GetFieldValue<byte[]>(ordinal), JobsSerializer.Options)
            : JsonSerializer.Deserialize<JobRecord>(r.GetString(ordinal), JobsSerializer.Options))!;

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
                var job = ReadRecord(r, 0);
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
