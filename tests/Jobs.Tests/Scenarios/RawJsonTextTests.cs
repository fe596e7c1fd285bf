using Akka.Actor;
using Jobs.Actors.Attempts;
using Jobs.Actors.Hosting;
using Jobs.Actors.Partitions;
using Jobs.Actors.ReadModel;
using Jobs.Actors.Settings;
using Jobs.Actors.Storage;
using Jobs.Messages;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Scenarios;

/// <summary>
/// Payloads, metadata and results are stored as raw JSON text. Text that is not JSON must never
/// reach the journal (a row no one can read back would break the partition's recovery), and a
/// row the journal refuses must not leave its partition stuck.
/// </summary>
public sealed class RawJsonTextTests(ITestOutputHelper output) : PartitionTestKit(output)
{
    private static readonly DateTimeOffset Later = DateTimeOffset.UtcNow.AddDays(1);

    [Fact]
    public void A_row_the_journal_refuses_restarts_the_partition_from_its_journal_and_it_keeps_accepting()
    {
        var capacity = StartCapacity(1);
        var partition = StartPartition(capacity);
        Submit(partition, Spec("record", runAt: Later), "before");

        // sent straight to the partition, past the client's check: the journal refuses the row and
        // the partition restarts (a submission queued behind that row is not answered: its sender retries)
        EventFilter.Exception<JournalRowRejectedException>().ExpectOne(Wait,
            () => partition.Tell(new SubmitJob(0, "bad", Spec("record", payload: "{not json", runAt: Later))));
        var after = Submit(partition, Spec("record", runAt: Later), "after");
        Assert.True(after.Created);

        Watch(partition);
        partition.Tell(PoisonPill.Instance);
        ExpectTerminated(partition, Wait);
        var recovered = StartPartition(capacity);
        Assert.Equal(JobStatus.Scheduled, Get(recovered, "before").Status);
        Assert.Equal(JobStatus.Scheduled, Get(recovered, "after").Status);
        recovered.Tell(new GetJob(0, "bad"));
        ExpectMsg<JobNotFound>(Wait);
    }

    [Fact]
    public async Task The_client_refuses_a_payload_or_metadata_that_is_not_json_and_sends_nothing()
    {
        var region = CreateTestProbe("region");
        var store = SqlJobReadStore.ForSqlite($"Data Source={Path.Combine(TestPaths.NewTempDir("client"), "readmodel.db")}");
        var client = new JobClient(region.Ref, store, Options);

        var payload = await Assert.ThrowsAsync<ArgumentException>(() => client.SubmitAsync(Spec("record", payload: "{\"a\":")));
        Assert.StartsWith("payload is not valid JSON", payload.Message);
        var metadata = await Assert.ThrowsAsync<ArgumentException>(() =>
            client.SubmitManyAsync([(Spec("record"), "ok"), (Spec("record") with { Metadata = "[1] [2]" }, "two-values")], "b1"));
        Assert.StartsWith("metadata is not valid JSON", metadata.Message);
        Assert.False(region.HasMessages); // nothing was sent, so nothing was stored
    }

    [Fact]
    public void A_handler_result_that_is_not_json_fails_the_job_permanently_and_the_partition_goes_on()
    {
        var partition = StartPartition(StartCapacity(2));
        var bad = Submit(partition, Spec("raw", payload: """{"raw":"nope"}""")).JobId;
        ExpectJobEvent(bad, HistoryEvents.Failed);
        var view = Get(partition, bad);
        Assert.Equal(FailureKind.Permanent, view.Error!.Kind);
        Assert.Contains("not JSON", view.Error.Message);

        var good = Submit(partition, Spec("raw", payload: """{"raw":"{\"ok\":true}"}""")).JobId;
        ExpectJobEvent(good, HistoryEvents.Completed);
        Assert.Equal("""{"ok":true}""", Get(partition, good).Result);
    }
}
