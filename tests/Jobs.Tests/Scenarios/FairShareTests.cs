using Jobs.Actors.Placement;
using Jobs.Messages;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Scenarios;

/// <summary>
/// The node's gate divides slots between tenants: a tenant flooding a saturated node with
/// priority-100 jobs does not keep another tenant's job waiting longer than one of its jobs runs.
/// </summary>
public sealed class FairShareTests(ITestOutputHelper output) : PartitionTestKit(output)
{
    [Fact]
    public void The_first_slot_that_frees_goes_to_the_tenant_running_nothing_although_the_flooder_has_higher_priority()
    {
        var started = Flood(new FairShare(true, new Dictionary<string, double>()));

        Assert.Equal("b", started);
    }

    [Fact]
    public void Without_fair_share_the_flooder_s_priority_wins_the_slot()
    {
        var started = Flood(FairShare.Off);

        Assert.Equal("a3", started);
    }

    /// <summary>
    /// Capacity 2, both slots held by tenant a's priority-100 jobs, six more of a's queued in both
    /// partitions and one priority-0 job of tenant b's in the same partition as a's; one of a's
    /// running jobs ends. Returns the tag of the job that got the slot.
    /// </summary>
    private string Flood(FairShare share)
    {
        var capacity = StartCapacity(2, share);
        var p0 = StartPartition(capacity, partitionId: 0);
        var p1 = StartPartition(capacity, partitionId: 1);
        Submit(p0, Spec("gate", """{"gate":"a1","tag":"a1"}""", priority: 100) with { Tenant = "a" });
        Submit(p1, Spec("gate", """{"gate":"a2","tag":"a2"}""", priority: 100) with { Tenant = "a" });
        AwaitCondition(() => Control.Started.Count == 2, Wait, "a's first two jobs hold both slots");
        for (var i = 3; i <= 8; i++)
            Submit(i % 2 == 0 ? p0 : p1, Spec("gate", $$"""{"gate":"rest","tag":"a{{i}}"}""", priority: 100) with { Tenant = "a" });
        Submit(p0, Spec("record", """{"tag":"b"}""") with { Tenant = "b" });

        Control.Open("a1");

        AwaitCondition(() => Control.Started.Count >= 3, Wait, "a slot freed and went to a job");
        var third = Control.Started.ElementAt(2);
        Control.Open("a2");
        Control.Open("rest");
        AwaitCondition(() => Control.Started.Count == 9, Wait, "every job started once the gates opened");
        return third;
    }
}
