using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Jobs.Actors.Hosting;
using Jobs.Messages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Benchmarks. Today: end-to-end throughput of noop jobs on one node with the SQLite journal,
// submitted in-process through JobClient. Usage: dotnet run -c Release --project bench -- throughput [jobs]
var scenario = args.FirstOrDefault() ?? "throughput";
var jobs = args.Length > 1 ? int.Parse(args[1]) : 20_000;
if (scenario != "throughput")
{
    Console.Error.WriteLine("usage: bench throughput [jobs]");
    return 2;
}

var runs = new List<(double Submit, double EndToEnd)>();
for (var run = 0; run < 3; run++) runs.Add(await Throughput(jobs));

Console.WriteLine();
Console.WriteLine($"| scenario | system | metric | median | min | max |");
Console.WriteLine($"|---|---|---|---|---|---|");
Row("submit_jobs_per_s", runs.Select(r => r.Submit));
Row("jobs_per_s", runs.Select(r => r.EndToEnd));
return 0;

void Row(string metric, IEnumerable<double> values)
{
    var v = values.Order().ToArray();
    Console.WriteLine($"| throughput | jobs-sqlite-1node | {metric} | {v[v.Length / 2]:0} | {v[0]:0} | {v[^1]:0} |");
}

async Task<(double Submit, double EndToEnd)> Throughput(int count)
{
    var dir = Path.Combine(Path.GetTempPath(), "jobs-bench", Guid.NewGuid().ToString("N"));
    var options = new JobEngineOptions
    {
        DataDir = dir,
        ClusterHost = "127.0.0.1",
        ClusterPort = 0,
        Engine = new Jobs.Actors.Supervision.JobEngineSettings { Capacity = 64 },
    };
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.Services.AddJobEngine(options);
    using var host = builder.Build();
    await host.StartAsync();
    var client = host.Services.GetRequiredService<JobClient>();
    var system = host.Services.GetRequiredService<ActorSystem>();

    var completed = 0;
    var allDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    Action onCompleted = () =>
    {
        if (Interlocked.Increment(ref completed) == count) allDone.TrySetResult();
    };
    var counter = system.ActorOf(Props.Create(() => new CompletionCounter(onCompleted)));
    var mediator = DistributedPubSub.Get(system).Mediator;
    for (var p = 0; p < options.Engine.Partitions; p++)
        await mediator.Ask<SubscribeAck>(new Subscribe(Topics.ForPartition(p), counter), TimeSpan.FromSeconds(10));
    await client.SubmitAsync(new JobSpec { Type = "noop" }); // warm-up: sharding allocation, journal tables
    await Task.Delay(1000);
    Interlocked.Exchange(ref completed, 0);

    var sw = Stopwatch.StartNew();
    using var gate = new SemaphoreSlim(512);
    var submits = Enumerable.Range(0, count).Select(async _ =>
    {
        await gate.WaitAsync();
        try
        {
            await client.SubmitAsync(new JobSpec { Type = "noop" });
        }
        finally
        {
            gate.Release();
        }
    }).ToArray();
    await Task.WhenAll(submits);
    var submitSeconds = sw.Elapsed.TotalSeconds;
    await allDone.Task.WaitAsync(TimeSpan.FromMinutes(5));
    var total = sw.Elapsed.TotalSeconds;
    Console.WriteLine($"run: {count} jobs submitted in {submitSeconds:0.00}s, all completed in {total:0.00}s");
    await host.StopAsync();
    return (count / submitSeconds, count / total);
}

sealed class CompletionCounter : ReceiveActor
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
