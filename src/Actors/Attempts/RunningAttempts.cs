using Akka.Actor;
using Jobs.Actors.Placement;
using Jobs.Messages;

namespace Jobs.Actors.Attempts;

/// <summary>
/// A partition's running attempts: one <see cref="JobRunner"/> child per running job, watched, with
/// how its last failure was classified and its latest progress. Every slot it takes from the node's
/// gate is given back (<see cref="SlotReleased"/>) when the runner is forgotten.
/// </summary>
/// <param name="context">the owning partition's context: runners are its children.</param>
/// <param name="capacity">the node's gate, told when a slot frees.</param>
/// <param name="runnerProps">the runner of one attempt of a job.</param>
internal sealed class RunningAttempts(IActorContext context, IActorRef capacity, Func<JobRecord, int, Props> runnerProps)
{
    /// <summary>How an attempt failed, as the supervision strategy classified it.</summary>
    public readonly record struct Failure(int Attempt, FailureKind Kind, string Message, TimeSpan? RetryAfter);

    private readonly Dictionary<string, (IActorRef Runner, int Attempt, string Tenant)> _runners = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, string> _jobOfRunner = new();
    private readonly Dictionary<string, Failure> _failures = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JobProgress> _progress = new(StringComparer.Ordinal);

    public int Count => _runners.Count;

    public bool IsRunning(string jobId) => _runners.ContainsKey(jobId);

    public JobProgress? ProgressOf(string jobId) => _progress.GetValueOrDefault(jobId);

    /// <summary>Spawns and watches the attempt's runner; its slot was granted by the gate.</summary>
    public void Start(JobRecord job, int attempt)
    {
        var runner = context.ActorOf(runnerProps(job, attempt), $"{job.Id}-a{attempt}");
        context.Watch(runner);
        _runners[job.Id] = (runner, attempt, job.Spec.Tenant);
        _jobOfRunner[runner] = job.Id;
    }

    /// <summary>The supervision strategy's classification of a runner's failure, kept until the runner's Terminated arrives.</summary>
    public void Classified(string jobId, Failure failure) => _failures[jobId] = failure;

    /// <summary>The current attempt succeeded: its runner is stopped and forgotten. False for a stale report.</summary>
    public bool Succeeded(string jobId, int attempt)
    {
        if (!_runners.TryGetValue(jobId, out var r) || r.Attempt != attempt) return false;
        Forget(jobId, r.Runner, stop: true);
        return true;
    }

    /// <summary>
    /// A runner stopped (Terminated): its job, attempt and how it failed (the classification, or
    /// a transient "stopped unexpectedly" when none was made). Null for a runner already forgotten.
    /// </summary>
    public (string JobId, Failure Failure)? Stopped(IActorRef runner)
    {
        if (!_jobOfRunner.TryGetValue(runner, out var jobId)) return null;
        var attempt = _runners[jobId].Attempt;
        Forget(jobId, runner, stop: false);
        var failure = _failures.Remove(jobId, out var f) && f.Attempt == attempt
            ? f
            : new Failure(attempt, FailureKind.Transient, "the attempt's runner stopped unexpectedly", null);
        return (jobId, failure);
    }

    /// <summary>Asks the job's runner to cancel; false when the job has no runner (its start is still being journaled).</summary>
    public bool Cancel(string jobId)
    {
        if (!_runners.TryGetValue(jobId, out var r)) return false;
        r.Runner.Tell(CancelAttempt.Instance);
        return true;
    }

    /// <summary>Cancels and forgets every runner (a hand-off that timed out); returns the attempts that were running.</summary>
    public IReadOnlyList<(string JobId, int Attempt)> CancelAll()
    {
        var cancelled = new List<(string, int)>();
        foreach (var (jobId, (runner, attempt, _)) in _runners.ToArray())
        {
            runner.Tell(CancelAttempt.Instance);
            Forget(jobId, runner, stop: true);
            cancelled.Add((jobId, attempt));
        }
        return cancelled;
    }

    /// <summary>Keeps the progress of the current attempt; false for a stale report.</summary>
    public bool Progressed(ProgressUpdated m)
    {
        if (!_runners.TryGetValue(m.JobId, out var r) || r.Attempt != m.Attempt) return false;
        _progress[m.JobId] = m.Progress;
        return true;
    }

    /// <summary>The job left the partition's memory: nothing of its attempts is kept.</summary>
    public void Finished(string jobId)
    {
        _progress.Remove(jobId);
        _failures.Remove(jobId);
    }

    private void Forget(string jobId, IActorRef runner, bool stop)
    {
        _runners.Remove(jobId, out var r);
        _jobOfRunner.Remove(runner);
        context.Unwatch(runner);
        if (stop) context.Stop(runner);
        capacity.Tell(new SlotReleased(r.Tenant));
    }
}
