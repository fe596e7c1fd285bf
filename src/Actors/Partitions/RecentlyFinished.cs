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

    public JobView? Find(string jobId) => _views.GetValueOrDefault(jobId);

    public void Remember(JobView view)
    {
        if (_views.TryAdd(view.Id, view)) _order.Enqueue(view.Id);
        else _views[view.Id] = view;
        while (_order.Count > capacity) _views.Remove(_order.Dequeue());
    }
}
