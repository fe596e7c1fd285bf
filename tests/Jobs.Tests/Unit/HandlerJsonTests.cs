using System.Text.Json;
using Jobs.Handlers;
using Jobs.Messages;
using Jobs.Messages.Serialization;
using Xunit;

namespace Jobs.Tests.Unit;

/// <summary>The handler SDK writes results with the conventions of the engine's own messages (it cannot reference them: it carries no engine).</summary>
public sealed class HandlerJsonTests
{
    [Fact]
    public void A_result_is_written_as_the_engine_writes_its_messages()
    {
        var value = new { Name = "x", Kind = FailureKind.Permanent, Missing = (string?)null, Nested = new { CountOfThings = 1 }, At = DateTimeOffset.UnixEpoch };
        Assert.Equal(JsonSerializer.Serialize(value, JobsSerializer.Options), HandlerJson.Serialize(value));
        Assert.Equal("""{"name":"x","kind":"permanent","nested":{"countOfThings":1},"at":"1970-01-01T00:00:00+00:00"}""", HandlerJson.Serialize(value));
    }

    [Fact]
    public void Raw_json_and_json_elements_are_kept_as_they_are()
    {
        Assert.Equal("""{"a" : 1}""", HandlerJson.Serialize(new RawJson("""{"a" : 1}""")));
        Assert.Equal("""[1, 2]""", HandlerJson.Serialize(JsonDocument.Parse("[1, 2]").RootElement));
        Assert.Null(HandlerJson.Serialize(null));
    }
}
