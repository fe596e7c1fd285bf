using Akka.Actor;
using Jobs.Actors.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Jobs.Actors.Memory;

/// <summary>
/// Samples the process's allocations every <see cref="HeapTrimRule.Interval"/> and, when the
/// <see cref="HeapTrimRule"/> says the node went quiet after a burst, runs one aggressive,
/// compacting full collection (a pause of tens of milliseconds, only when quiet) so the heap
/// the burst committed goes back to the OS. JOBS_HEAP_TRIM_AFTER_MB=0 switches it off.
/// </summary>
public sealed class HeapTrimmer(HeapTrimRule rule, IServiceProvider services, ILogger<HeapTrimmer> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!rule.Enabled) return;
        using var timer = new PeriodicTimer(HeapTrimRule.Interval);
        var lastTrim = GC.GetTotalAllocatedBytes();
        var lastSample = lastTrim;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = GC.GetTotalAllocatedBytes();
                if (rule.ShouldTrim(now - lastTrim, now - lastSample))
                {
                    var before = Environment.WorkingSet;
                    var sw = System.Diagnostics.Stopwatch.StartNew();
                    GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                    var after = Environment.WorkingSet;
                    JobMetrics.Get(services.GetRequiredService<ActorSystem>()).RecordHeapTrim();
                    log.LogInformation("heap trim after {AllocatedMiB} MiB allocated: working set {BeforeMiB} MiB -> {AfterMiB} MiB in {Ms} ms",
                        (now - lastTrim) >> 20, before >> 20, after >> 20, sw.ElapsedMilliseconds);
                    now = GC.GetTotalAllocatedBytes();
                    lastTrim = now;
                }
                lastSample = now;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
