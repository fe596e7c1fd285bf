using System.Net.Http.Json;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Node;

/// <summary>After a burst the node gives its idle heap back: one aggressive collection once it is quiet (HeapTrimRule).</summary>
[Collection(NodeCollection.Name)]
public sealed class HeapTrimTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_quiet_node_trims_its_heap_once_after_a_burst()
    {
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("node-heap-trim"), output,
            new Dictionary<string, string> { ["JOBS_HEAP_TRIM_AFTER_MB"] = "8" });
        var burst = new { id = "heap-burst", jobs = Enumerable.Range(0, 2000).Select(i => new { type = "noop", payload = new { n = i, text = new string('x', 500) } }).ToArray() };
        (await node.Http.PostAsJsonAsync("/api/batches", burst)).EnsureSuccessStatusCode();

        var trims = await Eventually.Until(() => node.MetricAsync("jobs_heap_trims_total"),
            n => n >= 1, TimeSpan.FromSeconds(90), "jobs_heap_trims_total ≥ 1 once the burst is over");
        Assert.True(trims >= 1);
        await Eventually.Until(() => Task.FromResult(node.Tail().Contains("heap trim after")), TimeSpan.FromSeconds(10), "the trim's log line");
    }

    [Fact]
    public async Task A_bad_trim_setting_stops_the_node_at_start()
    {
        var e = await NodeStartFailure.ExpectAsync("node-heap-trim-bad", output, new Dictionary<string, string> { ["JOBS_HEAP_TRIM_AFTER_MB"] = "-1" });
        Assert.Contains("JOBS_HEAP_TRIM_AFTER_MB=-1 is invalid", e.Message);
    }
}
