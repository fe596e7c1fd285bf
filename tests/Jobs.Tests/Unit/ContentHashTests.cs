using Jobs.Actors.Dedupe;
using Jobs.Messages;
using Xunit;

namespace Jobs.Tests.Unit;

public sealed class ContentHashTests
{
    private static string Hash(string payload, string type = "http", string tenant = "default") =>
        ContentHash.Of(new JobSpec { Type = type, Payload = payload, Tenant = tenant });

    [Fact]
    public void The_same_work_written_differently_has_one_hash_and_different_work_another()
    {
        Assert.Equal(Hash("""{"a":1,"b":[1,2]}"""), Hash("""{ "b": [1, 2], "a": 1.0 }"""));
        Assert.NotEqual(Hash("""{"a":1}"""), Hash("""{"a":2}"""));
        Assert.NotEqual(Hash("""{"a":[1,2]}"""), Hash("""{"a":[2,1]}"""));
        Assert.NotEqual(Hash("""{"a":1}"""), Hash("""{"a":1}""", type: "llm"));
        Assert.NotEqual(Hash("""{"a":1}"""), Hash("""{"a":1}""", tenant: "acme")); // never across tenants
        Assert.NotEqual(Hash("""{"a":"1"}"""), Hash("""{"a":1}"""));
    }
}
