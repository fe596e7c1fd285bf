using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Node;

/// <summary>
/// Jobs waiting on a dependency in other partitions, on a node killed with SIGKILL: after the
/// restart every partition recovers with no watch registered, and the dependency's end still
/// reaches every dependant.
/// </summary>
[Collection(NodeCollection.Name)]
public sealed class DependencyCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Dependants_waiting_at_a_crash_run_when_the_dependency_ends_after_the_restart()
    {
        var dataDir = TestPaths.NewTempDir("dependency-crash");
        await using var upstream = await HeldUpstream.StartAsync(); // answers only once released, after the restart
        var env = new Dictionary<string, string>(upstream.NodeEnv) { ["JOBS_CAPACITY"] = "4" };
        string dependency;
        var dependants = new List<string>();
        await using (var node = await NodeProcess.StartAsync(dataDir, output, env))
        {
            dependency = (await node.SubmitAsync(upstream.Job("/held/dependency"), retryBusy: true)).GetProperty("id").GetString()!;
            await node.WaitForStatusAsync(dependency, "running");
            for (var i = 0; i < 20; i++) // ids spread over the partitions: most watches cross partitions
                dependants.Add((await node.SubmitAsync(new { type = "noop", dependsOn = new[] { dependency } }, retryBusy: true)).GetProperty("id").GetString()!);
            foreach (var id in dependants) await node.WaitForStatusAsync(id, "scheduled");
            node.Kill();
        }

        await using var restarted = await NodeProcess.StartAsync(dataDir, output, env);
        upstream.Release();
        await restarted.WaitForStatusAsync(dependency, "completed", TimeSpan.FromSeconds(120));
        foreach (var id in dependants) await restarted.WaitForStatusAsync(id, "completed", TimeSpan.FromSeconds(60));
    }
}
