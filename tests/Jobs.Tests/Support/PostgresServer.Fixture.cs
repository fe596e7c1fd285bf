using Xunit;

namespace Jobs.Tests.Support;

/// <summary>xunit lifetime for the server (the server itself is xunit-free, so bench/ links it too).</summary>
public sealed partial class PostgresServer : IAsyncLifetime;
