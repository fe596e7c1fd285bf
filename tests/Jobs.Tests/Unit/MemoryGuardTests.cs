using Akka.Actor;
using Jobs.Actors.Placement;
using Xunit;

namespace Jobs.Tests.Unit;

public sealed class MemoryGuardTests : Akka.TestKit.Xunit2.TestKit
{
    [Fact]
    public void Degraded_above_the_high_watermark_until_under_the_low_one()
    {
        var g = MemoryGuard.Create(100, 80);
        Assert.False(g.Observe(100).Degraded);               // at the mark: not above
        var high = g.Observe(101);
        Assert.True(high.Degraded);
        Assert.True(high.Observe(90).Degraded);              // between low and high: still degraded (hysteresis)
        Assert.False(high.Observe(79).Degraded);
        Assert.Equal(80, MemoryGuard.Create(100).LowBytes);  // default low: 80 %
        Assert.False(MemoryGuard.Off.Observe(long.MaxValue).Degraded);
        Assert.Throws<ArgumentOutOfRangeException>(() => MemoryGuard.Create(100, 101));
        Assert.Throws<ArgumentOutOfRangeException>(() => MemoryGuard.Create(-1));
    }

    [Fact]
    public async Task A_degraded_gate_grants_no_slot_and_grants_it_once_memory_is_back_under_the_low_watermark()
    {
        long memory = 500;
        var gate = Sys.ActorOf(NodeCapacity.Props(4, MemoryGuard.Create(100, 50), () => Interlocked.Read(ref memory), TimeSpan.FromMilliseconds(50)));
        var partition = CreateTestProbe();
        Assert.True((await gate.Ask<CapacityStatus>(GetCapacity.Instance, TimeSpan.FromSeconds(3))).Degraded);

        partition.Send(gate, new Demand(0, "default", [new TenantHead("default", 0, 1)]));
        // the gate has answered a later question, so it has handled the demand: no grant went out
        Assert.Equal(0, (await gate.Ask<CapacityStatus>(GetCapacity.Instance, TimeSpan.FromSeconds(3))).InUse);
        partition.ExpectNoMsg(TimeSpan.Zero);

        Interlocked.Exchange(ref memory, 60);   // under high, above low: still held back
        var status = await gate.Ask<CapacityStatus>(new SetMemoryWatermark(100, 50), TimeSpan.FromSeconds(3)); // samples at once
        Assert.True(status.Degraded);
        partition.ExpectNoMsg(TimeSpan.Zero);

        Interlocked.Exchange(ref memory, 40);
        partition.ExpectMsg<SlotGranted>(TimeSpan.FromSeconds(5));
        Assert.False((await gate.Ask<CapacityStatus>(GetCapacity.Instance, TimeSpan.FromSeconds(3))).Degraded);
    }
}
