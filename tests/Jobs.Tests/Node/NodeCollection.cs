using Xunit;

namespace Jobs.Tests.Node;

/// <summary>
/// Tests that run real node processes share this collection, so at most one such test runs at a
/// time, and share one real PostgreSQL server (each test takes a fresh database of its own).
/// </summary>
[CollectionDefinition(Name)]
public sealed class NodeCollection : ICollectionFixture<Support.PostgresFixture>
{
    public const string Name = "node processes";
}
