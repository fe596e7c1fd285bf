using System.Text.Json;
using Akka.Actor;
using Akka.Hosting;
using Jobs.Actors.Limits;
using Jobs.Messages;
using Jobs.Node.Api.Schemas;

namespace Jobs.Node.Api;

/// <summary>
/// /api/limits (docs/api.md, admin): a limit key's concurrency, rate and LLM tokens per minute, held
/// cluster-wide by the key's limiter (<see cref="Limiter"/>); the keys are listed by the limit index.
/// </summary>
public static class LimitEndpoints
{
    public const long MaxBodyBytes = 4096;
    public const int MaxConcurrency = 100_000;
    public const double MaxRatePerSecond = 100_000;
    public const int MaxTokensPerMinute = 1_000_000_000;

    private static readonly string[] Fields = ["concurrency", "ratePerSecond", "burst", "tokensPerMinute"];

    public static void MapLimitEndpoints(this IEndpointRouteBuilder app)
    {
        var limits = app.MapGroup("/api/limits").WithTags("limits");
        limits.MapGet("", List).WithName("listLimits").WithSummary("Every limit key with limits: the limits, leases held and holders waiting")
            .Produces<LimitList>().ProducesProblems(503);
        limits.MapGet("/{key}", Get).WithName("getLimit").WithSummary("One limit key")
            .Produces<LimitView>().ProducesProblems(404, 503);
        limits.MapPut("/{key}", Put).WithName("putLimit").WithSummary("Set (or replace) a key's limits")
            .Accepts<LimitSubmission>("application/json")
            .Produces<LimitView>().ProducesProblems(400, 409, 413, 415, 503);
        limits.MapDelete("/{key}", Delete).WithName("deleteLimit").WithSummary("Remove a key's limits (its jobs start freely)")
            .Produces(StatusCodes.Status204NoContent).ProducesProblems(404, 503);
    }

    private static Task<IResult> Put(string key, HttpRequest request, ActorRegistry registry, CancellationToken ct) =>
        LimitKeys.IsValid(key)
            ? SetAsync(key, request, registry, ct)
            : Task.FromResult(new RequestException(400, $"a limit key is 1..{LimitKeys.MaxLength} of letters, digits and _ . : -", "key").ToResult());

    /// <summary>Reads a limits body and sets them for <paramref name="key"/> (the index first, so a key with limits is always listed).</summary>
    internal static async Task<IResult> SetAsync(string key, HttpRequest request, ActorRegistry registry, CancellationToken ct)
    {
        LimitSpec spec;
        try
        {
            using var doc = await BodyReader.ReadJsonAsync(request, MaxBodyBytes, ct);
            spec = Parse(doc.RootElement);
        }
        catch (RequestException e)
        {
            return e.ToResult();
        }
        var index = await registry.GetAsync<LimitIndexRegion>(ct);
        if (await index.Ask<object>(new AddLimitKey(key), ClusterEndpoints.AskTimeout, ct) is LimitIndexFull full)
            return Problems.Conflict($"{full.Max} limit keys exist; delete one first");
        var status = await (await registry.GetAsync<LimiterRegion>(ct)).Ask<LimitStatus>(new SetLimit(key, spec), ClusterEndpoints.AskTimeout, ct);
        return Results.Json(View(status), ApiJson.Options);
    }

    private static async Task<IResult> Get(string key, ActorRegistry registry, CancellationToken ct)
    {
        if (!LimitKeys.IsValid(key)) return Problems.NotFound($"no limits for '{key}'");
        return await FindAsync(key, registry, ct) is { } view ? Results.Json(view, ApiJson.Options) : Problems.NotFound($"no limits for '{key}'");
    }

    private static async Task<IResult> List(ActorRegistry registry, CancellationToken ct)
    {
        var keys = await (await registry.GetAsync<LimitIndexRegion>(ct)).Ask<LimitKeyList>(ListLimitKeys.Instance, ClusterEndpoints.AskTimeout, ct);
        var limiters = await registry.GetAsync<LimiterRegion>(ct);
        var statuses = await Task.WhenAll(keys.Keys.Select(k => limiters.Ask<LimitStatus>(new GetLimit(k), ClusterEndpoints.AskTimeout, ct)));
        return Results.Json(new LimitList(statuses.Where(s => s.Spec is not null).Select(View).ToArray()), ApiJson.Options);
    }

    private static Task<IResult> Delete(string key, ActorRegistry registry, CancellationToken ct) =>
        LimitKeys.IsValid(key) ? DeleteAsync(key, registry, ct) : Task.FromResult(Problems.NotFound($"no limits for '{key}'"));

    /// <summary>Clears the key's limits, then drops it from the index; 404 when it has none.</summary>
    internal static async Task<IResult> DeleteAsync(string key, ActorRegistry registry, CancellationToken ct)
    {
        var limiters = await registry.GetAsync<LimiterRegion>(ct);
        var before = await limiters.Ask<LimitStatus>(new GetLimit(key), ClusterEndpoints.AskTimeout, ct);
        if (before.Spec is null) return Problems.NotFound($"no limits for '{key}'");
        await limiters.Ask<LimitStatus>(new ClearLimit(key), ClusterEndpoints.AskTimeout, ct);
        await (await registry.GetAsync<LimitIndexRegion>(ct)).Ask<LimitKeyList>(new RemoveLimitKey(key), ClusterEndpoints.AskTimeout, ct);
        return Results.NoContent();
    }

    /// <summary>The body: at least one limit; unknown fields and out-of-range values are 400.</summary>
    public static LimitSpec Parse(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Object)
            throw new RequestException(400, "body must be a JSON object {\"concurrency\"?, \"ratePerSecond\"?, \"burst\"?, \"tokensPerMinute\"?}");
        foreach (var p in body.EnumerateObject())
            if (!Fields.Contains(p.Name)) throw new RequestException(400, $"unknown field '{p.Name}'; known: {string.Join(", ", Fields)}", p.Name);
        var concurrency = Int(body, "concurrency", 1, MaxConcurrency);
        var burst = Int(body, "burst", 1, MaxConcurrency);
        var tokens = Int(body, "tokensPerMinute", 1, MaxTokensPerMinute);
        double? rate = null;
        if (body.TryGetProperty("ratePerSecond", out var r) && r.ValueKind != JsonValueKind.Null)
        {
            if (r.ValueKind != JsonValueKind.Number || !r.TryGetDouble(out var v) || !double.IsFinite(v) || v <= 0 || v > MaxRatePerSecond)
                throw new RequestException(400, $"ratePerSecond must be a number above 0 and at most {MaxRatePerSecond}", "ratePerSecond");
            rate = v;
        }
        if (burst is not null && rate is null) throw new RequestException(400, "burst needs ratePerSecond", "burst");
        if (concurrency is null && rate is null && tokens is null)
            throw new RequestException(400, "give at least one of concurrency, ratePerSecond, tokensPerMinute");
        return new LimitSpec(concurrency, rate, burst, tokens);
    }

    private static int? Int(JsonElement body, string name, int min, int max)
    {
        if (!body.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var n) || n < min || n > max)
            throw new RequestException(400, $"{name} must be a whole number {min}..{max}", name);
        return n;
    }

    /// <summary>The key's view, or null when it has no limits.</summary>
    internal static async Task<LimitView?> FindAsync(string key, ActorRegistry registry, CancellationToken ct)
    {
        var status = await (await registry.GetAsync<LimiterRegion>(ct)).Ask<LimitStatus>(new GetLimit(key), ClusterEndpoints.AskTimeout, ct);
        return status.Spec is null ? null : View(status);
    }

    private static LimitView View(LimitStatus s) => new(s.Key, s.Spec!.Concurrency, s.Spec.RatePerSecond, s.Spec.RatePerSecond is null ? null : s.Spec.BurstOrDefault,
        s.Spec.TokensPerMinute, s.Held, s.Waiting);
}
