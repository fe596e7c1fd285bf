using Xunit;

namespace Jobs.Tests.Node;

/// <summary>Tests that run real node processes share this collection, so at most one such test runs at a time.</summary>
[CollectionDefinition(Name)]
public sealed class NodeCollection
{
    public const string Name = "node processes";
}
