using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Jobs.Actors.Attempts;
using Jobs.Actors.Hosting;
using Jobs.Actors.Partitions;
using Jobs.Actors.Settings;
using Jobs.Actors.Storage;
using Jobs.Handlers;
using Jobs.Handlers.BuiltIn;
using Jobs.Messages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Jobs.Bench.Scenarios;

/// <summary>Our engine hosted in this process (as a user's own host would), SQLite or PostgreSQL.</summary>
public sealed class InProcessEngine : IAsyncDisposable
{
    private readonly IHost _host;
    private int _completed;
    private int _target = int.MaxValue;
    private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Handler-start timestamps (Stopwatch ticks) of "stamp" jobs, by job id.</summary>
    public static ConcurrentDictionary<string, long> Started { get; } = new();

    private InProcessEngine(IHost host) => _host = host;

    public JobClient Client => _host.Services.GetRequiredService<JobClient>();

    public static async Task<InProcessEngine> StartAsync(string? postgres, int capacity = 64)
    {
        var options = new JobsOptions
        {
            Storage = new StorageOptions
            {
                DataDir = Path.Combine(Path.GetTempPath(), "jobs-bench", Guid.NewGuid().ToString("N")),
                Persistence = postgres is null ? StorageOptions.Sqlite : StorageOptions.Postgres,
                // BENCH_PG_EXTRA / BENCH_AKKA_HOCON: experiment knobs (extra Npgsql settings, HOCON over the node's)
                Db = postgres is null ? null : postgres + (Environment.GetEnvironmentVariable("BENCH_PG_EXTRA") is { Length: > 0 } extra ? ";" + extra : ""),
            },
            Cluster = new MembershipOptions { Host = "127.0.0.1", Port = 0, AkkaHocon = Environment.GetEnvironmentVariable("BENCH_AKKA_HOCON") },
            Node = new NodeOptions { Capacity = capacity },
        };
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddJobEngine(options, h => h.Add("stamp", () => new StampHandler()));
        var host = builder.Build();
        await host.StartAsync();
        var engine = new InProcessEngine(host);
        var system = host.Services.GetRequiredService<ActorSystem>();
        var counter = system.ActorOf(Props.Create(() => new CompletionCounter(engine.OnCompleted)));
        var mediator = DistributedPubSub.Get(system).Mediator;
        foreach (var p in options.Partitions.Layout.All)
            await mediator.Ask<SubscribeAck>(new Subscribe(Topics.ForPartition(p), counter), TimeSpan.FromSeconds(10));
        // warm-up: shard allocation, journal tables, JIT
        await engine.Client.SubmitAsync(new JobSpec { Type = "noop" });
        await Task.Delay(1000);
        return engine;
    }

    /// <summary>Resets the completion count; the task completes once <paramref name="count"/> jobs completed from now on.</summary>
    public Task ExpectCompletions(int count)
    {
        _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _completed, 0);
        _target = count;
        return _done.Task;
    }

    private void OnCompleted()
    {
        if (Interlocked.Increment(ref _completed) == _target) _done.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    private sealed class StampHandler : IJobHandler
    {
        public Task<object?> HandleAsync(JobContext context, CancellationToken cancellationToken)
        {
            Started.TryAdd(context.JobId, Stopwatch.GetTimestamp());
            return Task.FromResult<object?>(null);
        }
    }

    private sealed class CompletionCounter : ReceiveActor
    {
        public CompletionCounter(Action onCompleted)
        {
            Receive<JobEventPublished>(e =>
            {
                if (e.Entry.Event == HistoryEvents.Completed) onCompleted();
            });
            ReceiveAny(_ => { });
        }
    }
}
