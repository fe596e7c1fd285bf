using System.ComponentModel.DataAnnotations;

namespace Jobs.Actors.Settings;

/// <summary>How long finished jobs are kept (docs/architecture.md, "Retention"), as durations (<see cref="DurationText"/>).</summary>
public sealed record RetentionOptions : IValidatableObject
{
    /// <summary>Completed jobs.</summary>
    public string Completed { get; init; } = "24h";

    /// <summary>Failed jobs (the DLQ).</summary>
    public string Failed { get; init; } = "7d";

    /// <summary>Cancelled jobs.</summary>
    public string Cancelled { get; init; } = "24h";

    /// <summary>The parsed periods (call after validation).</summary>
    public RetentionPeriods Periods => new(Parse(Completed), Parse(Failed), Parse(Cancelled));

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        foreach (var (name, value) in new[] { (nameof(Completed), Completed), (nameof(Failed), Failed), (nameof(Cancelled), Cancelled) })
            if (!DurationText.TryParse(value, out var d) || d < RetentionPeriods.Min || d > RetentionPeriods.Max)
                yield return new ValidationResult(
                    $"{SettingNames.NameOf("Jobs:Retention:" + name)}={value} is invalid: expected {DurationText.Shape}, from 1s to {DurationText.Format(RetentionPeriods.Max)}",
                    [name]);
    }

    private static TimeSpan Parse(string value) =>
        DurationText.TryParse(value, out var d) ? d : throw new InvalidOperationException($"retention '{value}' is not a duration");
}
