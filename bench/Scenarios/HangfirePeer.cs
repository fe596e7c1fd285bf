using System.Collections.Concurrent;
using System.Diagnostics;
using Hangfire;
using Hangfire.PostgreSql;

namespace Jobs.Bench.Scenarios;

/// <summary>
/// The peer: Hangfire 1.8 with Hangfire.PostgreSql on the same PostgreSQL server, client and
/// server in this process, with its fastest documented settings (long polling via LISTEN/NOTIFY,
/// 50 ms queue poll interval, sliding invisibility timeout).
/// </summary>
public sealed class HangfirePeer : IDisposable
{
    private static int _completed;
    private static long _lastCompletion;
    private static int _target = int.MaxValue;
    private static TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static ConcurrentDictionary<long, long> Started { get; } = new();

    private readonly BackgroundJobServer _server;

    public BackgroundJobClient Client { get; }

    private HangfirePeer(JobStorage storage, int workers)
    {
        Client = new BackgroundJobClient(storage);
        _server = new BackgroundJobServer(new BackgroundJobServerOptions { WorkerCount = workers, Queues = ["default"] }, storage);
    }

    public static HangfirePeer Start(string connectionString, int workers)
    {
        var options = new PostgreSqlStorageOptions
        {
            QueuePollInterval = TimeSpan.FromMilliseconds(50),
            EnableLongPolling = true,
            UseSlidingInvisibilityTimeout = true,
            PrepareSchemaIfNecessary = true,
        };
        GlobalConfiguration.Configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UsePostgreSqlStorage(o => o.UseNpgsqlConnection(connectionString), options);
        return new HangfirePeer(JobStorage.Current, workers);
    }

    public static Task ExpectCompletions(int count)
    {
        _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref _completed, 0);
        _target = count;
        return _done.Task;
    }

    public void Dispose() => _server.Dispose();

    /// <summary>Enqueues <paramref name="jobs"/> no-op jobs from 64 threads; returns how long the client took.</summary>
    public async Task<TimeSpan> EnqueueNoopsAsync(int jobs)
    {
        var sw = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, jobs), new ParallelOptions { MaxDegreeOfParallelism = 64 },
            (_, _) =>
            {
                Client.Enqueue(() => Noop());
                return ValueTask.CompletedTask;
            });
        return sw.Elapsed;
    }

    /// <summary>The no-op job Hangfire runs.</summary>
    public static void Noop()
    {
        Interlocked.Exchange(ref _lastCompletion, Stopwatch.GetTimestamp());
        if (Interlocked.Increment(ref _completed) == _target) _done.TrySetResult();
    }

    public static int Completed => Volatile.Read(ref _completed);

    /// <summary>
    /// Waits for the expected completions, or until none has come for <paramref name="stall"/>
    /// (seen here: with long polling a job can stay Enqueued for good). Returns the completions and
    /// the time of the last one.
    /// </summary>
    public static async Task<(int Completed, long LastTimestamp)> WaitAsync(Task done, TimeSpan stall)
    {
        while (!done.IsCompleted)
        {
            var last = Volatile.Read(ref _lastCompletion);
            await Task.WhenAny(done, Task.Delay(stall));
            if (!done.IsCompleted && Volatile.Read(ref _lastCompletion) == last)
            {
                Console.WriteLine($"  WARNING: Hangfire stalled with {Completed} of {_target} jobs completed; no completion for {stall.TotalSeconds:0} s (jobs left Enqueued)");
                break;
            }
        }
        return (Completed, Volatile.Read(ref _lastCompletion));
    }

    /// <summary>A job that records when its handler started (pickup latency).</summary>
    public static void Stamp(long id)
    {
        Started.TryAdd(id, Stopwatch.GetTimestamp());
        Noop();
    }
}
