using Jobs.Messages.Serialization;
using Xunit;

namespace Jobs.Tests.Unit;

public sealed class JsonTextTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("null")]
    [InlineData("42")]
    [InlineData("\"text\"")]
    [InlineData(" {\"a\":[1,2,{\"b\":null}]} ")]
    public void One_json_value_is_fine(string? text) => Assert.Null(JsonText.Problem(text));

    [Theory]
    [InlineData("")]
    [InlineData("{not json")]
    [InlineData("{\"a\":")]
    [InlineData("[1] [2]")]
    [InlineData("nope")]
    public void Anything_else_says_what_is_wrong(string text) => Assert.NotNull(JsonText.Problem(text));
}
