using Jobs.Actors.Supervision;

namespace Jobs.Actors.Hosting;

/// <summary>Everything a deployer sets for a node (bound from configuration; see the README for the env names).</summary>
public sealed record JobEngineOptions
{
    public string SystemName { get; init; } = "jobs";
    public string DataDir { get; init; } = "./data";
    /// <summary><c>sqlite</c> (default) or <c>postgres</c>.</summary>
    public string Persistence { get; init; } = "sqlite";
    public string? PostgresConnectionString { get; init; }
    /// <summary>
    /// PostgreSQL's compression of large values (journal rows, snapshots) in the engine's sessions
    /// (JOBS_DB_COMPRESSION): <c>lz4</c> by default — group-commit rows are large, and pglz took a
    /// fifth of the server's CPU at full load (session 8) — or <c>pglz</c> for a server built
    /// without lz4; empty: the server's own default.
    /// </summary>
    public string PostgresCompression { get; init; } = "lz4";
    public string ClusterHost { get; init; } = "localhost";
    public int ClusterPort { get; init; } = 4053;
    /// <summary>host:port or full akka.tcp:// addresses; empty: the node joins itself.</summary>
    public IReadOnlyList<string> Seeds { get; init; } = [];
    public IReadOnlyList<string> Roles { get; init; } = ["default"];
    /// <summary>Queues jobs may name; submitting to another is rejected (see <see cref="JobEngineSettings.Queues"/>).</summary>
    public IReadOnlyList<string> Queues => Engine.Queues;
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromSeconds(15);
    /// <summary>Failure detection: how long heartbeats may be missing before a node is unreachable (Akka's acceptable-heartbeat-pause).</summary>
    public TimeSpan HeartbeatPause { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>Split-brain resolver: how long membership must be stable (with unreachable nodes) before the minority is downed.</summary>
    public TimeSpan StableAfter { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>After a node is downed, how long before its partitions start elsewhere (time for the downed side to stop itself).</summary>
    public TimeSpan DownRemovalMargin { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>How long a batch submission may take (its coordinator submits every job before answering).</summary>
    public TimeSpan BatchTimeout { get; init; } = TimeSpan.FromSeconds(120);
    public JobEngineSettings Engine { get; init; } = new();
    /// <summary>
    /// HOCON layered over everything else (JOBS_AKKA_HOCON): any Akka setting of hocon/ — or of
    /// Akka's own defaults — can be changed per deployment without a rebuild.
    /// </summary>
    public string? AkkaHocon { get; init; }
    /// <summary>The <c>http</c> job type's allow-list and limits (deny-all by default).</summary>
    public Jobs.Actors.Handlers.HttpJobSettings Http { get; init; } = Jobs.Actors.Handlers.HttpJobSettings.DenyAll;
    /// <summary>Daily limits per tenant (JOBS_QUOTAS).</summary>
    public Jobs.Actors.Usage.QuotaTable Quotas { get; init; } = Jobs.Actors.Usage.QuotaTable.None;
    /// <summary>The <c>llm</c> job type's endpoint, key and price table.</summary>
    public Jobs.Actors.Handlers.Llm.LlmSettings Llm { get; init; } = Jobs.Actors.Handlers.Llm.LlmSettings.None;

    public string JournalPath => Path.GetFullPath(Path.Combine(DataDir, "journal.db"));
    public string ReadModelPath => Path.GetFullPath(Path.Combine(DataDir, "readmodel.db"));
    public bool IsPostgres => Persistence.Equals("postgres", StringComparison.OrdinalIgnoreCase);

    public string JournalConnectionString => IsPostgres
        ? WithSessionDefaults(PostgresConnectionString ?? throw new InvalidOperationException("JOBS_PERSISTENCE=postgres needs JOBS_DB (an Npgsql connection string)"), PostgresCompression)
        : $"Data Source={JournalPath};Default Timeout=60";

    /// <summary>
    /// A node frozen (SIGSTOP, a VM pause) in the middle of a journal write keeps its transaction —
    /// and its lock on the (persistence_id, sequence_number) index entry — open, and the node that
    /// took the partition over blocks on that entry for as long as the freeze lasts. So every
    /// session aborts a transaction left idle for 5 s (ours are short batch inserts) and gives up
    /// waiting for a lock after 10 s. Large values are compressed with <paramref name="compression"/>
    /// (<see cref="PostgresCompression"/>). A connection string that sets <c>Options</c> itself is kept.
    /// </summary>
    public static string WithSessionDefaults(string connectionString, string? compression)
    {
        var b = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        if (!string.IsNullOrEmpty(b.Options)) return b.ConnectionString;
        b.Options = "-c idle_in_transaction_session_timeout=5000 -c lock_timeout=10000" +
                    (string.IsNullOrWhiteSpace(compression) ? "" : " -c default_toast_compression=" + compression.Trim());
        return b.ConnectionString;
    }

    /// <summary>SQLite: a file of its own; PostgreSQL: the same database as the journal (its own tables).</summary>
    public string ReadModelConnectionString => IsPostgres ? JournalConnectionString : $"Data Source={ReadModelPath};Default Timeout=60";
}
