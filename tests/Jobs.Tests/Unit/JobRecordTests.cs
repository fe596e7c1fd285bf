using System.Text.Json;
using Jobs.Actors.Attempts;
using Jobs.Actors.Partitions;
using Jobs.Actors.Settings;
using Jobs.Messages;
using Jobs.Messages.Serialization;
using Xunit;

namespace Jobs.Tests.Unit;

/// <summary>
/// A pending job's record keeps its run outcome and its acceptance entry out of line (memory per
/// pending job); what it shows — members, JSON, equality — must be as if they were inline.
/// </summary>
public sealed class JobRecordTests
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly JobSpec Spec = new() { Type = "noop" };

    private static JobRecord Accepted(string? batchId = "b1", params string[] dependsOn) =>
        PartitionState.Empty.Apply(new JobAccepted("j1", Spec with { DependsOn = dependsOn }, batchId, T0)).Job!;

    [Fact]
    public void A_pending_job_shows_its_acceptance_entry_in_history_and_in_json()
    {
        var job = Accepted();

        var entry = Assert.Single(job.History);
        Assert.Equal(new HistoryEntry(T0, HistoryEvents.Accepted, null, null, "batch b1"), entry);
        var json = JsonSerializer.SerializeToElement(job, JobsSerializer.Options);
        var written = Assert.Single(json.GetProperty("history").EnumerateArray().ToArray());
        Assert.Equal("accepted", written.GetProperty("event").GetString());
        Assert.Equal("batch b1", written.GetProperty("detail").GetString());
        Assert.Null(Accepted(batchId: null).History[0].Detail);
    }

    [Fact]
    public void A_record_written_with_its_acceptance_entry_spelled_out_equals_the_compact_one()
    {
        var compact = Accepted();
        var spelledOut = new JobRecord
        {
            Id = "j1",
            Spec = compact.Spec,
            BatchId = "b1",
            Status = JobStatus.Pending,
            CreatedAt = T0,
            History = [new HistoryEntry(T0, HistoryEvents.Accepted, null, null, "batch b1")],
        };
        var read = JsonSerializer.Deserialize<JobRecord>(JsonSerializer.Serialize(compact, JobsSerializer.Options), JobsSerializer.Options);

        Assert.Equal(compact, spelledOut);
        Assert.Equal(compact.GetHashCode(), spelledOut.GetHashCode());
        // (records read from JSON hold their own lists, so they compare by what they say)
        Assert.Equal(JsonSerializer.Serialize(compact, JobsSerializer.Options), JsonSerializer.Serialize(read, JobsSerializer.Options));
        Assert.Equal(compact.History, read!.History);
    }

    [Fact]
    public void A_job_waiting_for_dependencies_keeps_the_entry_that_says_so()
    {
        var job = Accepted("b1", "a", "b");

        Assert.Equal("batch b1; waiting for 2 dependencies", Assert.Single(job.History).Detail);
    }

    [Fact]
    public void Later_entries_follow_the_acceptance_and_run_fields_read_back_as_set()
    {
        var (state, _) = PartitionState.Empty.Apply(new JobAccepted("j1", Spec, null, T0));
        var (_, started) = state.Apply(new JobAttemptStarted("j1", 1, "n:1", T0.AddSeconds(1)));

        Assert.Equal([HistoryEvents.Accepted, HistoryEvents.Started], started!.History.Select(h => h.Event));
        Assert.Equal((T0.AddSeconds(1), "n:1"), (started.StartedAt!.Value, started.Node!));
        var failed = started with { Error = new JobError(FailureKind.Permanent, "bad"), CompletedAt = T0.AddSeconds(2), Result = "1" };
        Assert.Equal((T0.AddSeconds(1), T0.AddSeconds(2), "n:1", "1", "bad"),
            (failed.StartedAt!.Value, failed.CompletedAt!.Value, failed.Node!, failed.Result!, failed.Error!.Message));
        // clearing every run field gives back a record equal to one that never ran
        var cleared = failed with { StartedAt = null, CompletedAt = null, Node = null, Result = null, Error = null, History = state.Jobs["j1"].History };
        Assert.Equal(state.Jobs["j1"] with { Status = JobStatus.Running, Attempts = 1 }, cleared);
    }
}
