using System.Text.Json;
using Jobs.Actors.Attempts;
using Jobs.Handlers;
using Jobs.Handlers.BuiltIn;
using Jobs.Handlers.BuiltIn.Llm;
using Jobs.Handlers.Testing;
using Jobs.Testing;
using Jobs.Tests.Support;
using Microsoft.AspNetCore.Http;
using Xunit;
using static Jobs.Tests.Support.FakeChatCompletions;

namespace Jobs.Tests.Handlers;

/// <summary>The llm job type through the OpenAI SDK against a real chat-completions server on loopback.</summary>
public sealed class LlmHandlerTests : IAsyncLifetime
{
    private FakeChatCompletions _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeChatCompletions.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    private LlmHandler Handler() => new(new LlmSettings
    {
        BaseUrl = _fake.BaseUrl.ToString(),
        ApiKey = "sk-test",
        Prices = "big=10/30;small=1/2",
    });

    private static object Ask(object models, bool stream = false, object? schema = null, string? route = null) => new
    {
        models,
        messages = new[] { new { role = "user", content = "How many?" } },
        stream,
        responseSchema = schema,
        route,
    };

    [Fact]
    public async Task A_503_falls_back_to_the_next_model_which_answers_with_usage_and_cost()
    {
        _fake.Script("big", new Error(503)).Script("small", new Answer("three", PromptTokens: 100, CompletionTokens: 20));

        var run = await HandlerTestKit.RunAsync(Handler(), Ask(new[] { "big", "small" }));

        Assert.Null(run.Error);
        var r = JsonDocument.Parse(run.ResultJson!).RootElement;
        Assert.Equal("small", r.GetProperty("model").GetString());
        Assert.Equal("three", r.GetProperty("content").GetString());
        Assert.Equal(120, r.GetProperty("usage").GetProperty("totalTokens").GetInt32());
        Assert.Equal((100 * 1 + 20 * 2) / 1_000_000m, r.GetProperty("costUsd").GetDecimal());
        Assert.Equal(["big", "small"], _fake.Requests.Select(q => q.Model));
    }

    [Fact]
    public async Task A_429_with_retry_after_is_transient_and_carries_the_wait()
    {
        _fake.Script("small", new Error(429, RetryAfter: "1"));
        var run = await HandlerTestKit.RunAsync(Handler(), Ask(new[] { "small" }));
        var e = Assert.IsType<TransientJobException>(run.Error);
        Assert.Equal(TimeSpan.FromSeconds(1), e.RetryAfter);
    }

    [Fact]
    public async Task A_400_fails_permanently_without_trying_other_models()
    {
        _fake.Script("big", new Error(400)).Script("small", new Answer("unused"));
        var run = await HandlerTestKit.RunAsync(Handler(), Ask(new[] { "big", "small" }));
        Assert.IsType<PermanentJobException>(run.Error);
        Assert.Equal(["big"], _fake.Requests.Select(q => q.Model));
    }

    [Fact]
    public async Task An_answer_violating_the_schema_is_re_asked_with_the_errors_and_the_valid_one_is_the_result()
    {
        _fake.Script("small", new Answer("""{"count":"three"}"""), new Answer("""{"count":3}"""));
        var schema = new { type = "object", properties = new { count = new { type = "integer" } }, required = new[] { "count" }, additionalProperties = false };

        var run = await HandlerTestKit.RunAsync(Handler(), Ask(new[] { "small" }, schema: schema));

        Assert.Null(run.Error);
        var r = JsonDocument.Parse(run.ResultJson!).RootElement;
        Assert.Equal(3, r.GetProperty("json").GetProperty("count").GetInt32());
        Assert.Equal(1, r.GetProperty("reasks").GetInt32());
        var second = _fake.Requests.Last().Body.GetProperty("messages");
        Assert.Equal(3, second.GetArrayLength()); // question, the bad answer, the correction
        Assert.Contains("count", second[2].GetProperty("content").GetString());
        Assert.Contains("does not match the required JSON Schema", second[2].GetProperty("content").GetString());
        Assert.Equal("json_schema", _fake.Requests.First().Body.GetProperty("response_format").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Streaming_tokens_become_progress_and_the_whole_answer_is_the_result()
    {
        _fake.Script("small", new Answer("Hello, streaming world", PromptTokens: 7, CompletionTokens: 4));
        var run = await HandlerTestKit.RunAsync(Handler(), Ask(new[] { "small" }, stream: true));

        Assert.Null(run.Error);
        var r = JsonDocument.Parse(run.ResultJson!).RootElement;
        Assert.Equal("Hello, streaming world", r.GetProperty("content").GetString());
        Assert.Equal(11, r.GetProperty("usage").GetProperty("totalTokens").GetInt32());
        Assert.True(run.Progress.Count >= 2);
        Assert.Equal("Hello, streaming world", run.Progress[^1].Message);
    }

    [Fact]
    public async Task Route_cheapest_tries_the_cheaper_model_first()
    {
        _fake.Script("small", new Answer("cheap")).Script("big", new Answer("dear"));
        var run = await HandlerTestKit.RunAsync(Handler(), Ask(new[] { "big", "small" }, route: "cheapest"));
        Assert.Equal("small", JsonDocument.Parse(run.ResultJson!).RootElement.GetProperty("model").GetString());
        Assert.Equal(["small"], _fake.Requests.Select(q => q.Model));
    }

    [Fact]
    public void Bad_payloads_and_price_tables_are_refused_up_front()
    {
        var h = Handler();
        Assert.NotNull(h.ValidatePayload(JsonDocument.Parse("""{"messages":[{"role":"user","content":"x"}]}""").RootElement));
        Assert.NotNull(h.ValidatePayload(JsonDocument.Parse("""{"model":"m","messages":[]}""").RootElement));
        Assert.NotNull(h.ValidatePayload(JsonDocument.Parse("""{"model":"m","messages":[{"role":"robot","content":"x"}]}""").RootElement));
        Assert.Null(h.ValidatePayload(JsonDocument.Parse("""{"model":"m","messages":[{"role":"user","content":"x"}]}""").RootElement));
        Assert.Throws<InvalidOperationException>(() => LlmSettings.ParsePrices("gpt=1"));
    }

    [Theory]
    [InlineData("url")]
    [InlineData("file")]
    public async Task A_response_schema_with_an_external_ref_is_refused_and_nothing_is_fetched(string kind)
    {
        const string secret = "INTERNAL-ONLY-7f3a";
        await using var internalService = await LoopbackHttpServer.StartAsync(async (http, _) =>
            await http.Response.WriteAsJsonAsync(new { type = "object", required = new[] { secret }, description = secret }));
        var file = Path.Combine(TestPaths.NewTempDir("llm-ref"), "schema.json");
        await File.WriteAllTextAsync(file, $$"""{"type":"object","required":["{{secret}}"]}""");
        var reference = kind == "url" ? new Uri(internalService.BaseAddress, "/schema.json").ToString() : file;
        _fake.Script("small", new Answer("""{"count":3}"""), new Answer("""{"count":3}"""), new Answer("""{"count":3}"""));
        var schema = new { type = "object", properties = new { count = new Dictionary<string, string> { ["$ref"] = reference } } };

        var run = await HandlerTestKit.RunAsync(Handler(), Ask(new[] { "small" }, schema: schema));

        Assert.Empty(internalService.Requests);
        var error = Assert.IsType<PermanentJobException>(run.Error);
        Assert.DoesNotContain(secret, error.ToString());
        Assert.Contains("$ref", error.Message);
        Assert.Empty(_fake.Requests);
        var problem = Handler().ValidatePayload(JsonSerializer.SerializeToElement(Ask(new[] { "small" }, schema: schema)));
        Assert.NotNull(problem);
        Assert.Contains("$ref", problem);
        Assert.Empty(internalService.Requests);
    }

    [Fact]
    public async Task A_response_schema_with_local_refs_is_accepted_and_validates_the_answer()
    {
        _fake.Script("small", new Answer("""{"count":"three"}"""), new Answer("""{"count":3}"""));
        var schema = new Dictionary<string, object>
        {
            ["type"] = "object",
            ["definitions"] = new { whole = new { type = "integer" } },
            ["properties"] = new { count = new Dictionary<string, string> { ["$ref"] = "#/definitions/whole" } },
            ["required"] = new[] { "count" },
        };
        var payload = Ask(new[] { "small" }, schema: schema);

        Assert.Null(Handler().ValidatePayload(JsonSerializer.SerializeToElement(payload)));
        var run = await HandlerTestKit.RunAsync(Handler(), payload);

        Assert.Null(run.Error);
        Assert.Equal(1, JsonDocument.Parse(run.ResultJson!).RootElement.GetProperty("reasks").GetInt32());
    }
}
