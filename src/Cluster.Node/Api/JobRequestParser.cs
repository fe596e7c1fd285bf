using System.Text.Json;
using Jobs.Actors.Attempts;
using Jobs.Actors.Partitions;
using Jobs.Actors.Settings;
using Jobs.Handlers;
using Jobs.Messages;
using Jobs.Node.Security;

namespace Jobs.Node.Api;

/// <summary>
/// Turns a job request (docs/api.md, POST /api/jobs) into a <see cref="JobSpec"/>, or throws a
/// <see cref="RequestException"/> naming the field. Nothing reaches the engine unless every field is valid.
/// </summary>
public sealed class JobRequestParser(JobHandlerRegistry handlers, IReadOnlyCollection<string> queues)
{
    public const int MaxPayloadBytes = 1024 * 1024;
    public const int MaxMetadataBytes = 64 * 1024;
    public const long MaxJobBodyBytes = 2 * 1024 * 1024;
    public const int MaxDependencies = 100;

    private static readonly HashSet<string> Fields =
    [
        "type", "payload", "queue", "priority", "maxAttempts", "backoff", "timeoutMs", "runAt",
        "idempotencyKey", "dependsOn", "dedupe", "tenant", "metadata", "limitKey", "retention",
    ];

    /// <param name="caller">Who submits: the job is stored under the caller's tenant (see <see cref="Security.TenantScope"/>).</param>
    public JobSpec Parse(JsonElement body, string prefix = "", ApiPrincipal? caller = null)
    {
        if (body.ValueKind != JsonValueKind.Object)
            throw Bad(prefix.TrimEnd('.'), "a job must be a JSON object");
        foreach (var p in body.EnumerateObject())
            if (!Fields.Contains(p.Name))
                throw Bad(prefix + p.Name, $"unknown field '{p.Name}'; known fields: {string.Join(", ", Fields)}");

        var type = String(body, prefix, "type", required: true)!;
        if (!handlers.Contains(type))
            throw Bad(prefix + "type", $"unknown job type '{type}'; known types: {string.Join(", ", handlers.Types)}");

        string? payload = null;
        if (body.TryGetProperty("payload", out var pl) && pl.ValueKind != JsonValueKind.Null)
        {
            payload = pl.GetRawText();
            if (System.Text.Encoding.UTF8.GetByteCount(payload) > MaxPayloadBytes)
                throw new RequestException(413, $"payload is larger than {MaxPayloadBytes} bytes serialized", prefix + "payload");
        }
        if (handlers.Create(type) is IValidatesPayload validator &&
            validator.ValidatePayload(payload is null ? null : pl) is { } payloadError)
            throw Bad(prefix + "payload", payloadError);

        var queue = String(body, prefix, "queue") ?? "default";
        if (!JobsOptionsValidator.QueueName().IsMatch(queue))
            throw Bad(prefix + "queue", "queue must match [a-z0-9-]{1,64}");
        if (!queues.Contains(queue))
            throw Bad(prefix + "queue", $"unknown queue '{queue}'; known queues: {string.Join(", ", queues)}");

        var backoff = BackoffPolicy.Default;
        if (body.TryGetProperty("backoff", out var b) && b.ValueKind != JsonValueKind.Null)
        {
            if (b.ValueKind != JsonValueKind.Object) throw Bad(prefix + "backoff", "backoff must be an object {initialMs, maxMs, jitter}");
            foreach (var p in b.EnumerateObject())
                if (p.Name is not ("initialMs" or "maxMs" or "jitter"))
                    throw Bad(prefix + "backoff." + p.Name, $"unknown field 'backoff.{p.Name}'; known: initialMs, maxMs, jitter");
            var initial = Int(b, prefix + "backoff.", "initialMs", 0, 86_400_000) ?? backoff.InitialMs;
            var max = Int(b, prefix + "backoff.", "maxMs", 0, 86_400_000) ?? Math.Max(backoff.MaxMs, initial);
            if (max < initial) throw Bad(prefix + "backoff.maxMs", "backoff.maxMs must be at least backoff.initialMs");
            double jitter = backoff.Jitter;
            if (b.TryGetProperty("jitter", out var j) && j.ValueKind != JsonValueKind.Null)
            {
                if (j.ValueKind != JsonValueKind.Number || !j.TryGetDouble(out jitter) || jitter < 0 || jitter > 1)
                    throw Bad(prefix + "backoff.jitter", "backoff.jitter must be a number 0..1");
            }
            backoff = new BackoffPolicy(initial, max, jitter);
        }

        DateTimeOffset? runAt = null;
        if (String(body, prefix, "runAt") is { } rawRunAt)
        {
            if (!IsoTime.TryParse(rawRunAt, out var parsed))
                throw Bad(prefix + "runAt", $"runAt must be an ISO-8601 time such as 2030-01-01T00:00:00Z ({IsoTime.Shape}); got '{rawRunAt}'");
            runAt = parsed;
        }

        var key = String(body, prefix, "idempotencyKey");
        if (key is { Length: 0 or > 256 }) throw Bad(prefix + "idempotencyKey", "idempotencyKey must be 1..256 characters");

        IReadOnlyList<string> dependsOn = [];
        if (body.TryGetProperty("dependsOn", out var deps) && deps.ValueKind != JsonValueKind.Null)
        {
            if (deps.ValueKind != JsonValueKind.Array || deps.EnumerateArray().Any(d => d.ValueKind != JsonValueKind.String))
                throw Bad(prefix + "dependsOn", "dependsOn must be an array of job ids");
            if (deps.GetArrayLength() > MaxDependencies)
                throw Bad(prefix + "dependsOn", $"dependsOn names {deps.GetArrayLength()} jobs; the limit is {MaxDependencies}");
            dependsOn = deps.EnumerateArray().Select(d => d.GetString()!).Distinct(StringComparer.Ordinal).ToArray();
            for (var i = 0; i < dependsOn.Count; i++)
                if (!JobEndpoints.ValidId(dependsOn[i]))
                    throw Bad($"{prefix}dependsOn[{i}]", $"'{dependsOn[i]}' is not a job id");
        }
        var dedupe = Bool(body, prefix, "dedupe") == true;
        var limitKey = String(body, prefix, "limitKey");
        if (limitKey is not null && !LimitKeys.IsValid(limitKey))
            throw Bad(prefix + "limitKey", $"limitKey must be 1..{LimitKeys.MaxLength} of letters, digits and _ . : -");

        var named = String(body, prefix, "tenant");
        if (named is not null && !ApiKeys.IsTenantName(named)) throw Bad(prefix + "tenant", "tenant must match [a-z0-9-]{1,64}");
        var (tenant, refusal) = (caller ?? ApiPrincipal.Loopback).SubmissionTenant(named);
        if (tenant is null) throw new RequestException(403, refusal!, prefix + "tenant");

        string? metadata = null;
        if (body.TryGetProperty("metadata", out var md) && md.ValueKind != JsonValueKind.Null)
        {
            if (md.ValueKind != JsonValueKind.Object) throw Bad(prefix + "metadata", "metadata must be a JSON object");
            metadata = md.GetRawText();
            if (System.Text.Encoding.UTF8.GetByteCount(metadata) > MaxMetadataBytes)
                throw new RequestException(413, $"metadata is larger than {MaxMetadataBytes} bytes serialized", prefix + "metadata");
        }

        long? retentionMs = null;
        if (String(body, prefix, "retention") is { } rawRetention)
        {
            if (!DurationText.TryParse(rawRetention, out var retention) || retention < RetentionPeriods.Min || retention > RetentionRules.MaxJobRetention)
                throw Bad(prefix + "retention",
                    $"retention must be {DurationText.Shape}, from 1s to {DurationText.Format(RetentionRules.MaxJobRetention)}; got '{rawRetention}'");
            retentionMs = (long)retention.TotalMilliseconds;
        }

        return new JobSpec
        {
            Type = type,
            Payload = payload,
            Queue = queue,
            Priority = Int(body, prefix, "priority", -100, 100) ?? 0,
            MaxAttempts = Int(body, prefix, "maxAttempts", 1, 100) ?? 3,
            Backoff = backoff,
            TimeoutMs = Int(body, prefix, "timeoutMs", 1, 86_400_000) ?? 300_000,
            RunAt = runAt,
            IdempotencyKey = key,
            DependsOn = dependsOn,
            Tenant = tenant,
            Dedupe = dedupe,
            Metadata = metadata,
            LimitKey = limitKey,
            RetentionMs = retentionMs,
        };
    }

    private static RequestException Bad(string field, string detail) => new(400, detail, field);

    private static string? String(JsonElement o, string prefix, string name, bool required = false)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
            return required ? throw Bad(prefix + name, $"{name} is required") : null;
        if (v.ValueKind != JsonValueKind.String) throw Bad(prefix + name, $"{name} must be a string");
        return v.GetString();
    }

    private static bool? Bool(JsonElement o, string prefix, string name)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Bad(prefix + name, $"{name} must be true or false"),
        };
    }

    private static int? Int(JsonElement o, string prefix, string name, int min, int max)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var l) || l < min || l > max)
            throw Bad(prefix + name, $"{name} must be an integer {min}..{max}");
        return (int)l;
    }
}
