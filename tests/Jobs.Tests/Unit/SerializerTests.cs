using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.Serialization;
using Jobs.Messages;
using Jobs.Messages.Serialization;
using Jobs.Tests.Support;
using Xunit;

namespace Jobs.Tests.Unit;

public sealed class SerializerTests : IDisposable
{
    private static readonly DateTimeOffset T = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private readonly ActorSystem _system = ActorSystem.Create("ser", Akka.Configuration.ConfigurationFactory.ParseString("""
        akka.actor.serializers.jobs = "Jobs.Messages.Serialization.JobsSerializer, Jobs.Messages"
        akka.actor.serialization-bindings { "Jobs.Messages.IJobsMessage, Jobs.Messages" = jobs }
        """));

    /// <summary>One of every persisted message, with every field set: the v1 fixture was written from these.</summary>
    public static IJobsMessage[] Samples()
    {
        var spec = new JobSpec
        {
            Type = "script",
            Payload = """{"code":"1+1","nested":{"a":[1,2,3]}}""",
            Queue = "gpu",
            Priority = 7,
            MaxAttempts = 5,
            Backoff = new BackoffPolicy(250, 8000, 0.1),
            TimeoutMs = 9000,
            RunAt = T.AddMinutes(5),
            IdempotencyKey = "order-1",
            DependsOn = ["a", "b"],
            Tenant = "acme",
            Metadata = """{"team":"x"}""",
        };
        var record = new JobRecord
        {
            Id = "j1",
            Spec = spec,
            BatchId = "b1",
            Status = JobStatus.Failed,
            Attempts = 5,
            Order = 3,
            CreatedAt = T,
            StartedAt = T.AddSeconds(1),
            CompletedAt = T.AddSeconds(2),
            RunAt = null,
            Node = "n:1",
            Result = null,
            Error = new JobError(FailureKind.Permanent, "bad"),
            History = [new HistoryEntry(T, "accepted", null, null, "batch b1"), new HistoryEntry(T.AddSeconds(1), "started", 1, "n:1", null)],
        };
        return
        [
            new JobAccepted("j1", spec, "b1", T),
            new JobAttemptStarted("j1", 1, "n:1", T),
            new JobAttemptFailed("j1", 1, FailureKind.Timeout, "slow", T),
            new JobRetryScheduled("j1", 2, T.AddSeconds(1), T),
            new JobCompleted("j1", 2, """{"ok":true}""", T),
            new JobDeadLettered("j1", FailureKind.Permanent, "bad", T),
            new JobCancelled("j1", FailureKind.Cancelled, "by request", T),
            new JobRequeued("j1", T),
            new JobPurged("j1", T),
            new PartitionSnapshot([record], ["k-1"], 4),
        ];
    }

    [Fact]
    public void Every_protocol_message_round_trips_through_the_jobs_serializer()
    {
        foreach (var message in Samples())
        {
            var serializer = _system.Serialization.FindSerializerFor(message);
            Assert.IsType<JobsSerializer>(serializer);
            var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, message);
            var back = _system.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, manifest);
            Assert.Equal(Json(message), Json(back));
        }
    }

    [Fact]
    public void Submitting_many_and_its_answer_round_trip()
    {
        var spec = new JobSpec { Type = "noop", Payload = """{"delayMs":5}""", Tenant = "acme" };
        IJobsMessage[] wire =
        [
            new SubmitJobs(3, [new SubmitJob(3, "a", spec, "b1"), new SubmitJob(3, "b", spec)]),
            new JobsSubmitted(["a", "b"], [true, false], [null, "partition 3 is busy"]),
            // single submissions sent together (SubmissionLanes) ask for each job's view
            new SubmitJobs(3, [new SubmitJob(3, "c", spec)]) { WithViews = true },
            new JobsSubmitted(["c", "d"], [true, false], [null, "partition 3 is busy"])
            {
                Views = [new JobView { Id = "c", Type = "noop", Queue = "default", Tenant = "acme", Status = JobStatus.Pending }, null],
            },
        ];
        foreach (var message in wire)
        {
            var serializer = _system.Serialization.FindSerializerFor(message);
            var back = _system.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier,
                Akka.Serialization.Serialization.ManifestFor(serializer, message));
            Assert.Equal(Json(message), Json(back));
        }
        var withViews = (SubmitJobs)RoundTrip(wire[2]);
        Assert.True(withViews.WithViews);
        Assert.Equal("c", ((JobsSubmitted)RoundTrip(wire[3])).Views![0]!.Id);
    }

    [Fact]
    public void Dependency_watch_messages_round_trip()
    {
        IJobsMessage[] wire = [new WatchJob(7, "a", "b"), new WatchedJobEnded("a", "b", JobStatus.Completed), new WatchedJobEnded("a", "b", null), new PartitionRecovered(3, 7)];
        foreach (var message in wire) Assert.Equal(message, RoundTrip(message));
    }

    private object RoundTrip(IJobsMessage message)
    {
        var serializer = _system.Serialization.FindSerializerFor(message);
        return _system.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier,
            Akka.Serialization.Serialization.ManifestFor(serializer, message));
    }

    [Fact]
    public void The_tenant_batch_messages_round_trip()
    {
        foreach (var message in new IJobsMessage[] { new GetTenantBatch("b1", "acme"), new BatchIdTaken("b1", "acme") })
        {
            var serializer = _system.Serialization.FindSerializerFor(message);
            var back = _system.Serialization.Deserialize(serializer.ToBinary(message), serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, message));
            Assert.Equal(message, back);
        }
    }

    [Fact]
    public void Every_message_type_in_the_protocol_has_a_manifest()
    {
        var protocol = typeof(IJobsMessage).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IJobsMessage).IsAssignableFrom(t));
        Assert.All(protocol, t => Assert.True(JobsSerializer.Manifests.ContainsKey(t), $"{t.Name} has no manifest"));
    }

    [Fact]
    public void Events_written_by_the_v1_schema_still_read()
    {
        var fixture = JsonDocument.Parse(File.ReadAllText(TestPaths.Fixture("events-v1.json")));
        var serializer = (SerializerWithStringManifest)_system.Serialization.FindSerializerForType(typeof(IJobsMessage));
        var read = fixture.RootElement.EnumerateArray()
            .Select(e => serializer.FromBinary(Encoding.UTF8.GetBytes(e.GetProperty("payload").GetRawText()), e.GetProperty("manifest").GetString()!))
            .ToArray();

        Assert.Equal(10, read.Length);
        var accepted = Assert.IsType<JobAccepted>(read[0]);
        Assert.Equal("script", accepted.Spec.Type);
        Assert.Equal(7, accepted.Spec.Priority);
        Assert.Equal(new BackoffPolicy(250, 8000, 0.1), accepted.Spec.Backoff);
        Assert.Equal("""{"code":"1+1","nested":{"a":[1,2,3]}}""", accepted.Spec.Payload);
        Assert.Equal(T, accepted.At);
        Assert.Equal(FailureKind.Timeout, Assert.IsType<JobAttemptFailed>(read[2]).Kind);
        Assert.Equal("""{"ok":true}""", Assert.IsType<JobCompleted>(read[4]).Result);
        var snapshot = Assert.IsType<PartitionSnapshot>(read[9]);
        Assert.Equal(JobStatus.Failed, snapshot.Jobs[0].Status);
        Assert.Equal(2, snapshot.Jobs[0].History.Count);
        // What is read back serializes exactly like today's samples: nothing was lost.
        Assert.Equal(Samples().Select(Json), read.Select(Json));
    }

    [Fact]
    public void Events_missing_fields_added_later_read_with_their_defaults()
    {
        // A minimal accepted event, as an older writer that knew fewer fields would have stored it.
        var serializer = (SerializerWithStringManifest)_system.Serialization.FindSerializerForType(typeof(IJobsMessage));
        var e = (JobAccepted)serializer.FromBinary(Encoding.UTF8.GetBytes(File.ReadAllText(TestPaths.Fixture("accepted-minimal.json"))), "JA1");
        Assert.Equal("noop", e.Spec.Type);
        Assert.Equal("default", e.Spec.Queue);
        Assert.Equal(3, e.Spec.MaxAttempts);
        Assert.Equal(BackoffPolicy.Default, e.Spec.Backoff);
        Assert.Empty(e.Spec.DependsOn);
        Assert.Null(e.BatchId);
    }

    [Fact]
    public void A_group_commit_row_round_trips_and_keeps_each_event_with_its_own_manifest()
    {
        var events = Samples().OfType<IJobEvent>().ToArray();
        var batch = new JobEventBatch(events);
        var serializer = _system.Serialization.FindSerializerFor(batch);
        var manifest = Akka.Serialization.Serialization.ManifestFor(serializer, batch);
        var bytes = serializer.ToBinary(batch);

        Assert.Equal("JEB1", manifest);
        var back = Assert.IsType<JobEventBatch>(_system.Serialization.Deserialize(bytes, serializer.Identifier, manifest));
        Assert.Equal(events.Select(Json), back.Events.Select(Json));
        using var doc = JsonDocument.Parse(bytes);
        Assert.Equal(events.Select(e => JobsSerializer.Manifests[e.GetType()]),
            doc.RootElement.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("m").GetString()));
    }

    [Fact]
    public void Group_commit_rows_written_by_the_v1_schema_still_read()
    {
        var serializer = (SerializerWithStringManifest)_system.Serialization.FindSerializerForType(typeof(IJobsMessage));
        var batch = Assert.IsType<JobEventBatch>(serializer.FromBinary(File.ReadAllBytes(TestPaths.Fixture("event-batch-v1.json")), "JEB1"));

        Assert.Equal(3, batch.Events.Count);
        var accepted = Assert.IsType<JobAccepted>(batch.Events[0]);
        Assert.Equal("""{"n":1}""", accepted.Spec.Payload);
        Assert.Equal("b1", accepted.BatchId);
        Assert.Equal("n:1", Assert.IsType<JobAttemptStarted>(batch.Events[1]).Node);
        Assert.Equal("""{"ok":true}""", Assert.IsType<JobCompleted>(batch.Events[2]).Result);
    }

    [Fact]
    public void A_group_commit_row_with_an_unknown_or_non_event_manifest_is_refused()
    {
        var serializer = (SerializerWithStringManifest)_system.Serialization.FindSerializerForType(typeof(IJobsMessage));
        Assert.ThrowsAny<Exception>(() => serializer.FromBinary(Encoding.UTF8.GetBytes("""{"events":[{"m":"NOPE","e":{}}]}"""), "JEB1"));
        var e = Assert.ThrowsAny<Exception>(() => serializer.FromBinary(Encoding.UTF8.GetBytes("""{"events":[{"m":"C-CAN1","e":{"partitionId":1,"jobId":"j"}}]}"""), "JEB1"));
        Assert.Contains("not a job event", e.Message);
    }

    /// <summary>How events-v1.json was made (from <see cref="Samples"/>); a new schema version gets a new file, never a rewrite.</summary>
    internal static void WriteFixture(ActorSystem system, string path)
    {
        var serializer = (SerializerWithStringManifest)system.Serialization.FindSerializerForType(typeof(IJobsMessage));
        var rows = Samples().Select(m => $"  {{\"manifest\": \"{serializer.Manifest(m)}\", \"payload\": {Encoding.UTF8.GetString(serializer.ToBinary(m))}}}");
        File.WriteAllText(path, "[\n" + string.Join(",\n", rows) + "\n]\n");
    }

    private static string Json(object o) => JsonSerializer.Serialize(o, o.GetType(), JobsSerializer.Options);

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));
}
