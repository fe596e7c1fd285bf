using System.Diagnostics;
using System.Diagnostics.Metrics;
using Jobs.Actors.Observability;

namespace Jobs.Bench.Scenarios;

/// <summary>
/// Events journaled per second at peak, for the in-process engine: the engine counts each event as
/// its journal write is confirmed (<c>jobs.submitted</c>, <c>jobs.started</c>, <c>jobs.completed</c>
/// — a noop job's three events); this samples their sum every 100 ms and reports the largest
/// increase over any window of one second (ten samples). Issue 4 defines journal efficiency with
/// this rate; the sustained rate (jobs/s × 3 over the whole run) is reported beside it.
/// </summary>
public sealed class PeakEventRate : IDisposable
{
    private static readonly string[] Counted = ["jobs.submitted", "jobs.started", "jobs.completed"];
    private static readonly TimeSpan Sample = TimeSpan.FromMilliseconds(100);
    private const int SamplesPerWindow = 10;

    private readonly MeterListener _listener = new();
    private readonly List<(long Ticks, long Events)> _samples = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;
    private long _events;

    public PeakEventRate()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == JobMetrics.MeterName && Counted.Contains(instrument.Name)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref _events, value));
        _listener.Start();
        _sampler = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(Sample);
            do
            {
                lock (_samples) _samples.Add((Stopwatch.GetTimestamp(), Interlocked.Read(ref _events)));
            } while (await timer.WaitForNextTickAsync(_stop.Token).AsTask().ContinueWith(t => !t.IsCanceled && t.Result));
        });
    }

    /// <summary>The largest number of events per second over any one-second window sampled so far.</summary>
    public double PeakPerSecond()
    {
        lock (_samples)
        {
            var peak = 0.0;
            for (var i = SamplesPerWindow; i < _samples.Count; i++)
            {
                var (t0, e0) = _samples[i - SamplesPerWindow];
                var (t1, e1) = _samples[i];
                peak = Math.Max(peak, (e1 - e0) / ((t1 - t0) / (double)Stopwatch.Frequency));
            }
            return peak;
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _sampler.Wait();
        _listener.Dispose();
        _stop.Dispose();
    }
}
