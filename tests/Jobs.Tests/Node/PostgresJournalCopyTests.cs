using Akka.Actor;
using Jobs.Actors.Attempts;
using Jobs.Actors.Hosting;
using Jobs.Actors.Partitions;
using Jobs.Actors.Placement;
using Jobs.Actors.Settings;
using Jobs.Actors.Storage;
using Jobs.Messages;
using Jobs.Tests.Support;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Node;

/// <summary>
/// On PostgreSQL the journal writes its batches with binary COPY (Jobs.Actors.Persistence.PostgresBinaryCopy
/// + max-row-by-row-size = 1), not as multi-row INSERT text the server has to parse; the rows it
/// writes must recover exactly as the INSERT path's did (here: group-commit rows of many events). The database logs its statements
/// (log_statement = all, set for this database only) so the test sees which path wrote.
/// </summary>
[Collection(NodeCollection.Name)]
public sealed class PostgresJournalCopyTests(PostgresFixture postgres, ITestOutputHelper output) : PartitionTestKit(output)
{
    [Fact]
    public async Task Journal_batches_go_to_postgres_as_binary_copy_and_recover_whole()
    {
        var connection = await postgres.CreateDatabaseAsync();
        var database = new NpgsqlConnectionStringBuilder(connection).Database!;
        await using (var admin = new NpgsqlConnection(postgres.ConnectionString("postgres")))
        {
            await admin.OpenAsync();
            await using var cmd = new NpgsqlCommand($"ALTER DATABASE {database} SET log_statement = 'all'", admin);
            await cmd.ExecuteNonQueryAsync();
        }
        var options = Options with { Storage = new StorageOptions { Persistence = "postgres", Db = connection } };
        using var node = ActorSystem.Create("jobs-copy", SystemConfig(options, virtualTime: false));
        var capacity = node.ActorOf(NodeCapacity.Props(1));
        IActorRef Partition() => node.ActorOf(JobSupervisor.Props(0, Services(capacity, node: "copy-node")));

        var later = DateTimeOffset.UtcNow.AddDays(1); // scheduled: journal writes only, nothing runs
        // Group commit: the message's 1,200 acceptances go out in one journal write of three rows
        // (500 + 500 + 200 events): a multi-row batch, so COPY.
        var jobs = Enumerable.Range(0, 1200).Select(i => new SubmitJob(0, $"copy-{i:D4}", Spec("record", runAt: later))).ToArray();
        var partition = Partition();
        var answer = await partition.Ask<JobsSubmitted>(new SubmitJobs(0, jobs), Wait);
        Assert.All(answer.Created, Assert.True);
        Assert.True(await partition.GracefulStop(Wait));

        var recovered = Partition();
        foreach (var job in jobs)
        {
            var reply = await recovered.Ask<IJobReply>(new GetJob(0, job.JobId), Wait);
            Assert.True(reply is JobFound { View.Status: JobStatus.Scheduled }, $"{job.JobId}: {reply} after recovery");
        }
        await using (var c = new NpgsqlConnection(connection))
        {
            await c.OpenAsync();
            await using var cmd = new NpgsqlCommand(
                "SELECT count(*), count(DISTINCT sequence_number), min(sequence_number), max(sequence_number), bool_and(tags LIKE '%job%') " +
                "FROM journal WHERE persistence_id = 'partition-0'", c);
            await using var r = await cmd.ExecuteReaderAsync();
            Assert.True(await r.ReadAsync());
            Assert.Equal((3L, 3L, 1L, 3L, true), (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetBoolean(4)));
        }
        await node.Terminate();

        var log = await File.ReadAllTextAsync(postgres.LogPath);
        Assert.Matches(new System.Text.RegularExpressions.Regex(@"statement: COPY ""?journal""? \(.*\) FROM STDIN \(FORMAT BINARY\)",
            System.Text.RegularExpressions.RegexOptions.IgnoreCase), log);
    }
}
