using System.Collections.Concurrent;
using System.Text.Json;
using Jobs.Actors.Attempts;
using Jobs.Handlers;
using Jobs.Handlers.BuiltIn;

namespace Jobs.Tests.Support;

/// <summary>Shared, per-test controls and observations for the in-process test handlers.</summary>
public sealed class TestControl
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new();

    public ConcurrentQueue<string> Started { get; } = new();
    public ConcurrentQueue<string> CancellationObserved { get; } = new();
    public ConcurrentDictionary<string, int> Runs { get; } = new();

    public TaskCompletionSource Gate(string name) =>
        _gates.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public void Open(string name) => Gate(name).TrySetResult();

    public JobHandlerRegistry Registry() => new JobHandlerRegistryBuilder()
        .AddBuiltIns()
        .Add("record", () => new Handler(this, (c, p, ct) =>
        {
            Started.Enqueue(Tag(p, c));
            return Task.FromResult<object?>(null);
        }))
        .Add("gate", () => new Handler(this, async (c, p, ct) =>
        {
            Started.Enqueue(Tag(p, c));
            await Gate(p.GetProperty("gate").GetString()!).Task.WaitAsync(ct);
            return new { opened = true };
        }))
        .Add("flaky", () => new Handler(this, (c, p, ct) =>
        {
            Runs.AddOrUpdate(c.JobId, 1, (_, n) => n + 1);
            if (c.Attempt < p.GetProperty("succeedOn").GetInt32()) throw new InvalidOperationException($"flaky failure on attempt {c.Attempt}");
            return Task.FromResult<object?>(new { attempt = c.Attempt });
        }))
        .Add("fail-first-run", () => new Handler(this, (c, p, ct) =>
        {
            var run = Runs.AddOrUpdate(c.JobId, 1, (_, n) => n + 1);
            if (run == 1) throw new PermanentJobException("first run fails permanently");
            return Task.FromResult<object?>(new { run });
        }))
        .Add("raw", () => new Handler(this, (c, p, ct) => Task.FromResult<object?>(new RawJson(p.GetProperty("raw").GetString()!))))
        .Add("permanent", () => new Handler(this, (c, p, ct) => throw new PermanentJobException("bad input, never retry")))
        .Add("hang", () => new Handler(this, async (c, p, ct) =>
        {
            Started.Enqueue(c.JobId);
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                CancellationObserved.Enqueue(c.JobId);
                throw;
            }
            return null;
        }))
        .Add("stubborn", () => new Handler(this, async (c, p, ct) =>
        {
            Started.Enqueue(c.JobId);
            await Gate(p.GetProperty("gate").GetString()!).Task; // ignores the token on purpose
            return null;
        }))
        .Add("progress", () => new Handler(this, (c, p, ct) =>
        {
            var count = p.GetProperty("count").GetInt32();
            for (var i = 1; i <= count; i++) c.ReportProgress(100.0 * i / count, $"step {i}");
            return Task.FromResult<object?>(new { steps = count });
        }))
        .Build();

    private static string Tag(JsonElement p, JobContext c) =>
        p.ValueKind == JsonValueKind.Object && p.TryGetProperty("tag", out var t) ? t.GetString()! : c.JobId;

    private sealed class Handler(TestControl control, Func<JobContext, JsonElement, CancellationToken, Task<object?>> run) : IJobHandler
    {
        public TestControl Control { get; } = control;

        public Task<object?> HandleAsync(JobContext context, CancellationToken cancellationToken)
        {
            using var doc = JsonDocument.Parse(context.PayloadJson ?? "null");
            return run(context, doc.RootElement.Clone(), cancellationToken);
        }
    }
}
