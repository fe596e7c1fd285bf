using Akka.Actor;
using Jobs.Actors.Attempts;
using Jobs.Actors.Partitions;
using Jobs.Actors.Settings;
using Jobs.Messages;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Scenarios;

/// <summary>A batch's jobs reach a partition as one <see cref="SubmitJobs"/> message with one answer.</summary>
public sealed class SubmitManyTests(ITestOutputHelper output) : PartitionTestKit(output)
{
    private static readonly DateTimeOffset Later = DateTimeOffset.UtcNow.AddDays(1);

    private static SubmitJob Job(string id) => new(0, id, Spec("record", runAt: Later), "batch-1");

    [Fact]
    public void One_answer_for_all_jobs_in_order_with_known_jobs_not_stored_twice()
    {
        var partition = StartPartition(StartCapacity(1));
        Submit(partition, Spec("record", runAt: Later), "known");

        partition.Tell(new SubmitJobs(0, [Job("a"), Job("known"), Job("b"), Job("a")]));
        var reply = ExpectMsg<JobsSubmitted>(Wait);
        Assert.Equal(["a", "known", "b", "a"], reply.JobIds);
        Assert.Equal([true, false, true, false], reply.Created);
        Assert.All(reply.Rejected, Assert.Null);
        Assert.Equal("batch-1", Get(partition, "a").BatchId);
        Assert.Equal("batch-1", Get(partition, "b").BatchId);
        Assert.Null(Get(partition, "known").BatchId); // stored before, not re-stored as part of the batch
        Assert.Equal(2, JournalRows()); // "known", then "a" and "b" as one row

        partition.Tell(new SubmitJobs(0, []));
        Assert.Empty(ExpectMsg<JobsSubmitted>(Wait).JobIds);
    }

    [Fact]
    public void A_saturated_partition_refuses_the_rest_and_stores_nothing_of_it()
    {
        var partition = StartPartition(StartCapacity(1), Options.Partitions with { MaxEventsInFlight = 1 });
        partition.Tell(new SubmitJobs(0, [Job("first"), Job("second"), Job("third")]));
        var reply = ExpectMsg<JobsSubmitted>(Wait);
        Assert.Equal([true, false, false], reply.Created);
        Assert.Null(reply.Rejected[0]);
        Assert.Contains("events waiting for the journal", reply.Rejected[1]);
        Assert.Contains("events waiting for the journal", reply.Rejected[2]);
        partition.Tell(new GetJob(0, "second"));
        ExpectMsg<JobNotFound>(Wait);
        Assert.Equal(1, JournalRows());
    }

    [Fact]
    public void A_burst_is_journaled_as_one_row_and_recovers_whole()
    {
        var capacity = StartCapacity(1);
        var partition = StartPartition(capacity);
        var ids = Enumerable.Range(0, 300).Select(i => $"burst-{i}").ToArray();

        partition.Tell(new SubmitJobs(0, ids.Select(Job).ToArray()));
        var reply = ExpectMsg<JobsSubmitted>(Wait);
        Assert.All(reply.Created, Assert.True);
        // The message's 300 acceptances are decided together and go out as one row (GroupCommit.MaxEventsPerRow is 500).
        Assert.Equal(1, JournalRows());

        Watch(partition);
        partition.Tell(PoisonPill.Instance);
        ExpectTerminated(partition, Wait);
        var recovered = StartPartition(capacity);
        recovered.Tell(new GetPartitionStatus(0));
        var status = ExpectMsg<PartitionStatus>(Wait);
        Assert.Equal(300, status.Scheduled);
        Assert.Equal(300, status.EventsReplayed);
        Assert.Equal(1, status.LastSequenceNr);
        Assert.All(ids, id => Assert.Equal("batch-1", Get(recovered, id).BatchId));
    }

    [Fact]
    public void A_resubmission_of_a_job_still_queued_behind_a_write_is_answered_once_that_job_is_durable()
    {
        var partition = StartPartition(StartCapacity(1));
        partition.Tell(new SubmitJob(0, "first", Spec("record", runAt: Later), "batch-1")); // goes out at once
        partition.Tell(new SubmitJobs(0, [Job("second"), Job("third")])); // waits behind "first"'s write
        partition.Tell(new SubmitJob(0, "second", Spec("record", runAt: Later), "batch-1"));

        Assert.True(ExpectMsg<JobSubmitted>(Wait).Created);
        Assert.Equal([true, true], ExpectMsg<JobsSubmitted>(Wait).Created);
        var again = ExpectMsg<JobSubmitted>(Wait);
        Assert.False(again.Created);
        Assert.Equal("second", again.JobId);
        Assert.Equal(2, JournalRows()); // "first", then "second" and "third" as one row: "second" was stored once
    }
}
