using System.Globalization;
using System.Text.RegularExpressions;
using Jobs.Actors.Hosting;
using Jobs.Actors.Supervision;

namespace Jobs.Node.Configuration;

/// <summary>
/// Reads the node's settings: the environment variables of API.md's configuration contract
/// (JOBS_*), falling back to the <c>Jobs</c> configuration section (appsettings.json or
/// <c>Jobs__Key</c> variables). A bad value stops the node at start with a message naming it.
/// </summary>
public static partial class NodeSettings
{
    public const string DefaultUrls = "http://localhost:5080";

    public static JobEngineOptions Read(IConfiguration cfg)
    {
        string? Get(string env, string key) => cfg[env] is { Length: > 0 } v ? v : cfg["Jobs:" + key] is { Length: > 0 } s ? s : null;
        IReadOnlyList<string>? List(string env, string key) =>
            Get(env, key)?.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        int? Int(string env, string key, int min, int max)
        {
            var raw = Get(env, key);
            if (raw is null) return null;
            if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
                throw new InvalidOperationException($"{env}={raw} is invalid: expected an integer {min}..{max}");
            return v;
        }

        var engine = new JobEngineSettings();
        engine = engine with
        {
            Capacity = Int("JOBS_CAPACITY", "Capacity", 1, 10_000) ?? engine.Capacity,
            Partitions = Int("JOBS_PARTITIONS", "Partitions", 1, 4096) ?? engine.Partitions,
            SnapshotEvery = Int("JOBS_SNAPSHOT_EVERY", "SnapshotEvery", 10, 1_000_000) ?? engine.SnapshotEvery,
            CancelGracePeriod = Int("JOBS_CANCEL_GRACE_MS", "CancelGraceMs", 0, 3_600_000) is { } g ? TimeSpan.FromMilliseconds(g) : engine.CancelGracePeriod,
        };

        var persistence = (Get("JOBS_PERSISTENCE", "Persistence") ?? "sqlite").ToLowerInvariant();
        if (persistence is not ("sqlite" or "postgres"))
            throw new InvalidOperationException($"JOBS_PERSISTENCE={persistence} is invalid: expected sqlite or postgres");
        var queues = (List("JOBS_QUEUES", "Queues") ?? []).Prepend("default").Distinct().ToArray();
        // Without roles a node serves every queue; with roles, the queues its roles name.
        var roles = List("JOBS_CLUSTER_ROLES", "Roles") ?? queues;
        foreach (var q in queues.Concat(roles))
            if (!QueueName().IsMatch(q))
                throw new InvalidOperationException($"queue/role '{q}' is invalid: expected [a-z0-9-]{{1,64}}");
        engine = engine with
        {
            Queues = queues,
            QueuePartitions = Int("JOBS_QUEUE_PARTITIONS", "QueuePartitions", 1, 4096) ?? engine.QueuePartitions,
            DrainTimeout = Int("JOBS_DRAIN_TIMEOUT_MS", "DrainTimeoutMs", 0, 3_600_000) is { } d ? TimeSpan.FromMilliseconds(d) : engine.DrainTimeout,
            DedupeTtl = Int("JOBS_DEDUPE_TTL_MS", "DedupeTtlMs", 1000, int.MaxValue) is { } dt ? TimeSpan.FromMilliseconds(dt) : engine.DedupeTtl,
            StatsInterval = Int("JOBS_STATS_INTERVAL_MS", "StatsIntervalMs", 100, 600_000) is { } si ? TimeSpan.FromMilliseconds(si) : engine.StatsInterval,
            StatsStaleAfter = Int("JOBS_STATS_STALE_MS", "StatsStaleMs", 200, 3_600_000) is { } ss ? TimeSpan.FromMilliseconds(ss) : engine.StatsStaleAfter,
            MemoryHighBytes = (Int("JOBS_MEMORY_HIGH_MB", "MemoryHighMb", 0, 1_048_576) ?? 0) * 1048576L,
            MemoryLowBytes = Int("JOBS_MEMORY_LOW_MB", "MemoryLowMb", 0, 1_048_576) is { } ml ? ml * 1048576L : null,
        };
        if (engine.MemoryLowBytes is { } low && (engine.MemoryHighBytes == 0 || low > engine.MemoryHighBytes))
            throw new InvalidOperationException("JOBS_MEMORY_LOW_MB needs JOBS_MEMORY_HIGH_MB and must not exceed it");

        var compression = (Get("JOBS_DB_COMPRESSION", "DbCompression") ?? "lz4").Trim().ToLowerInvariant();
        if (compression is not ("lz4" or "pglz" or "default"))
            throw new InvalidOperationException($"JOBS_DB_COMPRESSION={compression} is invalid: expected lz4, pglz or default (the server's)");

        var options = new JobEngineOptions
        {
            DataDir = Get("JOBS_DATA_DIR", "DataDir") ?? "./data",
            Persistence = persistence,
            PostgresConnectionString = Get("JOBS_DB", "Db"),
            PostgresCompression = compression == "default" ? "" : compression,
            ClusterHost = ClusterHostName.Resolve(Get("JOBS_CLUSTER_HOST", "ClusterHost") ?? "localhost"),
            ClusterPort = Int("JOBS_CLUSTER_PORT", "ClusterPort", 0, 65535) ?? 4053,
            Seeds = SeedList.Expand(List("JOBS_CLUSTER_SEEDS", "Seeds") ?? [], System.Net.Dns.GetHostAddresses, TimeSpan.FromSeconds(60)),
            Roles = roles,
            HeartbeatPause = Int("JOBS_HEARTBEAT_PAUSE_MS", "HeartbeatPauseMs", 500, 600_000) is { } hp ? TimeSpan.FromMilliseconds(hp) : new JobEngineOptions().HeartbeatPause,
            StableAfter = Int("JOBS_SBR_STABLE_AFTER_MS", "StableAfterMs", 500, 600_000) is { } sa ? TimeSpan.FromMilliseconds(sa) : new JobEngineOptions().StableAfter,
            DownRemovalMargin = Int("JOBS_DOWN_REMOVAL_MARGIN_MS", "DownRemovalMarginMs", 0, 600_000) is { } dm ? TimeSpan.FromMilliseconds(dm) : new JobEngineOptions().DownRemovalMargin,
            Engine = engine,
            AkkaHocon = Get("JOBS_AKKA_HOCON", "AkkaHocon"),
            Quotas = Jobs.Actors.Usage.QuotaTable.Parse(Get("JOBS_QUOTAS", "Quotas")),
            Http = new Jobs.Actors.Handlers.HttpJobSettings { AllowedHosts = List("JOBS_HTTP_ALLOWED_HOSTS", "HttpAllowedHosts") ?? [] },
            Llm = new Jobs.Actors.Handlers.Llm.LlmSettings
            {
                BaseUrl = Get("JOBS_LLM_BASE_URL", "LlmBaseUrl") is { } url
                    ? Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "http" or "https" ? u : throw new InvalidOperationException($"JOBS_LLM_BASE_URL={url} is invalid: expected an http(s) URL")
                    : null,
                ApiKey = Get("JOBS_LLM_API_KEY", "LlmApiKey"),
                Prices = Jobs.Actors.Handlers.Llm.LlmSettings.ParsePrices(Get("JOBS_LLM_PRICES", "LlmPrices")),
                MaxReasks = Int("JOBS_LLM_MAX_REASKS", "LlmMaxReasks", 0, 10) ?? 2,
                RequestTimeout = Int("JOBS_LLM_TIMEOUT_MS", "LlmTimeoutMs", 100, 3_600_000) is { } lt ? TimeSpan.FromMilliseconds(lt) : TimeSpan.FromSeconds(120),
            },
        };
        JobsAkkaConfig.Overrides(options); // a typo in JOBS_AKKA_HOCON stops the node here, naming it
        return options;
    }

    /// <summary>JOBS_HEAP_TRIM_AFTER_MB (default 256, 0 = off): see <see cref="Jobs.Actors.Capacity.HeapTrimRule"/>.</summary>
    public static Jobs.Actors.Capacity.HeapTrimRule HeapTrim(IConfiguration cfg)
    {
        var raw = cfg["JOBS_HEAP_TRIM_AFTER_MB"] is { Length: > 0 } v ? v : cfg["Jobs:HeapTrimAfterMb"];
        if (raw is null) return Jobs.Actors.Capacity.HeapTrimRule.Default;
        if (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var mb) || mb < 0 || mb > 1_048_576)
            throw new InvalidOperationException($"JOBS_HEAP_TRIM_AFTER_MB={raw} is invalid: expected an integer 0..1048576 (0: off)");
        return Jobs.Actors.Capacity.HeapTrimRule.Default with { AfterAllocatedBytes = mb * 1048576L };
    }

    public static Security.ApiKeys ApiKeys(IConfiguration cfg) =>
        Security.ApiKeys.Parse(cfg["JOBS_API_KEYS"] is { Length: > 0 } v ? v : cfg["Jobs:ApiKeys"]);

    public static IReadOnlyList<string> HandlerAssemblies(IConfiguration cfg) =>
        (cfg["JOBS_HANDLER_ASSEMBLIES"] ?? cfg["Jobs:HandlerAssemblies"] ?? "")
        .Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [GeneratedRegex("^[a-z0-9-]{1,64}$")]
    public static partial Regex QueueName();
}
