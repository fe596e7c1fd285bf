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

    /// <summary>Persistence only (journal, snapshots, query) — what a persistence test system needs.</summary>
    public static Config Persistence(JobEngineOptions o)
    {
        var provider = o.Persistence.ToLowerInvariant();
        if (provider != "sqlite")
            throw new NotSupportedException($"JOBS_PERSISTENCE={o.Persistence} is not supported by this build; use sqlite");
        var cs = Quote(o.JournalConnectionString);
        var overrides = ConfigurationFactory.ParseString($"""
            akka.persistence.journal.sql.connection-string = {cs}
            akka.persistence.snapshot-store.sql.connection-string = {cs}
            akka.persistence.query.journal.sql.connection-string = {cs}
            """);
        return overrides
            .WithFallback(ConfigurationFactory.ParseString(ReadHocon("persistence.sqlite.conf")))
            .WithFallback(SqlPersistence.DefaultConfiguration);
    }

    /// <summary>The whole node configuration minus what Akka.Hosting adds (remoting, cluster membership, sharding regions).</summary>
    public static Config Node(JobEngineOptions o) =>
        Persistence(o).WithFallback(ConfigurationFactory.ParseString(ReadHocon("akka.conf")));

    /// <summary>Creates the data directory and puts the SQLite journal in WAL mode (readers never block the writer).</summary>
    public static void PrepareStorage(JobEngineOptions o)
    {
        if (!o.Persistence.Equals("sqlite", StringComparison.OrdinalIgnoreCase)) return;
        Directory.CreateDirectory(Path.GetDirectoryName(o.JournalPath)!);
        using var c = new SqliteConnection(o.JournalConnectionString);
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode=WAL;";
        cmd.ExecuteNonQuery();
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
