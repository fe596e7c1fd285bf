using Xunit;

namespace Jobs.Tests.Support;

/// <summary>A real PostgreSQL server for a test class (xunit's lifetime over the xunit-free server the benchmarks share).</summary>
public sealed class PostgresFixture : PostgresServer, IAsyncLifetime;
