using System.Reflection;
using Akka.Configuration;
using Akka.Persistence.Sql;
using Microsoft.Data.Sqlite;

namespace Jobs.Actors.Hosting;

/// <summary>Builds the node's Akka configuration: the files of hocon/ plus the deployer's settings on top.</summary>
public static class JobsAkkaConfig
{
    public static string ReadHocon(string name)
    {
        using var s = typeof(JobsAkkaConfig).Assembly.GetManifestResourceStream("hocon/" + name)
                      ?? throw new FileNotFoundException($"hocon/{name} is not embedded in {typeof(JobsAkkaConfig).Assembly.GetName().Name}");
        return new StreamReader(s).ReadToEnd();
    }

    /// <summary>
    /// Persistence only (journal, snapshots, query) — what a persistence test system needs. For
    /// PostgreSQL it also switches linq2db's process-wide bulk copy to binary COPY
    /// (<see cref="Persistence.PostgresBinaryCopy"/>): every system built from this config, node or
    /// test, then writes journal batches the same way.
    /// </summary>
    public static Config Persistence(JobEngineOptions o)
    {
        var provider = o.Persistence.ToLowerInvariant();
        if (provider is not ("sqlite" or "postgres"))
            throw new NotSupportedException($"JOBS_PERSISTENCE={o.Persistence} is not supported; use sqlite or postgres");
        if (provider == "postgres") Jobs.Actors.Persistence.PostgresBinaryCopy.Enable();
        var cs = Quote(o.JournalConnectionString);
        var overrides = ConfigurationFactory.ParseString($"""
            akka.persistence.journal.sql.connection-string = {cs}
            akka.persistence.snapshot-store.sql.connection-string = {cs}
            akka.persistence.query.journal.sql.connection-string = {cs}
            """);
        return overrides
            .WithFallback(ConfigurationFactory.ParseString(ReadHocon($"persistence.{provider}.conf")))
            .WithFallback(SqlPersistence.DefaultConfiguration);
    }

    /// <summary>The whole node configuration minus what Akka.Hosting adds (remoting, cluster membership, sharding regions).</summary>
    public static Config Node(JobEngineOptions o) =>
        Overrides(o).WithFallback(ConfigurationFactory.ParseString($"""
                akka.coordinated-shutdown.phases.before-cluster-shutdown.timeout = {(int)(o.Engine.DrainTimeout.TotalMilliseconds + 5000)}ms
                akka.cluster.failure-detector.acceptable-heartbeat-pause = {(int)o.HeartbeatPause.TotalMilliseconds}ms
                akka.cluster.split-brain-resolver.stable-after = {(int)o.StableAfter.TotalMilliseconds}ms
                akka.cluster.down-removal-margin = {(int)o.DownRemovalMargin.TotalMilliseconds}ms
                """)
            .WithFallback(Persistence(o))
            .WithFallback(ConfigurationFactory.ParseString(ReadHocon("akka.conf"))));

    /// <summary>The deployer's JOBS_AKKA_HOCON, parsed (empty when unset); applied last, over every other layer.</summary>
    public static Config Overrides(JobEngineOptions o)
    {
        if (string.IsNullOrWhiteSpace(o.AkkaHocon)) return Config.Empty;
        Config config;
        try
        {
            config = ConfigurationFactory.ParseString(o.AkkaHocon);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException("JOBS_AKKA_HOCON is not valid HOCON: " + e.Message, e);
        }
        // Akka's parser is lenient: a key it cannot read a value for is kept with no value.
        if (Unreadable(config.Root, "") is { } path)
            throw new InvalidOperationException($"JOBS_AKKA_HOCON is not valid HOCON: no readable value for '{path}'");
        return config;
    }

    private static string? Unreadable(Akka.Configuration.Hocon.HoconValue value, string path)
    {
        if (value.Values.Count == 0) return path.Length == 0 ? "(root)" : path;
        if (!value.IsObject()) return null;
        foreach (var (key, child) in value.GetObject().Items)
            if (Unreadable(child, path.Length == 0 ? key : path + "." + key) is { } bad) return bad;
        return null;
    }

    /// <summary>A connection to the journal's database (for readiness checks and tools).</summary>
    public static System.Data.Common.DbConnection JournalConnection(JobEngineOptions o) =>
        o.IsPostgres ? new Npgsql.NpgsqlConnection(o.JournalConnectionString) : new SqliteConnection(o.JournalConnectionString);

    /// <summary>The read model on the configured database.</summary>
    public static ReadModel.SqlJobReadStore ReadStore(JobEngineOptions o) =>
        o.IsPostgres ? ReadModel.SqlJobReadStore.ForPostgres(o.ReadModelConnectionString) : ReadModel.SqlJobReadStore.ForSqlite(o.ReadModelConnectionString);

    /// <summary>SQLite: creates the data directory and puts the journal in WAL mode (readers never block the writer).</summary>
    public static void PrepareStorage(JobEngineOptions o)
    {
        if (o.IsPostgres) return;
        Directory.CreateDirectory(Path.GetDirectoryName(o.JournalPath)!);
        using var c = new SqliteConnection(o.JournalConnectionString);
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode=WAL;";
        cmd.ExecuteNonQuery();
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
