using System.Collections.Immutable;
using Jobs.Messages;

namespace Jobs.Actors.Schedules;

/// <summary>
/// The schedules of one group (the tenants whose <see cref="ScheduleKeys.GroupOf"/> it is), by key
/// (<see cref="ScheduleKeys.For"/>). Immutable; <see cref="Apply"/> is pure and the only way it changes;
/// the decide functions turn a command into the event to journal (null: nothing changes).
/// </summary>
public sealed record ScheduleGroupState(ImmutableSortedDictionary<string, ScheduleEntry> Schedules)
{
    public static readonly ScheduleGroupState Empty = new(ImmutableSortedDictionary.Create<string, ScheduleEntry>(StringComparer.Ordinal));

    public static ScheduleGroupState From(ScheduleGroupSnapshot snapshot) =>
        new(snapshot.Schedules.ToImmutableSortedDictionary(s => ScheduleKeys.For(s.Tenant, s.Id), s => s, StringComparer.Ordinal));

    public ScheduleGroupSnapshot ToSnapshot() => new(Schedules.Values.ToArray());

    public ScheduleEntry? Find(string tenant, string id) => Schedules.GetValueOrDefault(ScheduleKeys.For(tenant, id));

    public IEnumerable<ScheduleEntry> OfTenant(string tenant) => Schedules.Values.Where(s => s.Tenant == tenant);

    public ScheduleGroupState Apply(object e) => e switch
    {
        ScheduleDefined d => this with
        {
            Schedules = Schedules.SetItem(ScheduleKeys.For(d.Tenant, d.ScheduleId), Find(d.Tenant, d.ScheduleId) is { } old
                ? old with { Spec = d.Spec, After = Max(old.After, d.At) }
                : new ScheduleEntry { Tenant = d.Tenant, Id = d.ScheduleId, Spec = d.Spec, After = d.At }),
        },
        SchedulePaused p => Update(p.Tenant, p.ScheduleId, s => s with { Paused = true }),
        ScheduleResumed r => Update(r.Tenant, r.ScheduleId, s => s with { Paused = false, After = Max(s.After, r.At) }),
        ScheduleRemoved x => this with { Schedules = Schedules.Remove(ScheduleKeys.For(x.Tenant, x.ScheduleId)) },
        ScheduleTicked t when t.FiredFor.Count > 0 => Update(t.Tenant, t.ScheduleId, s => s with
        {
            After = Max(s.After, t.FiredFor[^1]),
            LastRunAt = t.FiredFor[^1],
            LastJobId = t.LastJobId,
        }),
        _ => this,
    };

    /// <summary>
    /// Create (within the tenant's cap) or replace. The same definition again changes nothing; a different one
    /// replaces it and counts its ticks from <paramref name="now"/>, so a replacement never fires a tick twice.
    /// </summary>
    public (ScheduleDefined? Event, string? Refusal) DecidePut(PutSchedule put, DateTimeOffset now)
    {
        var existing = Find(put.Tenant, put.ScheduleId);
        if (existing is not null && ScheduleRules.SameDefinition(existing.Spec, put.Spec)) return (null, null);
        if (existing is null && OfTenant(put.Tenant).Count() >= put.MaxPerTenant)
            return (null, $"tenant '{put.Tenant}' has {put.MaxPerTenant} schedules, as many as it may have; delete one first");
        return (new ScheduleDefined(put.Tenant, put.ScheduleId, put.Spec, now), null);
    }

    public SchedulePaused? DecidePause(string tenant, string id, DateTimeOffset now) =>
        Find(tenant, id) is { Paused: false } ? new SchedulePaused(tenant, id, now) : null;

    public ScheduleResumed? DecideResume(string tenant, string id, DateTimeOffset now) =>
        Find(tenant, id) is { Paused: true } ? new ScheduleResumed(tenant, id, now) : null;

    public static ScheduleView View(ScheduleEntry s, string node) =>
        new(s.Id, s.Tenant, s.Spec, s.Paused, ScheduleRules.NextRunAt(s), s.LastRunAt, s.LastJobId, node);

    private ScheduleGroupState Update(string tenant, string id, Func<ScheduleEntry, ScheduleEntry> change) =>
        Find(tenant, id) is { } s ? this with { Schedules = Schedules.SetItem(ScheduleKeys.For(tenant, id), change(s)) } : this;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;
}
