using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Jobs.Tests.Support;

/// <summary>
/// A stand-in for an OpenAI-compatible provider (the only fake the tests use: no LLM provider
/// exists here): a real HTTP server on loopback speaking the chat-completions wire protocol,
/// plain and streaming (SSE). Each request takes the next scripted reply for its model.
/// </summary>
public sealed class FakeChatCompletions : IAsyncDisposable
{
    public abstract record Reply;
    public sealed record Answer(string Content, int PromptTokens = 10, int CompletionTokens = 5) : Reply;
    public sealed record Error(int Status, string? RetryAfter = null) : Reply;

    private readonly ConcurrentDictionary<string, ConcurrentQueue<Reply>> _script = new();
    private LoopbackHttpServer _server = null!;

    /// <summary>Every request: when it came, its model, and its JSON body.</summary>
    public ConcurrentQueue<(DateTimeOffset At, string Model, JsonElement Body)> Requests { get; } = new();

    public Uri BaseUrl => new(_server.BaseAddress, "/v1");

    public static async Task<FakeChatCompletions> StartAsync()
    {
        var fake = new FakeChatCompletions();
        fake._server = await LoopbackHttpServer.StartAsync(fake.Respond);
        return fake;
    }

    public FakeChatCompletions Script(string model, params Reply[] replies)
    {
        var q = _script.GetOrAdd(model, _ => new ConcurrentQueue<Reply>());
        foreach (var r in replies) q.Enqueue(r);
        return this;
    }

    private async Task Respond(HttpContext http, string body)
    {
        if (http.Request.Path != "/v1/chat/completions" || http.Request.Method != "POST")
        {
            http.Response.StatusCode = 404;
            return;
        }
        var json = JsonDocument.Parse(body).RootElement.Clone();
        var model = json.GetProperty("model").GetString()!;
        Requests.Enqueue((DateTimeOffset.UtcNow, model, json));
        var reply = _script.TryGetValue(model, out var q) && q.TryDequeue(out var r) ? r : new Error(404);
        if (reply is Error e)
        {
            http.Response.StatusCode = e.Status;
            if (e.RetryAfter is not null) http.Response.Headers.RetryAfter = e.RetryAfter;
            await http.Response.WriteAsJsonAsync(new { error = new { message = $"scripted {e.Status}", type = "test", code = e.Status.ToString() } });
            return;
        }
        var a = (Answer)reply;
        var usage = new { prompt_tokens = a.PromptTokens, completion_tokens = a.CompletionTokens, total_tokens = a.PromptTokens + a.CompletionTokens };
        var created = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        if (json.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True)
        {
            http.Response.ContentType = "text/event-stream";
            foreach (var piece in Chunk(a.Content, 3))
                await Sse(http, new { id = "c1", @object = "chat.completion.chunk", created, model, choices = new[] { new { index = 0, delta = new { content = piece }, finish_reason = (string?)null } } });
            await Sse(http, new { id = "c1", @object = "chat.completion.chunk", created, model, choices = new[] { new { index = 0, delta = new { }, finish_reason = "stop" } } });
            await Sse(http, new { id = "c1", @object = "chat.completion.chunk", created, model, choices = Array.Empty<object>(), usage });
            await http.Response.WriteAsync("data: [DONE]\n\n");
            return;
        }
        await http.Response.WriteAsJsonAsync(new
        {
            id = "c1",
            @object = "chat.completion",
            created,
            model,
            choices = new[] { new { index = 0, message = new { role = "assistant", content = a.Content }, finish_reason = "stop" } },
            usage,
        });
    }

    private static async Task Sse(HttpContext http, object chunk)
    {
        await http.Response.WriteAsync("data: " + JsonSerializer.Serialize(chunk) + "\n\n");
        await http.Response.Body.FlushAsync();
    }

    private static IEnumerable<string> Chunk(string s, int size)
    {
        for (var i = 0; i < s.Length; i += size) yield return s.Substring(i, Math.Min(size, s.Length - i));
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
