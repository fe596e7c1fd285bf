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

    [Fact]
    public void Numbers_compare_by_their_exact_value()
    {
        Assert.NotEqual(Hash("""{"a":1e-30}"""), Hash("""{"a":0}"""));
        Assert.NotEqual(Hash("""{"a":1e-30}"""), Hash("""{"a":1e-31}"""));
        Assert.NotEqual(Hash("""{"a":0.10000000000000000000000000001}"""), Hash("""{"a":0.1}"""));
        Assert.NotEqual(Hash("""{"a":79228162514264337593543950336}"""), Hash("""{"a":79228162514264337593543950337}"""));
        Assert.Equal(Hash("""{"a":[1,1.0,1e0,10e-1,0.1e1,100E-2]}"""), Hash("""{"a":[1,1,1,1,1,1]}"""));
        Assert.Equal(Hash("""{"a":[0,-0,0.0,0e5]}"""), Hash("""{"a":[0,0,0,0]}"""));
        Assert.Equal(Hash("""{"a":1500}"""), Hash("""{"a":1.5e3}"""));
        Assert.NotEqual(Hash("""{"a":-1}"""), Hash("""{"a":1}"""));
    }

    [Fact]
    public void Numbers_of_any_size_are_hashed_without_rounding()
    {
        Assert.NotEqual(Hash("""{"a":1e400}"""), Hash("""{"a":1e401}"""));
        Assert.NotEqual(Hash("""{"a":1e-400}"""), Hash("""{"a":0}"""));
        Assert.Equal(Hash("""{"a":1e400}"""), Hash("""{"a":10e399}"""));
        Assert.NotEqual(Hash("""{"a":1e99999999999999999999}"""), Hash("""{"a":1e99999999999999999998}"""));
    }

    [Fact]
    public void Strings_with_lone_surrogates_hash_without_throwing()
    {
        var lone = Hash("""{"a":"\ud800"}""");
        Assert.Equal(lone, Hash("""{"a":"\uD800"}"""));
        Assert.NotEqual(lone, Hash("""{"a":"\udc00"}"""));
        Assert.NotEqual(lone, Hash("""{"a":""}"""));
        Assert.NotEqual(Hash("""{"\udfff":1}"""), Hash("""{"\udffe":1}"""));
        Assert.Equal(Hash("""["\ud83d\ude00"]"""), Hash("""["😀"]""")); // a pair is the character it encodes
    }

    [Fact]
    public void Strings_compare_by_their_characters_whatever_the_escapes()
    {
        Assert.Equal(Hash("""{"a":"x\"y\\z\/\n\u00e9"}"""), Hash("""{"\u0061":"x\"y\\z/\né"}"""));
        Assert.NotEqual(Hash("""{"a":"\\u0041"}"""), Hash("""{"a":"A"}"""));
        Assert.NotEqual(Hash("""{"a":"b","c":"d"}"""), Hash("""{"a":"b\",\"c\":\"d"}"""));
    }
}
