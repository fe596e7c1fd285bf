using Jobs.Actors.Partitions;
using Jobs.Actors.ReadModel;
using Jobs.Messages;
using Xunit;

namespace Jobs.Tests.ReadModel;

/// <summary>Read-your-writes: how a node's recent jobs merge with the read model's page (LiveJobs, LiveJobIndex).</summary>
public sealed class LiveJobsTests
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_job_only_a_node_knows_is_listed_at_its_place_with_the_read_models_rows()
    {
        var sql = Page(null, Accepted("a", 1), Accepted("b", 2));
        var page = List(new JobQuery(), sql, Accepted("c", 3));
        Assert.Equal(["c", "b", "a"], page.Items.Select(v => v.Id));
        Assert.Null(page.NextCursor);
    }

    [Fact]
    public void A_newer_state_replaces_the_row_and_a_row_whose_newer_state_no_longer_matches_is_dropped()
    {
        var a = Accepted("a", 1);
        var b = Accepted("b", 2);
        var aDone = Then(a, new JobAttemptStarted("a", 1, "n", T0), new JobCompleted("a", 1, "42", T0.AddSeconds(5)));

        var all = List(new JobQuery(), Page(null, a, b), aDone);
        Assert.Equal(["b", "a"], all.Items.Select(v => v.Id));
        Assert.Equal(JobStatus.Completed, all.Items[1].Status);

        var pending = List(new JobQuery { Status = JobStatus.Pending }, Page(null, a, b), aDone);
        Assert.Equal(["b"], pending.Items.Select(v => v.Id));
    }

    [Fact]
    public void Of_two_states_of_a_job_the_one_with_the_longer_history_wins()
    {
        var a = Accepted("a", 1);
        var running = Then(a, new JobAttemptStarted("a", 1, "n", T0));
        var done = Then(running, new JobCompleted("a", 1, "1", T0));
        // two nodes (a partition that moved): the newer one counts
        var twoNodes = Merge(new JobQuery(), Page(null), [Found(running), Found(done)]);
        Assert.Equal(JobStatus.Completed, Assert.Single(twoNodes.Items).Status);
        // the read model already has a newer state than a node: the row stays
        var behind = List(new JobQuery(), Page(null, done), running);
        Assert.Equal(JobStatus.Completed, Assert.Single(behind.Items).Status);
    }

    [Fact]
    public void A_search_and_a_time_range_list_exactly_the_live_jobs_the_read_model_would()
    {
        var withMeta = PartitionState.Empty.Apply(new JobAccepted("x-1", new JobSpec { Type = "noop", Metadata = """{"order":"o-17","n":3,"deep":{"order":"o-18"}}""" },
            null, T0.AddSeconds(5))).Job!;
        var live = new[] { Accepted("ab-1", 1), Accepted("ab-2", 2), Accepted("abc", 3), Accepted("b-ab", 4), withMeta };
        Assert.Equal(["ab-2", "ab-1"], List(new JobQuery { Search = "ab-" }, Page(null), live).Items.Select(v => v.Id));
        Assert.Equal(["x-1"], List(new JobQuery { Search = "o-17" }, Page(null), live).Items.Select(v => v.Id));
        Assert.Equal(["x-1"], List(new JobQuery { Search = "3" }, Page(null), live).Items.Select(v => v.Id));
        Assert.Empty(List(new JobQuery { Search = "o-18" }, Page(null), live).Items); // nested values are not searchable
        Assert.Equal(["b-ab", "abc"], List(new JobQuery { CreatedFrom = T0.AddSeconds(3), CreatedTo = T0.AddSeconds(5) }, Page(null), live).Items.Select(v => v.Id));
        Assert.Equal(["abc"], List(new JobQuery { Search = "abc", CreatedTo = T0.AddSeconds(4) }, Page(null), live).Items.Select(v => v.Id));
    }

    [Fact]
    public void The_dead_letter_list_shows_a_failed_job_at_once_and_not_once_it_is_purged()
    {
        var failed = Then(Accepted("f", 1), new JobAttemptStarted("f", 1, "n", T0),
            new JobAttemptFailed("f", 1, FailureKind.Permanent, "bad", T0), new JobDeadLettered("f", FailureKind.Permanent, "bad", T0.AddSeconds(9)));
        var dlq = new JobQuery { DeadLettersOnly = true };
        Assert.Equal(["f"], List(dlq, Page(null), failed).Items.Select(v => v.Id));
        var purged = Then(failed, new JobPurged("f", T0.AddSeconds(10)));
        Assert.Empty(List(dlq, Page(null, failed), purged).Items);
    }

    [Fact]
    public void A_scheduled_job_whose_time_has_come_is_listed_as_pending()
    {
        var due = Accepted("s", 1, runAt: T0.AddSeconds(-1));
        var page = List(new JobQuery { Status = JobStatus.Pending }, Page(null), due);
        Assert.Equal(JobStatus.Pending, Assert.Single(page.Items).Status);
        Assert.Empty(List(new JobQuery { Status = JobStatus.Scheduled }, Page(null), due).Items);
    }

    [Fact]
    public void Filters_apply_to_the_live_jobs_as_to_the_rows()
    {
        var other = Accepted("t", 1, tenant: "acme");
        Assert.Empty(List(new JobQuery { Tenant = "default" }, Page(null), other).Items);
        Assert.Empty(List(new JobQuery { Type = "script" }, Page(null), other).Items);
        Assert.Single(List(new JobQuery { Tenant = "acme", Type = "noop" }, Page(null), other).Items);
        Assert.Empty(List(new JobQuery { ScheduleId = "nightly" }, Page(null), other).Items);
        var ticked = PartitionState.Empty.Apply(new JobAccepted("s", new JobSpec { Type = "noop", ScheduleId = "nightly" }, null, T0)).Job!;
        Assert.Single(List(new JobQuery { ScheduleId = "nightly" }, Page(null), ticked).Items);
    }

    /// <summary>Paging through read-model rows and live jobs (new, newer, no longer matching) lists every matching job exactly once.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Pages_under_a_cursor_list_every_job_once(int seed)
    {
        var random = new Random(seed);
        var rows = new List<JobRecord>();
        var live = new List<JobRecord>();
        for (var i = 0; i < 40; i++)
        {
            var job = Accepted($"j{i:00}", random.Next(1, 30)); // equal creation times too
            switch (random.Next(4))
            {
                case 0: live.Add(job); break; // not projected yet
                case 1: rows.Add(job); live.Add(Then(job, new JobCancelled(job.Id, FailureKind.Cancelled, "x", T0))); break; // newer, no longer pending
                default: rows.Add(job); break;
            }
        }
        var query = new JobQuery { Status = JobStatus.Pending, Limit = 3 };
        var listed = new List<string>();
        string? cursor = null;
        for (var pages = 0; pages < 100; pages++)
        {
            var q = query with { Cursor = cursor };
            var page = List(q, SqlPage(rows, q), [.. live]);
            listed.AddRange(page.Items.Select(v => v.Id));
            cursor = page.NextCursor;
            if (cursor is null) break;
        }
        var expected = rows.Select(r => r.Id).Concat(live.Where(j => j.Status == JobStatus.Pending).Select(j => j.Id))
            .Except(live.Where(j => j.Status != JobStatus.Pending).Select(j => j.Id)).Distinct().Order();
        Assert.Equal(expected, listed.Order());
        Assert.Equal(listed.Count, listed.Distinct().Count());
    }

    [Fact]
    public void Batch_counts_move_each_live_job_from_its_read_model_status_to_its_live_one()
    {
        var sql = new Dictionary<JobStatus, int> { [JobStatus.Pending] = 3 };
        var live = new Dictionary<string, JobStatus> { ["a"] = JobStatus.Completed, ["x"] = JobStatus.Pending };
        var counts = LiveJobs.Counts(sql, live, new Dictionary<string, JobStatus> { ["a"] = JobStatus.Pending });
        Assert.Equal(3, counts[JobStatus.Pending]);
        Assert.Equal(1, counts[JobStatus.Completed]);
        var none = LiveJobs.Counts(new Dictionary<JobStatus, int>(), new Dictionary<string, JobStatus> { ["a"] = JobStatus.Failed }, new Dictionary<string, JobStatus>());
        Assert.Equal(1, none[JobStatus.Failed]);
    }

    [Fact]
    public void A_node_answers_statuses_only_for_counts_and_the_asked_ids_it_knows()
    {
        var a = Accepted("a", 1, batch: "b1");
        var c = Accepted("c", 2);
        var counts = LiveJobs.Answer(LiveJobs.BatchStatuses("b1", "default"), [a, c], _ => null);
        Assert.Equal([new LiveJobStatus("a", JobStatus.Pending)], counts.Statuses);
        Assert.Empty(counts.Matching);
        var q = new LiveJobsQuery { Query = new JobQuery { Status = JobStatus.Running }, Now = T0, Ids = ["c", "zz"] };
        var answer = LiveJobs.Answer(q, [a, c], id => id == "c" ? c : null);
        Assert.Empty(answer.Matching);
        Assert.Equal(["c"], answer.Known.Select(j => j.Id));
    }

    [Fact]
    public void The_index_keeps_a_job_for_its_window_and_at_most_its_count_and_forgets_a_stopped_partitions_jobs()
    {
        long now = 0;
        var index = new LiveJobIndex(() => now, TimeSpan.FromSeconds(10), maxRecords: 3);
        index.Record(1, Accepted("a", 1));
        index.Record(2, Accepted("b", 2));
        now = 6_000;
        index.Record(1, Then(Accepted("a", 1), new JobAttemptStarted("a", 1, "n", T0))); // a again: its window starts over
        now = 11_000;
        index.Trim();
        Assert.Equal(["a"], index.Jobs().Select(j => j.Id));
        Assert.Equal(JobStatus.Running, index.Find("a")!.Status);

        index.Record(3, Accepted("c", 3));
        index.Record(3, Accepted("d", 4));
        index.Record(3, Accepted("e", 5));
        Assert.Equal(3, index.Count);
        Assert.Null(index.Find("a")); // the least recently recorded went first

        index.Forget(3);
        Assert.Equal(0, index.Count);
        now = 100_000;
        Assert.Empty(index.Jobs());
    }

    private static JobRecord Accepted(string id, int second, DateTimeOffset? runAt = null, string tenant = "default", string? batch = null) =>
        PartitionState.Empty.Apply(new JobAccepted(id, new JobSpec { Type = "noop", Tenant = tenant, RunAt = runAt }, batch, T0.AddSeconds(second))).Job!;

    private static JobRecord Then(JobRecord job, params IJobEvent[] events)
    {
        var state = PartitionState.Empty with { Jobs = PartitionState.Empty.Jobs.Add(job.Id, job) };
        var last = job;
        foreach (var e in events)
        {
            var (after, changed) = state.Apply(e);
            last = changed!;
            // a job that left partition memory (completed) still takes the next event here
            state = after.Jobs.ContainsKey(last.Id) ? after : after with { Jobs = after.Jobs.SetItem(last.Id, last) };
        }
        return last;
    }

    private static LiveJobsFound Found(params JobRecord[] jobs) => new(jobs, jobs);

    private static JobPage Page(string? next, params JobRecord[] rows) =>
        new(rows.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id, StringComparer.Ordinal).Select(r => JobViews.Listed(r, T0)).ToArray(), next);

    private static JobPage List(JobQuery q, JobPage sql, params JobRecord[] live) => Merge(q, sql, [Found(live)]);

    private static JobPage Merge(JobQuery q, JobPage sql, IEnumerable<LiveJobsFound> found)
    {
        var asked = LiveJobs.Query(q, T0, sql);
        // what each node would answer to this query
        var answers = found.Select(f => LiveJobs.Answer(asked, f.Matching, id => f.Known.FirstOrDefault(j => j.Id == id))).ToArray();
        return LiveJobs.Merge(asked, sql, answers);
    }

    /// <summary>The read model's page as SqlJobReadStore builds it: filtered, keyset below the cursor, one extra row for "more".</summary>
    private static JobPage SqlPage(IEnumerable<JobRecord> rows, JobQuery q)
    {
        var cursor = JobCursor.Decode(q.Cursor);
        var asked = LiveJobs.Query(q with { Cursor = null }, T0, new JobPage([], null));
        var matching = rows.Where(r => LiveJobs.Matches(asked, r))
            .Where(r => cursor is not { } c || r.CreatedAt.UtcTicks < c.Ticks || (r.CreatedAt.UtcTicks == c.Ticks && string.CompareOrdinal(r.Id, c.Id) < 0))
            .OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id, StringComparer.Ordinal).Take(q.Limit + 1).ToList();
        string? next = null;
        if (matching.Count > q.Limit)
        {
            matching.RemoveAt(matching.Count - 1);
            next = JobCursor.Encode(matching[^1].CreatedAt.UtcTicks, matching[^1].Id);
        }
        return new JobPage(matching.Select(r => JobViews.Listed(r, T0)).ToArray(), next);
    }
}
