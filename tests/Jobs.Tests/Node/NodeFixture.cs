using Jobs.Tests.Support;
using Xunit;

namespace Jobs.Tests.Node;

/// <summary>One real node process shared by the tests of a class.</summary>
public sealed class NodeFixture : IAsyncLifetime
{
    public NodeProcess Node { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Node = await NodeProcess.StartAsync(TestPaths.NewTempDir("node-api"), env: new Dictionary<string, string>
        {
            ["JOBS_CAPACITY"] = "4",
            ["JOBS_CANCEL_GRACE_MS"] = "500",
        });

    public async Task DisposeAsync() => await Node.DisposeAsync();
}
