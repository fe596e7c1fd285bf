using System.Text.Json;
using Cronos;
using Jobs.Messages;
using Jobs.Messages.Serialization;

namespace Jobs.Actors.Schedules;

/// <summary>The ticks a schedule fires now: in time order; <see cref="Misfired"/> flags their jobs (misfire <c>once</c>).</summary>
public sealed record TickPlan(IReadOnlyList<DateTimeOffset> Ticks, bool Misfired);

/// <summary>
/// The pure rules of schedules: cron and time zone (Cronos), which ticks are due, what each tick's job is.
/// Nothing here reads a clock; every function takes <c>now</c>.
/// </summary>
public static class ScheduleRules
{
    /// <summary>Schedules one tenant may have.</summary>
    public const int MaxPerTenant = 1000;

    /// <summary>The largest <c>maxCatchUp</c>: a catch-up is never a storm.</summary>
    public const int MaxCatchUpLimit = 100;

    /// <summary>The largest <c>jitterMs</c> (one hour).</summary>
    public const int MaxJitterMs = 3_600_000;

    /// <summary>5 fields (minute first), or 6 with seconds first. Throws <see cref="CronFormatException"/> otherwise.</summary>
    public static CronExpression ParseCron(string cron)
    {
        var fields = cron.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        return fields switch
        {
            5 => CronExpression.Parse(cron, CronFormat.Standard),
            6 => CronExpression.Parse(cron, CronFormat.IncludeSeconds),
            _ => throw new CronFormatException($"cron has {fields} fields; it needs 5 (minute hour day month weekday) or 6 (second first)"),
        };
    }

    /// <summary>An IANA time zone (the system's database); null when unknown.</summary>
    public static TimeZoneInfo? FindZone(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return null;
        }
    }

    /// <summary>
    /// The first tick strictly after <paramref name="after"/>, in UTC (Cronos: a local time skipped by DST fires at the
    /// jump, a repeated one once).
    /// </summary>
    public static DateTimeOffset? Next(ScheduleSpec spec, DateTimeOffset after) =>
        ParseCron(spec.Cron).GetNextOccurrence(after, Zone(spec))?.ToUniversalTime();

    /// <summary>When the schedule fires next (null: paused or never again).</summary>
    public static DateTimeOffset? NextRunAt(ScheduleEntry s) => s.Paused ? null : Next(s.Spec, s.After);

    /// <summary>
    /// The ticks to fire at <paramref name="now"/>, or null when none is due. One tick due is fired as it is;
    /// several due means ticks were missed: <c>skip</c> fires the latest, <c>once</c> the latest flagged,
    /// <c>all</c> the latest <c>maxCatchUp</c>. Never more than that, however long the schedule was down.
    /// </summary>
    public static TickPlan? Due(ScheduleEntry s, DateTimeOffset now)
    {
        if (s.Paused) return null;
        var cron = ParseCron(s.Spec.Cron);
        var zone = Zone(s.Spec);
        if (Next(s.Spec, s.After) is not { } first || first > now) return null;
        var keep = s.Spec.Misfire == MisfirePolicy.All ? Math.Clamp(s.Spec.MaxCatchUp, 1, MaxCatchUpLimit) : 1;
        var latest = Latest(cron, zone, s.After, now, keep);
        if (latest.Count == 1 && latest[0] == first) return new TickPlan(latest, Misfired: false);
        return new TickPlan(latest, Misfired: s.Spec.Misfire == MisfirePolicy.Once);
    }

    /// <summary>
    /// The last <paramref name="count"/> ticks in (after, now], in UTC, found in windows ending at now that double until they hold
    /// enough, so the cost follows the ticks kept rather than the length of the downtime.
    /// </summary>
    public static IReadOnlyList<DateTimeOffset> Latest(CronExpression cron, TimeZoneInfo zone, DateTimeOffset after, DateTimeOffset now, int count)
    {
        var span = TimeSpan.FromSeconds(1);
        while (true)
        {
            var from = now - after <= span ? after : now - span;
            var ticks = new Queue<DateTimeOffset>(count + 1);
            foreach (var t in cron.GetOccurrences(from, now, zone, fromInclusive: false, toInclusive: true))
            {
                ticks.Enqueue(t.ToUniversalTime());
                if (ticks.Count > count) ticks.Dequeue();
            }
            if (ticks.Count >= count || from == after) return ticks.ToArray();
            span *= 2;
        }
    }

    /// <summary>
    /// The job of one tick and its id, derived from (tenant, schedule id, fire time): a tick fired twice names
    /// the same job, which its partition recognises. Jitter delays the job's start by a fixed amount per tick.
    /// </summary>
    public static (JobSpec Spec, string JobId) JobFor(ScheduleEntry s, DateTimeOffset fire, bool misfired)
    {
        var jitter = Jitter(s, fire);
        var spec = s.Spec.Job with
        {
            Tenant = s.Tenant,
            ScheduleId = s.Id,
            ScheduledFor = fire,
            Misfired = misfired ? true : null,
            RunAt = jitter > TimeSpan.Zero ? fire + jitter : null,
        };
        return (spec, PartitionLayout.IdFor(spec.Queue, JobIds.ForScheduleTick(s.Tenant, s.Id, fire)));
    }

    /// <summary>0..jitterMs, the same for the same tick on every node (FNV-1a of the schedule and the fire time).</summary>
    public static TimeSpan Jitter(ScheduleEntry s, DateTimeOffset fire)
    {
        if (s.Spec.JitterMs <= 0) return TimeSpan.Zero;
        var hash = JobIds.PartitionOf($"{s.Tenant}\n{s.Id}\n{fire.UtcTicks}", s.Spec.JitterMs + 1);
        return TimeSpan.FromMilliseconds(hash);
    }

    /// <summary>Two definitions are the same when their stored JSON is (list members compare by content, not reference).</summary>
    public static bool SameDefinition(ScheduleSpec a, ScheduleSpec b) =>
        JsonSerializer.Serialize(a, JobsSerializer.Options) == JsonSerializer.Serialize(b, JobsSerializer.Options);

    private static TimeZoneInfo Zone(ScheduleSpec spec) => FindZone(spec.TimeZone) ?? TimeZoneInfo.Utc;
}
