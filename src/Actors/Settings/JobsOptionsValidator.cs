using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Jobs.Actors.Settings;

/// <summary>
/// Binds <see cref="JobsOptions"/> once and checks it: every range and allowed value declared on
/// the option records, each record's own rules (<see cref="IValidatableObject"/>), and the names
/// of queues and roles. Every problem names the variable a deployer sets (<see cref="SettingNames"/>)
/// and what it accepts; secrets are never echoed.
/// </summary>
public sealed partial class JobsOptionsValidator : IValidateOptions<JobsOptions>
{
    /// <summary>Binds and validates; throws <see cref="InvalidOperationException"/> listing every problem.</summary>
    public static JobsOptions Load(IConfiguration configuration)
    {
        JobsOptions options;
        try
        {
            options = configuration.GetSection(JobsOptions.Section).Get<JobsOptions>(b => b.ErrorOnUnknownConfiguration = true) ?? new JobsOptions();
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException(Unbindable(e.Message), e);
        }
        var result = new JobsOptionsValidator().Validate(null, options);
        if (result.Failed) throw new InvalidOperationException("invalid settings: " + string.Join("; ", result.Failures!));
        return options;
    }

    public ValidateOptionsResult Validate(string? name, JobsOptions options)
    {
        var problems = new List<string>();
        foreach (var section in typeof(JobsOptions).GetProperties().Where(p => p.CanWrite))
        {
            var value = section.GetValue(options);
            if (value is null) continue;
            var prefix = $"{JobsOptions.Section}:{section.Name}:";
            var before = problems.Count;
            foreach (var p in value.GetType().GetProperties().Where(p => p.CanWrite))
            {
                var v = p.GetValue(value);
                foreach (var rule in p.GetCustomAttributes<ValidationAttribute>())
                    if (!rule.IsValid(v))
                        problems.Add($"{SettingNames.NameOf(prefix + p.Name)}={Shown(v)} is invalid: expected {Describe(rule)}");
            }
            // a record's own rules assume its values are each in range
            if (value is not IValidatableObject own || problems.Count > before) continue;
            foreach (var r in own.Validate(new ValidationContext(value)))
            {
                var setting = SettingNames.NameOf(prefix + r.MemberNames.FirstOrDefault());
                problems.Add(r.ErrorMessage!.StartsWith(setting, StringComparison.Ordinal) ? r.ErrorMessage : $"{setting}: {r.ErrorMessage}");
            }
        }
        foreach (var queue in options.Partitions.Queues)
            if (!QueueName().IsMatch(queue)) problems.Add($"JOBS_QUEUES: queue '{queue}' is invalid: expected [a-z0-9-]{{1,64}}");
        foreach (var role in options.Cluster.Roles)
            if (!QueueName().IsMatch(role)) problems.Add($"JOBS_CLUSTER_ROLES: role '{role}' is invalid: expected [a-z0-9-]{{1,64}}");
        if (HoconOverrides.Problem(options.Cluster.AkkaHocon) is { } hocon) problems.Add("JOBS_AKKA_HOCON is not valid HOCON: " + hocon);
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    /// <summary>Queue and role names: what job ids and cluster roles can carry.</summary>
    [GeneratedRegex("^[a-z0-9-]{1,64}$")]
    public static partial Regex QueueName();

    private static string Describe(ValidationAttribute rule) => rule switch
    {
        RangeAttribute r when r.OperandType == typeof(int) => string.Create(CultureInfo.InvariantCulture, $"an integer {r.Minimum}..{r.Maximum}"),
        RangeAttribute r => string.Create(CultureInfo.InvariantCulture, $"a number {r.Minimum}..{r.Maximum}"),
        AllowedValuesAttribute a => a.Values.Length == 1 ? $"{a.Values[0]}" : string.Join(", ", a.Values[..^1]) + " or " + a.Values[^1],
        _ => rule.FormatErrorMessage("the value"),
    };

    private static string Shown(object? value) => value switch
    {
        null => "(unset)",
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>The binder's "Failed to convert configuration value 'x' at 'Jobs:Node:Capacity' to type …", in the deployer's terms.</summary>
    private static string Unbindable(string message)
    {
        var m = ConversionFailure().Match(message);
        if (!m.Success) return "invalid settings: " + message;
        var key = m.Groups["key"].Value;
        var expected = RuleOf(key) is { } rule ? Describe(rule) : "a " + m.Groups["type"].Value.Split('.')[^1].ToLowerInvariant();
        return $"{SettingNames.NameOf(key)}={m.Groups["value"].Value} is invalid: expected {expected}";
    }

    private static ValidationAttribute? RuleOf(string key)
    {
        var parts = key.Split(':');
        if (parts.Length != 3) return null;
        var section = typeof(JobsOptions).GetProperty(parts[1], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
        return section?.PropertyType.GetProperty(parts[2], BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)
            ?.GetCustomAttribute<ValidationAttribute>();
    }

    [GeneratedRegex("value '(?<value>[^']*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex ConversionFailure();
}
