using System.Text.Json;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Jobs.Actors.Hosting;
using Jobs.Actors.Settings;
using Jobs.Messages;
using Jobs.Node.Api;
using Jobs.Node.Security;

namespace Jobs.Node;

/// <summary>
/// GET /api/jobs/{id}/events: subscribes to the job's partition topic first, then replays the
/// job's history, then streams live events (deduplicated by history index) until a terminal one.
/// </summary>
public static class JobEventStream
{
    /// <summary>How long a stream waits for its DistributedPubSub subscription before it gives up.</summary>
    public static readonly TimeSpan SubscribeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Events a slow client may fall behind by; beyond it the oldest are dropped (the stream never blocks the node).</summary>
    public const int BufferedEvents = 1024;

    /// <summary>A comment line this often keeps proxies from closing an idle stream.</summary>
    public static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    public static async Task Stream(string id, HttpContext http, JobClient client, ActorSystem system, JobsOptions options, StreamSlots slots)
    {
        var ct = http.RequestAborted;
        if (!await JobEndpoints.Visible(http, client, id, ct))
        {
            await Problems.NotFound($"no job '{id}'").ExecuteAsync(http);
            return;
        }
        var (slot, refusal) = slots.TryTake(http.Principal());
        if (slot is null)
        {
            await new RetryAfter(Problems.Of(StatusCodes.Status429TooManyRequests, "Too many requests", refusal!), StreamSlots.RetryAfterSeconds).ExecuteAsync(http);
            return;
        }
        using var held = slot;

        var channel = Channel.CreateBounded<JobEventPublished>(new BoundedChannelOptions(BufferedEvents) { FullMode = BoundedChannelFullMode.DropOldest });
        var subscribed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var topic = Topics.ForPartition(options.Partitions.Layout.PartitionOf(id));
        var subscriber = system.ActorOf(Props.Create(() => new Subscriber(topic, id, channel.Writer, subscribed)));
        try
        {
            await subscribed.Task.WaitAsync(SubscribeTimeout, ct);
            http.Response.Headers.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache";
            http.Response.Headers["X-Accel-Buffering"] = "no";

            var view = await client.GetAsync(id, ct);
            var lastSeq = -1;
            if (view is not null)
            {
                for (var i = 0; i < view.History.Count; i++)
                    await Write(http, new JobEventPublished(id, i, view.History[i], view.Status, view.Progress), ct);
                lastSeq = view.History.Count - 1;
                if (view.IsTerminal) return;
            }
            await http.Response.Body.FlushAsync(ct);

            using var keepAlive = new PeriodicTimer(KeepAliveInterval);
            var next = channel.Reader.ReadAsync(ct).AsTask();
            var tick = keepAlive.WaitForNextTickAsync(ct).AsTask();
            while (true)
            {
                var done = await Task.WhenAny(next, tick);
                if (done == tick)
                {
                    await http.Response.WriteAsync(": keep-alive\n\n", ct);
                    await http.Response.Body.FlushAsync(ct);
                    tick = keepAlive.WaitForNextTickAsync(ct).AsTask();
                    continue;
                }
                var e = await next;
                if (e.Seq < 0 || e.Seq > lastSeq)
                {
                    await Write(http, e, ct);
                    if (e.Seq > lastSeq) lastSeq = e.Seq;
                    if (e.IsTerminal && e.Seq >= 0) return;
                }
                next = channel.Reader.ReadAsync(ct).AsTask();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // client went away
        }
        finally
        {
            system.Stop(subscriber);
        }
    }

    private static async Task Write(HttpContext http, JobEventPublished e, CancellationToken ct)
    {
        var data = JsonSerializer.Serialize(new
        {
            jobId = e.JobId,
            seq = e.Seq,
            at = e.Entry.At,
            @event = e.Entry.Event,
            attempt = e.Entry.Attempt,
            node = e.Entry.Node,
            detail = e.Entry.Detail,
            status = e.Status,
            progress = e.Progress,
        }, ApiJson.Options);
        var idLine = e.Seq >= 0 ? $"id: {e.Seq}\n" : "";
        await http.Response.WriteAsync($"{idLine}event: {e.Entry.Event}\ndata: {data}\n\n", ct);
        await http.Response.Body.FlushAsync(ct);
    }

    private sealed class Subscriber : ReceiveActor
    {
        public Subscriber(string topic, string jobId, ChannelWriter<JobEventPublished> writer, TaskCompletionSource subscribed)
        {
            var mediator = DistributedPubSub.Get(Context.System).Mediator;
            mediator.Tell(new Subscribe(topic, Self));
            Receive<SubscribeAck>(_ => subscribed.TrySetResult());
            Receive<JobEventPublished>(e =>
            {
                if (e.JobId == jobId) writer.TryWrite(e);
            });
        }
    }
}
