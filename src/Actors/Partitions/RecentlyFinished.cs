using Jobs.Messages;

namespace Jobs.Actors.Partitions;

/// <summary>
/// The views of the jobs that most recently left a partition's memory (completed, cancelled,
/// purged), oldest dropped first: a job just finished is still answered by its partition, and a
/// command on it is a conflict, not "unknown", without asking the read model.
/// </summary>
public sealed class RecentlyFinished(int capacity)
{
    private readonly Dictionary<string, JobView> _views = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    /// <summary>The job's last view, unless its retention has run out at <paramref name="now"/>.</summary>
    public JobView? Find(string jobId, DateTimeOffset now) =>
        _views.GetValueOrDefault(jobId) is { } v && !(v.ExpiresAt is { } at && at <= now) ? v : null;

    /// <summary>Expired jobs (<see cref="JobsExpired"/>): never answered again.</summary>
    public void Forget(IEnumerable<string> jobIds)
    {
        foreach (var id in jobIds) _views.Remove(id); // their slot in the order is dropped when it comes up
    }

    public void Remember(JobView view)
    {
        if (_views.TryAdd(view.Id, view)) _order.Enqueue(view.Id);
        else _views[view.Id] = view;
        while (_order.Count > capacity) _views.Remove(_order.Dequeue());
    }
}
