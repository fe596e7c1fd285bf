using System.Reflection;
using Jobs.Actors.Settings;
using Jobs.Testing;
using Xunit;

namespace Jobs.Tests.Docs;

/// <summary>docs/configuration.md lists every setting a node binds and every tunable that stays a constant in code.</summary>
public sealed class ConfigurationDocsTests
{
    private static readonly string Page = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "configuration.md"));

    /// <summary>Constants that identify rather than tune (exit codes, the OS's numbers); everything else numeric or a duration is a tunable.</summary>
    private static readonly HashSet<string> NotTunables = ["NodeExitCode", "ProcessLimits"];

    [Fact]
    public void Every_variable_and_every_key_of_the_settings_model_is_on_the_page()
    {
        var missing = SettingNames.All.Select(a => a.Env).Where(env => !Page.Contains($"`{env}`", StringComparison.Ordinal)).ToList();
        foreach (var section in typeof(JobsOptions).GetProperties().Where(p => p.CanWrite))
            foreach (var setting in section.PropertyType.GetProperties().Where(p => p.CanWrite))
            {
                var key = $"{JobsOptions.Section}:{section.Name}:{setting.Name}";
                if (!Page.Contains($"`{key}`", StringComparison.Ordinal)) missing.Add(key);
            }
        Assert.True(missing.Count == 0, "not in docs/configuration.md: " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_tunable_constant_is_on_the_page_with_its_type()
    {
        var missing = new List<string>();
        var found = 0;
        foreach (var assembly in CodeNames.ProjectAssemblies.Where(a => a.GetName().Name is "Cluster.Node")
                     .Concat([typeof(JobsOptions).Assembly, typeof(global::Jobs.Handlers.BuiltIn.NoopHandler).Assembly, typeof(global::Jobs.Sandbox.Limits).Assembly]))
            foreach (var type in assembly.GetTypes().Where(t => !t.Name.Contains('<') && !NotTunables.Contains(t.Name)))
                foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly))
                {
                    var tunable = (field.IsLiteral && field.FieldType is var t && (t == typeof(int) || t == typeof(long) || t == typeof(double)))
                                  || (field.IsInitOnly && field.FieldType == typeof(TimeSpan));
                    if (!tunable) continue;
                    found++;
                    if (!Page.Contains($"`{type.Name}.{field.Name}`", StringComparison.Ordinal)) missing.Add($"{type.Name}.{field.Name}");
                }
        Assert.True(found > 30, $"only {found} constants found: the scan does not see the assemblies");
        Assert.True(missing.Count == 0, "constants not in docs/configuration.md: " + string.Join(", ", missing));
    }
}
