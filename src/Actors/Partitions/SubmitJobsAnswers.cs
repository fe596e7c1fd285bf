using Akka.Actor;
using Jobs.Messages;

namespace Jobs.Actors.Partitions;

/// <summary>
/// Collects the answers to the jobs of one <see cref="SubmitJobs"/> (a batch's jobs of a partition,
/// or single submissions sent together) and sends one <see cref="JobsSubmitted"/> once every job
/// is durable or refused.
/// </summary>
public sealed class SubmitJobsAnswers(SubmitJobs command, IActorRef sender)
{
    private readonly bool[] _created = new bool[command.Jobs.Count];
    private readonly string?[] _rejected = new string?[command.Jobs.Count];
    private readonly JobView?[]? _views = command.WithViews ? new JobView?[command.Jobs.Count] : null;
    private int _open = command.Jobs.Count;

    public void SendEmpty() => sender.Tell(new JobsSubmitted([], [], []) { Views = _views });

    /// <summary>The answer to the job at <paramref name="index"/>.</summary>
    public void Answer(int index, IJobReply reply)
    {
        if (reply is JobSubmitted s)
        {
            _created[index] = s.Created;
            if (_views is not null) _views[index] = s.View;
        }
        else _rejected[index] = reply is JobRejected r ? r.Reason : reply.GetType().Name;
        if (--_open == 0)
            sender.Tell(new JobsSubmitted(command.Jobs.Select(j => j.JobId).ToArray(), _created, _rejected) { Views = _views });
    }
}
