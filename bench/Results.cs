using System.Text.Json;

namespace Jobs.Bench;

/// <summary>One measured value per run; reported as median (min–max) over the runs.</summary>
public sealed record Measurement(string Scenario, string System, string Metric, double Value);

public sealed class Results
{
    private readonly List<Measurement> _all = [];
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;

    public void Add(string scenario, string system, string metric, double value)
    {
        _all.Add(new Measurement(scenario, system, metric, value));
        Console.WriteLine($"  {scenario} {system} {metric} = {value:0.###}");
    }

    public IEnumerable<(string Scenario, string System, string Metric, double Median, double Min, double Max, int Runs)> Summary() =>
        _all.GroupBy(m => (m.Scenario, m.System, m.Metric)).Select(g =>
        {
            var v = g.Select(m => m.Value).Order().ToArray();
            var median = v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
            return (g.Key.Scenario, g.Key.System, g.Key.Metric, median, v[0], v[^1], v.Length);
        });

    public string Markdown()
    {
        var lines = new List<string> { "| scenario | system | metric | median | min–max | runs |", "|---|---|---|---:|---:|---:|" };
        lines.AddRange(Summary().Select(r => $"| {r.Scenario} | {r.System} | {r.Metric} | {Fmt(r.Median)} | {Fmt(r.Min)}–{Fmt(r.Max)} | {r.Runs} |"));
        return string.Join('\n', lines);
    }

    public void WriteJson(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var doc = new
        {
            machine = $"{Environment.MachineName}, {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024 * 1024.0):0.#} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}",
            startedAt = _startedAt,
            results = Summary().Select(r => new { scenario = r.Scenario, system = r.System, metric = r.Metric, median = r.Median, min = r.Min, max = r.Max }),
        };
        File.WriteAllText(path, JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true }));
    }

    private static string Fmt(double v) => Math.Abs(v) >= 100 ? v.ToString("0") : v.ToString("0.###");
}
