using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Jobs.Actors.Attempts;
using Jobs.Actors.Hosting;
using Jobs.Actors.Partitions;
using Jobs.Actors.Placement;
using Jobs.Actors.Settings;
using Jobs.Actors.Storage;
using Jobs.Messages;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Jobs.Tests.Support;

/// <summary>
/// An ActorSystem with the real SQLite journal in a fresh directory, a node capacity gate, and
/// JobSupervisor partitions created directly (no cluster), publishing their events to a probe.
/// </summary>
public abstract class PartitionTestKit : Akka.TestKit.Xunit2.TestKit
{
    protected static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    protected PartitionTestKit(ITestOutputHelper output, bool virtualTime = false)
        : this(NewOptions(), virtualTime, output)
    {
    }

    private PartitionTestKit(JobsOptions options, bool virtualTime, ITestOutputHelper output)
        : base(SystemConfig(options, virtualTime), "jobs-test", output)
    {
        Options = options;
        Events = CreateTestProbe("events");
        Handlers = Control.Registry();
    }

    protected JobsOptions Options { get; }
    protected TestControl Control { get; } = new();
    protected TestProbe Events { get; }
    protected JobHandlerRegistry Handlers { get; }

    protected IActorRef StartCapacity(int capacity) => Sys.ActorOf(NodeCapacity.Props(capacity));

    protected IActorRef StartCapacity(int capacity, FairShare share, bool awaitSwitches = false) =>
        Sys.ActorOf(NodeCapacity.Props(capacity, MemoryGuard.Off, (_, _) => { }, share, awaitSwitches));

    protected IActorRef StartPartition(IActorRef capacity, PartitionOptions? options = null, int partitionId = 0) =>
        Sys.ActorOf(JobSupervisor.Props(partitionId, Services(capacity, options)));

    /// <summary>What a partition of these tests works with: the test handlers, events published to <see cref="Events"/>.</summary>
    protected PartitionServices Services(IActorRef capacity, PartitionOptions? options = null, string node = "test-node") =>
        new(options ?? Options.Partitions, capacity, Events.Ref, node, (job, attempt) => JobRunner.Props(job, attempt, Handlers, Options.Attempts));

    protected JobSubmitted Submit(IActorRef partition, JobSpec spec, string? id = null)
    {
        partition.Tell(new SubmitJob(0, id ?? JobIds.NewId(DateTimeOffset.UtcNow), spec));
        return ExpectMsg<JobSubmitted>(Wait);
    }

    protected JobView Get(IActorRef partition, string id)
    {
        partition.Tell(new GetJob(0, id));
        return ExpectMsg<JobFound>(Wait).View;
    }

    /// <summary>Waits for the job's event (skipping others) and returns it.</summary>
    protected JobEventPublished ExpectJobEvent(string jobId, string evt, int? attempt = null) =>
        Events.FishForMessage<JobEventPublished>(
            e => e.JobId == jobId && e.Entry.Event == evt && (attempt is null || e.Entry.Attempt == attempt), Wait,
            $"job {jobId}: {evt}{(attempt is null ? "" : " attempt " + attempt)}");

    /// <summary>Waits until every one of the jobs has published the event, in whatever order they come.</summary>
    protected void ExpectAllJobEvents(IReadOnlyCollection<string> jobIds, string evt)
    {
        var missing = new HashSet<string>(jobIds);
        Events.FishForMessage<JobEventPublished>(e =>
        {
            if (e.Entry.Event == evt) missing.Remove(e.JobId);
            return missing.Count == 0;
        }, Wait, $"{evt} for {jobIds.Count} jobs");
    }

    protected static JobSpec Spec(string type, string? payload = null, int priority = 0, int maxAttempts = 3,
        int initialBackoffMs = 10, int timeoutMs = 300_000, DateTimeOffset? runAt = null, string? key = null) => new()
        {
            Type = type,
            Payload = payload,
            Priority = priority,
            MaxAttempts = maxAttempts,
            Backoff = new BackoffPolicy(initialBackoffMs, 60_000, 0),
            TimeoutMs = timeoutMs,
            RunAt = runAt,
            IdempotencyKey = key,
        };

    protected long JournalRows()
    {
        using var c = new SqliteConnection(Options.Storage.JournalConnectionString());
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM journal WHERE persistence_id LIKE 'partition-%';";
        return (long)cmd.ExecuteScalar()!;
    }

    /// <summary>Rows of the real SQLite journal database (journal and snapshot tables).</summary>
    protected List<T> QueryJournal<T>(string sql, Func<SqliteDataReader, T> read)
    {
        using var c = new SqliteConnection(Options.Storage.JournalConnectionString());
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var rows = new List<T>();
        while (r.Read()) rows.Add(read(r));
        return rows;
    }

    /// <summary>A stored payload: its bytes at <paramref name="column"/>, then its manifest and serializer id.</summary>
    protected object DeserializeStored(SqliteDataReader r, int column) =>
        Sys.Serialization.Deserialize((byte[])r.GetValue(column), r.GetInt32(column + 2), r.GetString(column + 1));

    private static JobsOptions NewOptions()
    {
        var options = new JobsOptions
        {
            Storage = new StorageOptions { DataDir = TestPaths.NewTempDir("partition") },
            Attempts = new AttemptOptions { CancelGraceMs = 300 },
        };
        options.Storage.PrepareJournal();
        return options;
    }

    protected static Config SystemConfig(JobsOptions options, bool virtualTime) =>
        ConfigurationFactory.ParseString($$"""
            akka.actor.provider = local
            akka.loglevel = INFO
            akka.test.single-expect-default = 20s
            {{(virtualTime ? "akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\"" : "")}}
            """).WithFallback(AkkaConfig.Node(options));
}
