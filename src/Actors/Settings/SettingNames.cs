namespace Jobs.Actors.Settings;

/// <summary>
/// The environment names of the settings (the deployment contract: docker compose and the tests
/// use them) and the configuration key each one sets. The one table that maps a <c>JOBS_*</c>
/// variable to a key of <see cref="JobsOptions"/>; a list variable is split on commas or
/// semicolons.
/// </summary>
public static class SettingNames
{
    public sealed record Alias(string Env, string Key, bool IsList = false);

    public static readonly IReadOnlyList<Alias> All =
    [
        new("JOBS_DATA_DIR", "Jobs:Storage:DataDir"),
        new("JOBS_PERSISTENCE", "Jobs:Storage:Persistence"),
        new("JOBS_DB", "Jobs:Storage:Db"),
        new("JOBS_DB_COMPRESSION", "Jobs:Storage:DbCompression"),
        new("JOBS_CLUSTER_HOST", "Jobs:Cluster:Host"),
        new("JOBS_CLUSTER_PORT", "Jobs:Cluster:Port"),
        new("JOBS_CLUSTER_SEEDS", "Jobs:Cluster:Seeds", IsList: true),
        new("JOBS_CLUSTER_ROLES", "Jobs:Cluster:Roles", IsList: true),
        new("JOBS_HEARTBEAT_PAUSE_MS", "Jobs:Cluster:HeartbeatPauseMs"),
        new("JOBS_SBR_STABLE_AFTER_MS", "Jobs:Cluster:StableAfterMs"),
        new("JOBS_DOWN_REMOVAL_MARGIN_MS", "Jobs:Cluster:DownRemovalMarginMs"),
        new("JOBS_AKKA_HOCON", "Jobs:Cluster:AkkaHocon"),
        new("JOBS_CLUSTER_TLS_CERT", "Jobs:Cluster:TlsCert"),
        new("JOBS_CLUSTER_TLS_CERT_PASSWORD", "Jobs:Cluster:TlsCertPassword"),
        new("JOBS_CLUSTER_TLS_CA", "Jobs:Cluster:TlsCa"),
        new("JOBS_PARTITIONS", "Jobs:Partitions:Count"),
        new("JOBS_QUEUES", "Jobs:Partitions:Queues", IsList: true),
        new("JOBS_QUEUE_PARTITIONS", "Jobs:Partitions:QueuePartitions"),
        new("JOBS_SNAPSHOT_EVERY", "Jobs:Partitions:SnapshotEvery"),
        new("JOBS_RETENTION_COMPLETED", "Jobs:Retention:Completed"),
        new("JOBS_RETENTION_FAILED", "Jobs:Retention:Failed"),
        new("JOBS_RETENTION_CANCELLED", "Jobs:Retention:Cancelled"),
        new("JOBS_CANCEL_GRACE_MS", "Jobs:Attempts:CancelGraceMs"),
        new("JOBS_CAPACITY", "Jobs:Node:Capacity"),
        new("JOBS_FAIR_SHARE", "Jobs:Node:FairShare"),
        new("JOBS_TENANT_WEIGHTS", "Jobs:Node:TenantWeights"),
        new("JOBS_DRAIN_TIMEOUT_MS", "Jobs:Node:DrainTimeoutMs"),
        new("JOBS_MEMORY_HIGH_MB", "Jobs:Node:MemoryHighMb"),
        new("JOBS_MEMORY_LOW_MB", "Jobs:Node:MemoryLowMb"),
        new("JOBS_HEAP_TRIM_AFTER_MB", "Jobs:Node:HeapTrimAfterMb"),
        new("JOBS_STATS_INTERVAL_MS", "Jobs:Node:StatsIntervalMs"),
        new("JOBS_STATS_STALE_MS", "Jobs:Node:StatsStaleMs"),
        new("JOBS_LOG_FORMAT", "Jobs:Node:LogFormat"),
        new("JOBS_HANDLER_ASSEMBLIES", "Jobs:Node:HandlerAssemblies", IsList: true),
        new("JOBS_API_KEYS", "Jobs:Api:Keys"),
        new("JOBS_QUOTAS", "Jobs:Api:Quotas"),
        new("JOBS_TRUST_LOOPBACK", "Jobs:Api:TrustLoopback"),
        new("JOBS_SSE_STREAMS_PER_KEY", "Jobs:Api:SseStreamsPerKey"),
        new("JOBS_SSE_STREAMS_PER_NODE", "Jobs:Api:SseStreamsPerNode"),
        new("JOBS_DEDUPE_TTL_MS", "Jobs:Dedupe:TtlMs"),
        new("JOBS_HTTP_ALLOWED_HOSTS", "Jobs:Http:AllowedHosts", IsList: true),
        new("JOBS_LLM_BASE_URL", "Jobs:Llm:BaseUrl"),
        new("JOBS_LLM_API_KEY", "Jobs:Llm:ApiKey"),
        new("JOBS_LLM_PRICES", "Jobs:Llm:Prices"),
        new("JOBS_LLM_MAX_REASKS", "Jobs:Llm:MaxReasks"),
        new("JOBS_LLM_TIMEOUT_MS", "Jobs:Llm:TimeoutMs"),
        new("JOBS_SANDBOX_WORKERS", "Jobs:Sandbox:Workers"),
        new("JOBS_SANDBOX_WARM", "Jobs:Sandbox:WarmWorkers"),
        new("JOBS_SANDBOX_MEMORY_MB", "Jobs:Sandbox:MemoryMb"),
    ];

    /// <summary>The name a deployer knows a key by: its <c>JOBS_*</c> variable, else the key itself.</summary>
    public static string NameOf(string key) =>
        All.FirstOrDefault(a => string.Equals(a.Key, key, StringComparison.OrdinalIgnoreCase))?.Env ?? key;
}
