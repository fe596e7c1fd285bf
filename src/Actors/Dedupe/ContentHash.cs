using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Jobs.Messages;

namespace Jobs.Actors.Dedupe;

/// <summary>
/// The identity of a job's work for result reuse: tenant, type and the payload in canonical JSON
/// (docs/api.md, "Result reuse"). Canonical: object members sorted, no whitespace, a number by its
/// exact value (<see cref="Number"/>), a string by its UTF-16 code units (<see cref="Text"/>). Read
/// token by token from the payload's own text, so it never rounds a number and never throws on a
/// string the parser accepts (a lone surrogate included).
/// </summary>
public static class ContentHash
{
    public static string Of(JobSpec spec)
    {
        var canonical = new StringBuilder();
        if (spec.Payload is { } p)
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(p));
            reader.Read();
            Write(ref reader, canonical);
        }
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"{spec.Tenant}\n{spec.Type}\n{canonical}"));
        return Convert.ToHexString(bytes).ToLowerInvariant();
    }

    /// <summary>Writes the value at the reader's token (reading to its end).</summary>
    private static void Write(ref Utf8JsonReader reader, StringBuilder sb)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                var members = new List<(string Name, string Value)>();
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = Text(reader.ValueSpan);
                    reader.Read();
                    var value = new StringBuilder();
                    Write(ref reader, value);
                    members.Add((name, value.ToString()));
                }
                sb.Append('{');
                var first = true;
                foreach (var (name, value) in members.OrderBy(m => m.Name, StringComparer.Ordinal).ThenBy(m => m.Value, StringComparer.Ordinal))
                {
                    if (!first) sb.Append(',');
                    first = false;
                    sb.Append(name).Append(':').Append(value);
                }
                sb.Append('}');
                break;
            case JsonTokenType.StartArray:
                sb.Append('[');
                var i = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (i++ > 0) sb.Append(',');
                    Write(ref reader, sb);
                }
                sb.Append(']');
                break;
            case JsonTokenType.String:
                sb.Append(Text(reader.ValueSpan));
                break;
            case JsonTokenType.Number:
                sb.Append(Number(reader.ValueSpan));
                break;
            default: // true, false, null
                sb.Append(Encoding.UTF8.GetString(reader.ValueSpan));
                break;
        }
    }

    /// <summary>
    /// A JSON number's exact value as <c>[-]digits e exponent</c> with no leading or trailing zero
    /// digit: <c>1</c>, <c>1.0</c>, <c>10e-1</c> are all <c>1e0</c>; zero (and <c>-0</c>) is <c>0</c>.
    /// The exponent is unbounded, so nothing rounds or overflows.
    /// </summary>
    private static string Number(ReadOnlySpan<byte> raw)
    {
        var i = 0;
        var negative = raw[0] == '-';
        if (negative) i++;
        var digits = new StringBuilder();
        while (i < raw.Length && char.IsAsciiDigit((char)raw[i])) digits.Append((char)raw[i++]);
        var fraction = 0;
        if (i < raw.Length && raw[i] == '.')
            for (i++; i < raw.Length && char.IsAsciiDigit((char)raw[i]); i++, fraction++) digits.Append((char)raw[i]);
        var exponent = BigInteger.Zero;
        if (i < raw.Length) // e or E, an optional sign, digits
            exponent = BigInteger.Parse(Encoding.ASCII.GetString(raw[(i + 1)..]), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var significant = digits.ToString().TrimStart('0');
        if (significant.Length == 0) return "0";
        var trimmed = significant.TrimEnd('0');
        exponent += significant.Length - trimmed.Length - fraction;
        return (negative ? "-" : "") + trimmed + "e" + exponent.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A JSON string (its raw text between the quotes) as its UTF-16 code units, unescaped and
    /// written again one way: printable ASCII as itself, everything else as <c>\uXXXX</c>. A lone
    /// surrogate is one code unit like any other.
    /// </summary>
    private static string Text(ReadOnlySpan<byte> raw)
    {
        var units = new StringBuilder(raw.Length);
        var start = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != '\\') continue;
            units.Append(Encoding.UTF8.GetString(raw[start..i])); // a run without escapes: valid UTF-8 (the reader checked)
            var escaped = raw[++i];
            if (escaped == 'u')
            {
                units.Append((char)int.Parse(Encoding.ASCII.GetString(raw.Slice(i + 1, 4)), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
                i += 4;
            }
            else
                units.Append(escaped switch { (byte)'b' => '\b', (byte)'f' => '\f', (byte)'n' => '\n', (byte)'r' => '\r', (byte)'t' => '\t', _ => (char)escaped });
            start = i + 1;
        }
        units.Append(Encoding.UTF8.GetString(raw[start..]));

        var sb = new StringBuilder(units.Length + 2).Append('"');
        foreach (var c in units.ToString())
        {
            if (c is >= ' ' and < (char)0x7f and not '"' and not '\\') sb.Append(c);
            else sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
        }
        return sb.Append('"').ToString();
    }
}
