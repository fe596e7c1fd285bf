using System.Data.Common;
using Jobs.Actors.ReadModel;
using Jobs.Actors.Settings;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Jobs.Actors.Storage;

/// <summary>A node's databases: the journal (with snapshots) and the read model, on SQLite or PostgreSQL.</summary>
public static class JobStorage
{
    public static string JournalConnectionString(this StorageOptions o) => o.IsPostgres
        ? WithSessionDefaults(o.Db ?? throw new InvalidOperationException("JOBS_PERSISTENCE=postgres needs JOBS_DB (an Npgsql connection string)"),
            o.DbCompression == "default" ? null : o.DbCompression)
        : $"Data Source={o.JournalPath};Default Timeout=60";

    /// <summary>SQLite: a file of its own; PostgreSQL: the journal's database (its own tables).</summary>
    public static string ReadModelConnectionString(this StorageOptions o) =>
        o.IsPostgres ? o.JournalConnectionString() : $"Data Source={o.ReadModelPath};Default Timeout=60";

    /// <summary>A connection to the journal's database (readiness checks and tools).</summary>
    public static DbConnection JournalConnection(this StorageOptions o) =>
        o.IsPostgres ? new NpgsqlConnection(o.JournalConnectionString()) : new SqliteConnection(o.JournalConnectionString());

    /// <summary>The read model on the configured database (not yet initialised: see <see cref="PrepareAsync"/>).</summary>
    /// <param name="retention">the retention ended jobs' rows expire by (the partitions' own).</param>
    public static SqlJobReadStore ReadStore(this StorageOptions o, RetentionPeriods? retention = null) =>
        o.IsPostgres
            ? SqlJobReadStore.ForPostgres(o.ReadModelConnectionString(), retention)
            : SqlJobReadStore.ForSqlite(o.ReadModelConnectionString(), retention);

    /// <summary>
    /// SQLite, before the journal starts: the data directory, and the journal in WAL mode (readers
    /// never block the writer). A new file is made with incremental auto-vacuum, so the pages of
    /// deleted journal rows can be returned (<see cref="SqliteSpace"/>); a file made before keeps
    /// reusing them for new rows instead.
    /// </summary>
    public static void PrepareJournal(this StorageOptions o)
    {
        if (o.IsPostgres) return;
        Directory.CreateDirectory(Path.GetDirectoryName(o.JournalPath)!);
        using var c = new SqliteConnection(o.JournalConnectionString());
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA auto_vacuum=INCREMENTAL; PRAGMA journal_mode=WAL;";
        cmd.ExecuteNonQuery();
    }

    /// <summary>
    /// A node frozen (SIGSTOP, a VM pause) in the middle of a journal write keeps its transaction —
    /// and its lock on the (persistence_id, sequence_number) index entry — open, and the node that
    /// took the partition over blocks on that entry for as long as the freeze lasts. So every
    /// session aborts a transaction left idle for 5 s (ours are short batch inserts) and gives up
    /// waiting for a lock after 10 s. Large values are compressed with <paramref name="compression"/>
    /// (null: the server's default). A connection string that sets <c>Options</c> itself is kept.
    /// </summary>
    public static string WithSessionDefaults(string connectionString, string? compression)
    {
        var b = new NpgsqlConnectionStringBuilder(connectionString);
        if (!string.IsNullOrEmpty(b.Options)) return b.ConnectionString;
        b.Options = "-c idle_in_transaction_session_timeout=5000 -c lock_timeout=10000" +
                    (string.IsNullOrWhiteSpace(compression) ? "" : " -c default_toast_compression=" + compression.Trim());
        return b.ConnectionString;
    }
}
