using Jobs.Actors.Hosting;
using Jobs.Node.Security;

namespace Jobs.Node.Api;

/// <summary>
/// What <c>dependsOn</c> may name: an existing job the caller sees. Another tenant's job is answered
/// exactly like a missing one ("not a job"), so the check does not tell whether it exists. In a
/// batch a job may also name another job of the same batch, never itself, and the batch's jobs may
/// not wait for each other in a cycle.
/// </summary>
public sealed class DependencyCheck(JobClient client, ApiPrincipal caller)
{
    private readonly Dictionary<string, bool> _visible = new(StringComparer.Ordinal);

    /// <summary>Throws a 400 <see cref="RequestException"/> at the first dependency that is not a job the caller sees.</summary>
    public async Task RequireJobsAsync(IReadOnlyList<string> dependsOn, string fieldPrefix, CancellationToken ct)
    {
        for (var i = 0; i < dependsOn.Count; i++)
            if (!await VisibleAsync(dependsOn[i], ct))
                throw new RequestException(400, $"dependsOn names '{dependsOn[i]}', which is not a job", $"{fieldPrefix}dependsOn[{i}]");
    }

    /// <summary>
    /// The batch's jobs (stored under <paramref name="ids"/>, index for index): each dependency is a job
    /// of the batch other than the job itself, or a job the caller sees; and no cycle among the batch's jobs.
    /// </summary>
    public async Task RequireBatchAsync(IReadOnlyList<IReadOnlyList<string>> dependsOn, IReadOnlyList<string> ids, CancellationToken ct)
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var j = 0; j < ids.Count; j++) index.TryAdd(ids[j], j);
        var edges = new List<int>[ids.Count];
        for (var j = 0; j < ids.Count; j++)
        {
            edges[j] = [];
            var external = new List<string>();
            for (var k = 0; k < dependsOn[j].Count; k++)
            {
                var dep = dependsOn[j][k];
                if (!index.TryGetValue(dep, out var target))
                {
                    if (!await VisibleAsync(dep, ct))
                        throw new RequestException(400, $"dependsOn names '{dep}', which is not a job", $"jobs[{j}].dependsOn[{k}]");
                    continue;
                }
                if (target == j)
                    throw new RequestException(400, $"jobs[{j}].dependsOn[{k}] names the job itself ('{dep}'); a job cannot wait for itself", $"jobs[{j}].dependsOn[{k}]");
                edges[j].Add(target);
            }
        }
        if (Cycle(edges) is { } cycle)
            throw new RequestException(400,
                $"the batch's jobs wait for each other in a cycle ({string.Join(" → ", cycle.Select(j => $"jobs[{j}]"))}); remove one of these dependencies", $"jobs[{cycle[0]}].dependsOn");
    }

    private async Task<bool> VisibleAsync(string id, CancellationToken ct)
    {
        if (_visible.TryGetValue(id, out var seen)) return seen;
        var visible = await client.GetAsync(id, ct) is { } job && caller.Sees(job.Tenant);
        _visible[id] = visible;
        return visible;
    }

    /// <summary>A cycle (first job repeated at the end) if the graph has one: iterative depth-first search, so 10,000 jobs in a chain do not overflow the stack.</summary>
    private static List<int>? Cycle(List<int>[] edges)
    {
        var state = new byte[edges.Length]; // 0 unvisited, 1 on the path, 2 done
        var parent = new int[edges.Length];
        for (var start = 0; start < edges.Length; start++)
        {
            if (state[start] != 0) continue;
            var stack = new Stack<(int Node, int Next)>();
            stack.Push((start, 0));
            state[start] = 1;
            while (stack.Count > 0)
            {
                var (node, next) = stack.Pop();
                if (next == edges[node].Count)
                {
                    state[node] = 2;
                    continue;
                }
                stack.Push((node, next + 1));
                var to = edges[node][next];
                if (state[to] == 1)
                {
                    var cycle = new List<int> { to };
                    for (var n = node; n != to; n = parent[n]) cycle.Add(n);
                    cycle.Add(to);
                    cycle.Reverse();
                    return cycle;
                }
                if (state[to] != 0) continue;
                parent[to] = node;
                state[to] = 1;
                stack.Push((to, 0));
            }
        }
        return null;
    }
}
