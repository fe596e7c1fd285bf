using Akka.Actor;
using Jobs.Actors.Storage;
using Jobs.Actors.Usage;
using Jobs.Messages;
using Jobs.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Scenarios;

/// <summary>A tenant-day's reservations are written together, and the quota stays exact.</summary>
public sealed class UsageGroupCommitTests : PartitionTestKit
{
    private readonly ITestOutputHelper _output;

    public UsageGroupCommitTests(ITestOutputHelper output) : base(output) => _output = output;

    private static readonly DateOnly Day = new(2026, 12, 5);

    [Fact]
    public void Reservations_that_arrive_together_share_journal_writes_and_never_exceed_the_quota()
    {
        const int asked = 400, limit = 300;
        var entity = EntityId();
        var usage = Sys.ActorOf(TenantUsage.Props(entity));
        var limits = new QuotaLimits(limit, null);
        for (var i = 0; i < asked; i++) usage.Tell(new ReserveJobs("acme", Day, 1, limits), TestActor);

        var answers = ReceiveN(asked, Wait);
        var granted = answers.OfType<UsageReserved>().ToList();
        Assert.Equal(limit, granted.Count);
        Assert.Equal(asked - limit, answers.OfType<UsageOverQuota>().Count());
        Assert.Equal(limit, granted.Max(r => r.JobsToday)); // every answer came after its count was journaled
        var events = UsageEvents(entity);
        _output.WriteLine($"{limit} reservations in {events} journal events");
        Assert.True(events < limit, $"{limit} reservations took {events} journal writes: they were not written together");

        // the count is durable: a recovered tenant-day grants nothing more
        Watch(usage);
        usage.Tell(PoisonPill.Instance);
        ExpectTerminated(usage, Wait);
        var recovered = Sys.ActorOf(TenantUsage.Props(entity));
        recovered.Tell(new ReserveJobs("acme", Day, 1, limits), TestActor);
        Assert.Equal(new UsageOverQuota("jobsPerDay", limit, limit), ExpectMsg<UsageOverQuota>(Wait));
        recovered.Tell(new GetUsage("acme", Day), TestActor);
        Assert.Equal(limit, ExpectMsg<UsageView>(Wait).Jobs);
    }

    [Fact]
    public void A_release_gives_back_what_a_later_reservation_may_take()
    {
        var usage = Sys.ActorOf(TenantUsage.Props(EntityId()));
        var limits = new QuotaLimits(2, null);
        usage.Tell(new ReserveJobs("acme", Day, 2, limits), TestActor);
        Assert.Equal(2, ExpectMsg<UsageReserved>(Wait).JobsToday);
        usage.Tell(new ReserveJobs("acme", Day, 1, limits), TestActor);
        ExpectMsg<UsageOverQuota>(Wait);
        usage.Tell(new ReleaseJobs("acme", Day, 1), TestActor);
        usage.Tell(new ReserveJobs("acme", Day, 1, limits), TestActor);
        Assert.Equal(2, ExpectMsg<UsageReserved>(Wait).JobsToday);
    }

    private static string EntityId() => TenantUsage.EntityId("acme", Day);

    private long UsageEvents(string entityId)
    {
        using var c = new SqliteConnection(Options.Storage.JournalConnectionString());
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM journal WHERE persistence_id = $id;";
        cmd.Parameters.AddWithValue("$id", "usage-" + entityId.Replace('|', '-'));
        return (long)cmd.ExecuteScalar()!;
    }
}
