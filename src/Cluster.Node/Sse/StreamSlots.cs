using Jobs.Actors.Settings;
using Jobs.Node.Security;

namespace Jobs.Node;

/// <summary>
/// The event streams a node holds open: at most <see cref="ApiOptions.SseStreamsPerKey"/> per key
/// (keys of the same tenant and role count together, as does every keyless loopback caller) and
/// <see cref="ApiOptions.SseStreamsPerNode"/> in all, so that no key can tie up the node's
/// connections and subscriptions.
/// </summary>
public sealed class StreamSlots(JobsOptions options)
{
    /// <summary>What a refused stream is told to wait before it tries again.</summary>
    public const int RetryAfterSeconds = 5;

    private readonly Lock _lock = new();
    private readonly Dictionary<ApiPrincipal, int> _perKey = [];
    private int _total;

    /// <summary>A slot for the caller's stream (dispose it when the stream ends), or null and why not.</summary>
    public (IDisposable? Slot, string? Refusal) TryTake(ApiPrincipal caller)
    {
        lock (_lock)
        {
            var mine = _perKey.GetValueOrDefault(caller);
            if (mine >= options.Api.SseStreamsPerKey)
                return (null, $"this key has {mine} event streams open, the most one key may hold (JOBS_SSE_STREAMS_PER_KEY); close one and retry");
            if (_total >= options.Api.SseStreamsPerNode)
                return (null, $"this node has {_total} event streams open, the most it holds (JOBS_SSE_STREAMS_PER_NODE); retry shortly or poll GET /api/jobs/{{id}}");
            _perKey[caller] = mine + 1;
            _total++;
            return (new Slot(this, caller), null);
        }
    }

    private void Release(ApiPrincipal caller)
    {
        lock (_lock)
        {
            _total--;
            if (--_perKey[caller] == 0) _perKey.Remove(caller);
        }
    }

    private sealed class Slot(StreamSlots slots, ApiPrincipal caller) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release(caller);
        }
    }
}
