using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Jobs.Messages;

namespace Jobs.Actors.Dedupe;

/// <summary>The identity of a job's work for result reuse: tenant, type and the payload in canonical JSON (sorted keys, no whitespace).</summary>
public static class ContentHash
{
    public static string Of(JobSpec spec)
    {
        var canonical = new StringBuilder();
        if (spec.Payload is { } p) Write(JsonDocument.Parse(p).RootElement, canonical);
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"{spec.Tenant}\n{spec.Type}\n{canonical}"));
        return Convert.ToHexString(bytes).ToLowerInvariant();
    }

    private static void Write(JsonElement e, StringBuilder sb)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                sb.Append('{');
                var first = true;
                foreach (var p in e.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    if (!first) sb.Append(',');
                    first = false;
                    sb.Append(JsonSerializer.Serialize(p.Name)).Append(':');
                    Write(p.Value, sb);
                }
                sb.Append('}');
                break;
            case JsonValueKind.Array:
                sb.Append('[');
                var i = 0;
                foreach (var item in e.EnumerateArray())
                {
                    if (i++ > 0) sb.Append(',');
                    Write(item, sb);
                }
                sb.Append(']');
                break;
            case JsonValueKind.Number:
                // 1, 1.0 and 1e0 are the same number: normalized (trailing zeros dropped) when decimal can hold it
                sb.Append(e.TryGetDecimal(out var d) ? (d / 1.000000000000000000000000000000000m).ToString(System.Globalization.CultureInfo.InvariantCulture) : e.GetRawText());
                break;
            default:
                sb.Append(JsonSerializer.Serialize(e)); // strings re-escaped the same way, literals as is
                break;
        }
    }
}
