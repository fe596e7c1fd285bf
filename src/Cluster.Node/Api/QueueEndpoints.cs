using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Jobs.Actors.Observability;
using Jobs.Actors.Queues;
using Jobs.Actors.Settings;
using Jobs.Messages;
using Jobs.Node.Api.Schemas;

namespace Jobs.Node.Api;

/// <summary>
/// /api/queues (docs/api.md, admin): each queue's pending and running jobs across the cluster and whether it is
/// paused; pause and resume through the switch board (<see cref="QueueSwitchBoard"/>), answered once every
/// reachable node's gate holds the change.
/// </summary>
public static class QueueEndpoints
{
    /// <summary>How long a pause or resume waits for each reachable node to confirm its gate holds the change.</summary>
    public static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(3);

    public static void MapQueueEndpoints(this IEndpointRouteBuilder app)
    {
        var queues = app.MapGroup("/api/queues").WithTags("queues");
        queues.MapGet("", List).WithName("listQueues").WithSummary("Each queue: pending and running jobs across the cluster, paused or not")
            .Produces<QueueList>().ProducesProblems(503);
        queues.MapPost("/{queue}/pause", (string queue, ActorRegistry registry, ActorSystem system, JobsOptions options, CancellationToken ct) =>
                Switch(queue, new PauseQueue(queue), registry, system, options, ct))
            .WithName("pauseQueue").WithSummary("Start none of the queue's jobs on any node (they are still accepted; running ones finish)")
            .Produces<QueueSwitched>().ProducesProblems(404, 503);
        queues.MapPost("/{queue}/resume", (string queue, ActorRegistry registry, ActorSystem system, JobsOptions options, CancellationToken ct) =>
                Switch(queue, new ResumeQueue(queue), registry, system, options, ct))
            .WithName("resumeQueue").WithSummary("Start the queue's jobs again")
            .Produces<QueueSwitched>().ProducesProblems(404, 503);
        queues.MapPut("/{queue}/limits", (string queue, HttpRequest request, ActorRegistry registry, JobsOptions options, CancellationToken ct) =>
                Known(queue, options) is { } unknown ? Task.FromResult(unknown) : LimitEndpoints.SetAsync(LimitKeys.OfQueue(queue), request, registry, ct))
            .WithName("putQueueLimits").WithSummary("Limits for the queue's jobs that name no limitKey of their own (as PUT /api/limits/{key})")
            .Accepts<LimitSubmission>("application/json")
            .Produces<LimitView>().ProducesProblems(400, 404, 409, 413, 415, 503);
        queues.MapDelete("/{queue}/limits", (string queue, ActorRegistry registry, JobsOptions options, CancellationToken ct) =>
                Known(queue, options) is { } unknown ? Task.FromResult(unknown) : LimitEndpoints.DeleteAsync(LimitKeys.OfQueue(queue), registry, ct))
            .WithName("deleteQueueLimits").WithSummary("Remove the queue's limits")
            .Produces(StatusCodes.Status204NoContent).ProducesProblems(404, 503);
    }

    private static async Task<IResult> List(ActorRegistry registry, JobsOptions options, CancellationToken ct)
    {
        var board = await registry.GetAsync<QueueSwitchRegion>(ct);
        var switches = await board.Ask<QueueSwitches>(GetQueueSwitches.Instance, ClusterEndpoints.AskTimeout, ct);
        var stats = await (await registry.GetAsync<NodeStatsView>(ct)).Ask<NodeStatsList>(GetNodeStats.Instance, ClusterEndpoints.AskTimeout, ct);
        var depths = stats.Nodes.Where(n => !n.Stale).SelectMany(n => n.Stats.Pending).ToArray();
        var limits = await Task.WhenAll(options.Partitions.AllQueues.Select(q => LimitEndpoints.FindAsync(LimitKeys.OfQueue(q), registry, ct)));
        var items = options.Partitions.AllQueues.Select((q, i) => new QueueSummary(q,
            depths.Where(d => d.Queue == q).Sum(d => d.Pending),
            depths.Where(d => d.Queue == q).Sum(d => d.Running),
            switches.Paused.Contains(q),
            q == PartitionLayout.DefaultQueue ? options.Partitions.Layout.Partitions : options.Partitions.Layout.QueuePartitions,
            limits[i])).ToArray();
        return Results.Json(new QueueList(items, switches.Version), ApiJson.Options);
    }

    /// <summary>A 404 for a queue that is not configured; null for a known one.</summary>
    private static IResult? Known(string queue, JobsOptions options) =>
        options.Partitions.AllQueues.Contains(queue, StringComparer.Ordinal) ? null
        : Problems.NotFound($"no queue '{queue}'; queues: {string.Join(", ", options.Partitions.AllQueues)}");

    private static async Task<IResult> Switch(string queue, object command, ActorRegistry registry, ActorSystem system, JobsOptions options, CancellationToken ct)
    {
        if (Known(queue, options) is { } unknown) return unknown;
        var board = await registry.GetAsync<QueueSwitchRegion>(ct);
        var switches = await board.Ask<QueueSwitches>(command, ClusterEndpoints.AskTimeout, ct);
        var cluster = Cluster.Get(system);
        var members = cluster.State.Members.Where(m => m.Status == MemberStatus.Up && !cluster.State.Unreachable.Contains(m)).ToArray();
        var answers = await Task.WhenAll(members.Select(async m =>
        {
            try
            {
                await system.ActorSelection(new RootActorPath(m.Address) / "user" / QueueSwitchesFeed.Name)
                    .Ask<QueueSwitches>(new ConfirmQueueSwitches(switches.Version), ConfirmTimeout, ct);
                return (m.Address.ToString(), true);
            }
            catch (AskTimeoutException)
            {
                return (m.Address.ToString(), false);
            }
        }));
        return Results.Json(new QueueSwitched(queue, switches.Paused.Contains(queue), switches.Version,
            answers.Where(a => a.Item2).Select(a => a.Item1).ToArray(), answers.Where(a => !a.Item2).Select(a => a.Item1).ToArray()), ApiJson.Options);
    }
}
