using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Jobs.Cli;

/// <summary>limits list | set | delete: limits per key (docs/api.md, Limits; admin).</summary>
public sealed class LimitKeySettings : GlobalSettings
{
    [CommandArgument(0, "<key>")]
    [Description("The limit key jobs name in limitKey")]
    public string Key { get; set; } = "";
}

public sealed class LimitSetSettings : GlobalSettings
{
    [CommandArgument(0, "<key>")]
    [Description("The limit key jobs name in limitKey")]
    public string Key { get; set; } = "";

    [CommandOption("--concurrency <N>")]
    [Description("At most N of the key's jobs run at once, cluster-wide")]
    public string? Concurrency { get; set; }

    [CommandOption("--rate <PER_SECOND>")]
    [Description("At most this many of the key's jobs start per second, cluster-wide")]
    public string? Rate { get; set; }

    [CommandOption("--burst <N>")]
    [Description("With --rate: how many may start at once after a quiet time")]
    public string? Burst { get; set; }

    [CommandOption("--tokens-per-minute <N>")]
    [Description("LLM tokens per minute, cluster-wide")]
    public string? TokensPerMinute { get; set; }

    public override ValidationResult Validate()
    {
        if (WholeNumber.Check("--concurrency", Concurrency, 1, 100_000) is { Successful: false } c) return c;
        if (WholeNumber.Check("--burst", Burst, 1, 100_000) is { Successful: false } b) return b;
        if (WholeNumber.Check("--tokens-per-minute", TokensPerMinute, 1, 1_000_000_000) is { Successful: false } t) return t;
        if (Rate is not null && (!double.TryParse(Rate, NumberStyles.Float, CultureInfo.InvariantCulture, out var r) || !(r > 0)))
            return ValidationResult.Error("--rate must be a number above 0");
        if (Concurrency is null && Rate is null && TokensPerMinute is null)
            return ValidationResult.Error("give at least one of --concurrency, --rate, --tokens-per-minute");
        return ValidationResult.Success();
    }
}

public sealed class LimitsListCommand(CliSession session) : NodeCommand<GlobalSettings>(session)
{
    protected override async Task<int> RunAsync(JobsClient node, GlobalSettings settings, Output o, CancellationToken ct)
    {
        var list = await node.GetJsonAsync("/api/limits", ct);
        if (o.Json) { o.JsonValue(list); return Jobctl.Ok; }
        o.Table(["key", "concurrency", "rate/s", "burst", "tokens/min", "held", "waiting"],
            list.Prop("items").EnumerateArray().Select(l => (IReadOnlyList<string>)
                [l.Str("key"), Num(l, "concurrency"), Num(l, "ratePerSecond"), Num(l, "burst"), Num(l, "tokensPerMinute"), Num(l, "held"), Num(l, "waiting")]));
        return Jobctl.Ok;
    }

    private static string Num(JsonElement l, string name) => l.Prop(name) is { ValueKind: JsonValueKind.Number } v ? v.ToString() : "-";
}

public sealed class LimitsSetCommand(CliSession session) : NodeCommand<LimitSetSettings>(session)
{
    protected override async Task<int> RunAsync(JobsClient node, LimitSetSettings s, Output o, CancellationToken ct)
    {
        var body = new Dictionary<string, object>();
        if (s.Concurrency is not null) body["concurrency"] = int.Parse(s.Concurrency, CultureInfo.InvariantCulture);
        if (s.Rate is not null) body["ratePerSecond"] = double.Parse(s.Rate, CultureInfo.InvariantCulture);
        if (s.Burst is not null) body["burst"] = int.Parse(s.Burst, CultureInfo.InvariantCulture);
        if (s.TokensPerMinute is not null) body["tokensPerMinute"] = int.Parse(s.TokensPerMinute, CultureInfo.InvariantCulture);
        var view = await node.PutJsonAsync("/api/limits/" + Uri.EscapeDataString(s.Key), body, ct);
        if (o.Json) { o.JsonValue(view); return Jobctl.Ok; }
        o.Line($"limit {view.Str("key")} set: " + string.Join(", ", new[] { "concurrency", "ratePerSecond", "burst", "tokensPerMinute" }
            .Where(n => view.Prop(n).ValueKind == JsonValueKind.Number).Select(n => $"{n} {view.Prop(n)}")));
        return Jobctl.Ok;
    }
}

public sealed class LimitsDeleteCommand(CliSession session) : NodeCommand<LimitKeySettings>(session)
{
    protected override async Task<int> RunAsync(JobsClient node, LimitKeySettings s, Output o, CancellationToken ct)
    {
        await node.DeleteJsonAsync("/api/limits/" + Uri.EscapeDataString(s.Key), ct);
        o.Line($"limit {s.Key} deleted");
        return Jobctl.Ok;
    }
}
