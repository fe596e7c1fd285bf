using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Support;

public static class NodeStartFailure
{
    /// <summary>
    /// Starts a node that must refuse to start and returns why. A node that starts anyway is
    /// stopped before the test fails, so no process outlives the test.
    /// </summary>
    public static async Task<InvalidOperationException> ExpectAsync(string name, ITestOutputHelper output, IReadOnlyDictionary<string, string> env) =>
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir(name), output, env, waitReady: false);
        });
}
