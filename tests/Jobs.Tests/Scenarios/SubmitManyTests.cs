using Akka.Actor;
using Jobs.Actors.Supervision;
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
        Assert.Equal(3, JournalRows());

        partition.Tell(new SubmitJobs(0, []));
        Assert.Empty(ExpectMsg<JobsSubmitted>(Wait).JobIds);
    }

    [Fact]
    public void A_saturated_partition_refuses_the_rest_and_stores_nothing_of_it()
    {
        var partition = StartPartition(StartCapacity(1), Options.Engine with { MaxEventsInFlight = 1 });
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
}
