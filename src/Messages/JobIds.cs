using System.Security.Cryptography;
using System.Text;

namespace Jobs.Messages;

/// <summary>Job ids and their partition. Pure and stable across processes and machines.</summary>
public static class JobIds
{
    private const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary>A ULID-style id: 48-bit milliseconds then 80 random bits, Crockford base32 (26 chars).</summary>
    public static string NewId(DateTimeOffset now)
    {
        Span<byte> bytes = stackalloc byte[16];
        var ms = (ulong)now.ToUnixTimeMilliseconds();
        for (var i = 0; i < 6; i++) bytes[i] = (byte)(ms >> (8 * (5 - i)));
        RandomNumberGenerator.Fill(bytes[6..]);
        return Base32(bytes, 26);
    }

    /// <summary>The id of the job an idempotency key names: the same key always gives the same id.</summary>
    public static string ForIdempotencyKey(string tenant, string key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(tenant + "\n" + key));
        return "k-" + Base32(hash, 26);
    }

    /// <summary>The id of the <paramref name="index"/>-th job of a batch: re-posting the batch names the same jobs.</summary>
    public static string ForBatchJob(string tenant, string batchId, int index)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(tenant + "\n" + batchId + "\n" + index.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return "b-" + Base32(hash, 26);
    }

    /// <summary>
    /// The id of the job a schedule's tick creates: the same (tenant, schedule, fire time) always names the same job,
    /// so a tick fired again after a crash or a hand-off is recognised by its partition instead of running twice.
    /// </summary>
    public static string ForScheduleTick(string tenant, string scheduleId, DateTimeOffset fireTime)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(tenant + "\n" + scheduleId + "\n" + fireTime.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return "s-" + Base32(hash, 26);
    }

    /// <summary>The id a new job gets: from its idempotency key if it has one, else a fresh ULID; prefixed with its queue unless it is <c>default</c>.</summary>
    public static string ForNewJob(JobSpec spec, DateTimeOffset now) =>
        PartitionLayout.IdFor(spec.Queue, spec.IdempotencyKey is { } key ? ForIdempotencyKey(spec.Tenant, key) : NewId(now));

    /// <summary>FNV-1a over the UTF-8 bytes, modulo the partition count.</summary>
    public static int PartitionOf(string id, int partitions)
    {
        if (partitions <= 0) throw new ArgumentOutOfRangeException(nameof(partitions));
        uint hash = 2166136261;
        foreach (var b in Encoding.UTF8.GetBytes(id))
        {
            hash ^= b;
            hash *= 16777619;
        }
        return (int)(hash % (uint)partitions);
    }

    private static string Base32(ReadOnlySpan<byte> bytes, int chars)
    {
        var sb = new StringBuilder(chars);
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5 && sb.Length < chars)
            {
                sb.Append(Crockford[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
            buffer &= (1 << bits) - 1;
        }
        if (sb.Length < chars && bits > 0) sb.Append(Crockford[(buffer << (5 - bits)) & 31]);
        return sb.ToString();
    }
}
