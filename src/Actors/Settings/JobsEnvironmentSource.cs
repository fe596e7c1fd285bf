using Microsoft.Extensions.Configuration;

namespace Jobs.Actors.Settings;

/// <summary>
/// The <c>JOBS_*</c> variables of <see cref="SettingNames"/> under their configuration keys. Added
/// after the other sources, so a variable wins over appsettings.json. A list variable becomes
/// indexed keys (<c>Jobs:Cluster:Seeds:0</c>, <c>:1</c>…), which bind to a list.
/// </summary>
public sealed class JobsEnvironmentSource(Func<string, string?> getenv) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(getenv);

    private sealed class Provider(Func<string, string?> getenv) : ConfigurationProvider
    {
        public override void Load()
        {
            var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var alias in SettingNames.All)
            {
                if (getenv(alias.Env) is not { Length: > 0 } value) continue;
                if (!alias.IsList)
                {
                    data[alias.Key] = value;
                    continue;
                }
                var items = value.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                for (var i = 0; i < items.Length; i++) data[$"{alias.Key}:{i}"] = items[i];
            }
            Data = data;
        }
    }
}

public static class JobsConfigurationExtensions
{
    /// <summary>Adds the <c>JOBS_*</c> variables (from the process environment unless <paramref name="getenv"/> is given).</summary>
    public static IConfigurationBuilder AddJobsEnvironment(this IConfigurationBuilder builder, Func<string, string?>? getenv = null) =>
        builder.Add(new JobsEnvironmentSource(getenv ?? Environment.GetEnvironmentVariable));
}
