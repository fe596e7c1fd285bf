using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Jobs.Testing;

/// <summary>
/// A strict parser of the Prometheus text exposition format (0.0.4): HELP/TYPE comments, samples
/// with escaped label values, float values (incl. ±Inf, NaN) and optional timestamps. It rejects
/// what Prometheus would reject (bad names, unterminated labels, duplicate TYPE, a sample of a
/// family after another family started) and checks histograms: cumulative buckets ending in
/// <c>le="+Inf"</c> equal to <c>_count</c>.
/// </summary>
public static partial class PrometheusText
{
    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public sealed record Family(string Name, string Type, string? Help, List<Sample> Samples);

    public static IReadOnlyDictionary<string, Family> Parse(string text)
    {
        var families = new Dictionary<string, Family>(StringComparer.Ordinal);
        var closed = new HashSet<string>(StringComparer.Ordinal);
        string? current = null;
        var lineNo = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNo++;
            var line = raw.TrimEnd('\r');
            if (line.Length == 0) continue;
            if (line.StartsWith('#'))
            {
                var m = Comment().Match(line);
                if (!m.Success) continue; // other comments are allowed
                var (kind, name, rest) = (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value);
                var family = Open(name);
                if (kind == "TYPE")
                {
                    if (family.Type != "untyped" || family.Samples.Count > 0) Fail(lineNo, $"TYPE for {name} after its samples or twice");
                    if (rest is not ("counter" or "gauge" or "histogram" or "summary" or "untyped")) Fail(lineNo, $"unknown type '{rest}'");
                    families[name] = family with { Type = rest };
                }
                else families[name] = family with { Help = rest };
                continue;
            }
            var sample = ParseSample(line, lineNo);
            var owner = OwnerOf(sample.Name);
            Open(owner).Samples.Add(sample);
        }
        foreach (var f in families.Values.Where(f => f.Type == "histogram")) CheckHistogram(f);
        return families;

        Family Open(string name)
        {
            if (current != name)
            {
                if (current is not null) closed.Add(current);
                if (closed.Contains(name)) Fail(lineNo, $"family {name} appears in two places");
                current = name;
            }
            if (!families.TryGetValue(name, out var f)) families[name] = f = new Family(name, "untyped", null, []);
            return f;
        }

        string OwnerOf(string sampleName)
        {
            foreach (var suffix in new[] { "_bucket", "_count", "_sum" })
                if (sampleName.EndsWith(suffix, StringComparison.Ordinal) && families.TryGetValue(sampleName[..^suffix.Length], out var f) && f.Type is "histogram" or "summary")
                    return f.Name;
            return sampleName;
        }
    }

    /// <summary>The value of one sample, or 0 when the family or the label combination is absent (a counter not yet incremented).</summary>
    public static double Value(IReadOnlyDictionary<string, Family> families, string name, params (string Key, string Value)[] labels)
    {
        var family = families.Values.FirstOrDefault(f => f.Samples.Any(s => s.Name == name));
        return family?.Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).Sum(s => s.Value) ?? 0;
    }

    private static Sample ParseSample(string line, int lineNo)
    {
        var i = 0;
        while (i < line.Length && (char.IsLetterOrDigit(line[i]) || line[i] is '_' or ':')) i++;
        var name = line[..i];
        if (!MetricName().IsMatch(name)) Fail(lineNo, $"bad metric name '{name}'");
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (true)
            {
                if (i >= line.Length) Fail(lineNo, "unterminated label set");
                if (line[i] == '}') { i++; break; }
                var start = i;
                while (i < line.Length && (char.IsLetterOrDigit(line[i]) || line[i] == '_')) i++;
                var key = line[start..i];
                if (!LabelName().IsMatch(key)) Fail(lineNo, $"bad label name '{key}'");
                if (i + 1 >= line.Length || line[i] != '=' || line[i + 1] != '"') Fail(lineNo, $"label {key} without =\"value\"");
                i += 2;
                var value = new StringBuilder();
                while (true)
                {
                    if (i >= line.Length) Fail(lineNo, $"unterminated value of label {key}");
                    var c = line[i++];
                    if (c == '"') break;
                    if (c == '\\')
                    {
                        if (i >= line.Length) Fail(lineNo, "dangling escape");
                        var e = line[i++];
                        value.Append(e switch { 'n' => '\n', '\\' => '\\', '"' => '"', _ => throw new FormatException($"line {lineNo}: bad escape \\{e}") });
                    }
                    else value.Append(c);
                }
                if (!labels.TryAdd(key, value.ToString())) Fail(lineNo, $"label {key} twice");
                if (i < line.Length && line[i] == ',') i++;
            }
        }
        var parts = line[i..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is < 1 or > 2) Fail(lineNo, "expected a value and an optional timestamp");
        var v = parts[0] switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            var s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            var s => throw new FormatException($"line {lineNo}: bad value '{s}'"),
        };
        if (parts.Length == 2 && !long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out _)) Fail(lineNo, $"bad timestamp '{parts[1]}'");
        return new Sample(name, labels, v);
    }

    private static void CheckHistogram(Family f)
    {
        var series = f.Samples.Where(s => s.Name == f.Name + "_bucket")
            .GroupBy(s => string.Join(",", s.Labels.Where(l => l.Key != "le").OrderBy(l => l.Key).Select(l => $"{l.Key}={l.Value}")));
        foreach (var g in series)
        {
            var buckets = g.Select(s => (Le: s.Labels.TryGetValue("le", out var le) ? le : throw new FormatException($"{f.Name}: bucket without le"), s.Value))
                .Select(b => (Le: b.Le == "+Inf" ? double.PositiveInfinity : double.Parse(b.Le, CultureInfo.InvariantCulture), b.Value)).ToList();
            if (!double.IsPositiveInfinity(buckets[^1].Le)) throw new FormatException($"{f.Name}{{{g.Key}}}: last bucket is not le=\"+Inf\"");
            for (var k = 1; k < buckets.Count; k++)
                if (buckets[k].Le <= buckets[k - 1].Le || buckets[k].Value < buckets[k - 1].Value)
                    throw new FormatException($"{f.Name}{{{g.Key}}}: buckets not cumulative/ascending");
            var count = f.Samples.FirstOrDefault(s => s.Name == f.Name + "_count" && string.Join(",", s.Labels.OrderBy(l => l.Key).Select(l => $"{l.Key}={l.Value}")) == g.Key);
            if (count is null || count.Value != buckets[^1].Value) throw new FormatException($"{f.Name}{{{g.Key}}}: _count differs from the +Inf bucket");
        }
    }

    private static void Fail(int line, string message) => throw new FormatException($"line {line}: {message}");

    [GeneratedRegex(@"^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) ?(.*)$")]
    private static partial Regex Comment();

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    private static partial Regex LabelName();
}
