using Akka.Configuration;
using Akka.Persistence.Sql;
using Jobs.Actors.Settings;
using Jobs.Actors.Storage;

namespace Jobs.Actors.Hosting;

/// <summary>
/// A node's Akka configuration, in three layers, the later winning: the files of hocon/ (Akka's
/// own tuning, embedded in this assembly), the typed settings that map onto Akka (timeouts of
/// membership and leave, the journal's connection), and the deployer's JOBS_AKKA_HOCON. Remoting,
/// cluster membership and the shard regions are added by Akka.Hosting (<see cref="JobEngineHosting"/>).
/// </summary>
public static class AkkaConfig
{
    public static string ReadHocon(string name)
    {
        using var s = typeof(AkkaConfig).Assembly.GetManifestResourceStream("hocon/" + name)
                      ?? throw new FileNotFoundException($"hocon/{name} is not embedded in {typeof(AkkaConfig).Assembly.GetName().Name}");
        return new StreamReader(s).ReadToEnd();
    }

    /// <summary>
    /// Persistence only (journal, snapshots, query) — what a persistence test system needs. For
    /// PostgreSQL it also switches linq2db's process-wide bulk copy to binary COPY
    /// (<see cref="PostgresBinaryCopy"/>): every system built from this config, node or test,
    /// writes journal batches the same way.
    /// </summary>
    public static Config Persistence(StorageOptions o)
    {
        if (o.IsPostgres) PostgresBinaryCopy.Enable();
        var cs = Quote(o.JournalConnectionString());
        var overrides = ConfigurationFactory.ParseString($"""
            akka.persistence.journal.sql.connection-string = {cs}
            akka.persistence.snapshot-store.sql.connection-string = {cs}
            akka.persistence.query.journal.sql.connection-string = {cs}
            """);
        return overrides
            .WithFallback(ConfigurationFactory.ParseString(ReadHocon($"persistence.{o.Persistence}.conf")))
            .WithFallback(SqlPersistence.DefaultConfiguration);
    }

    /// <summary>The whole node configuration minus what Akka.Hosting adds.</summary>
    public static Config Node(JobsOptions o) =>
        HoconOverrides.Parse(o.Cluster.AkkaHocon).WithFallback(ConfigurationFactory.ParseString($"""
                akka.coordinated-shutdown.phases.before-cluster-shutdown.timeout = {o.Node.DrainTimeoutMs + 5000}ms
                akka.cluster.failure-detector.acceptable-heartbeat-pause = {o.Cluster.HeartbeatPauseMs}ms
                akka.cluster.split-brain-resolver.stable-after = {o.Cluster.StableAfterMs}ms
                akka.cluster.down-removal-margin = {o.Cluster.DownRemovalMarginMs}ms
                """)
            .WithFallback(Persistence(o.Storage))
            .WithFallback(ConfigurationFactory.ParseString(ReadHocon("akka.conf"))));

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
