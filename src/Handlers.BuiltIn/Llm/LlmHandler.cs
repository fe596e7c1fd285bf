using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using System.Text.Json;
using NJsonSchema;
using OpenAI;
using OpenAI.Chat;

namespace Jobs.Handlers.BuiltIn.Llm;

/// <summary>
/// Chat completions against an OpenAI-compatible endpoint through the OpenAI SDK. Falls back
/// along the model list on 5xx, timeouts and 429; other 4xx are permanent. When every model
/// failed transiently the attempt fails transient, waiting at least the longest Retry-After.
/// With <c>responseSchema</c> (local <c>$ref</c>s only: <see cref="ResponseSchema"/>) the answer is validated (NJsonSchema) and re-asked with the errors
/// up to <see cref="LlmSettings.MaxReasks"/> times. The result carries the answer, the model that
/// gave it, token usage summed over all calls and the cost from the price table.
/// </summary>
public sealed class LlmHandler(LlmSettings settings) : JobHandler<LlmPayload>, IValidatesPayload
{
    public string? ValidatePayload(JsonElement? payload)
    {
        if (payload is not { ValueKind: JsonValueKind.Object } p) return "payload must be an object {\"model\" | \"models\", \"messages\", …}";
        var hasModel = p.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String;
        var hasModels = p.TryGetProperty("models", out var ms) && ms.ValueKind == JsonValueKind.Array && ms.GetArrayLength() > 0;
        if (!hasModel && !hasModels) return "payload needs \"model\" or a non-empty \"models\" list";
        if (!p.TryGetProperty("messages", out var msgs) || msgs.ValueKind != JsonValueKind.Array || msgs.GetArrayLength() == 0)
            return "payload.messages must be a non-empty array of {\"role\", \"content\"}";
        foreach (var msg in msgs.EnumerateArray())
            if (msg.ValueKind != JsonValueKind.Object || !msg.TryGetProperty("role", out var r) || r.GetString() is not ("system" or "user" or "assistant")
                || !msg.TryGetProperty("content", out var c) || c.ValueKind != JsonValueKind.String)
                return "each message needs role system|user|assistant and a string content";
        if (p.TryGetProperty("responseSchema", out var s) && s.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            return "payload.responseSchema must be a JSON Schema object";
        return s.ValueKind == JsonValueKind.Object ? ResponseSchema.Problem(s) : null;
    }

    protected override async Task<object?> HandleAsync(LlmPayload payload, JobContext context, CancellationToken ct)
    {
        if (settings.Endpoint is null) throw new PermanentJobException("llm jobs are not configured on this node (JOBS_LLM_BASE_URL)");
        var models = Order(payload);
        if (models.Count == 0) throw new PermanentJobException("payload needs \"model\" or \"models\"");
        JsonSchema? schema = payload.ResponseSchema is { ValueKind: JsonValueKind.Object } s ? await ResponseSchema.ParseAsync(s, ct) : null;

        var messages = payload.Messages.Select(ToMessage).ToList();
        var options = new ChatCompletionOptions { Temperature = payload.Temperature, MaxOutputTokenCount = payload.MaxTokens };
        if (schema is not null)
            options.ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("result", BinaryData.FromString(payload.ResponseSchema!.Value.GetRawText()), jsonSchemaIsStrict: true);

        long input = 0, output = 0;
        decimal cost = 0;
        var tried = new List<object>();
        TimeSpan? retryAfter = null;
        foreach (var model in models)
        {
            var client = Client(model);
            for (var ask = 0; ; ask++)
            {
                Answer answer;
                try
                {
                    answer = payload.Stream ? await StreamAsync(client, messages, options, context, ct) : await CompleteAsync(client, messages, options, ct);
                }
                catch (ClientResultException e) when (e.Status is 429 or 408 or >= 500 or 0)
                {
                    tried.Add(new { model, error = $"{(e.Status == 0 ? "no answer" : e.Status)}: {Short(e.Message)}" });
                    if (RetryAfterOf(e) is { } ra && (retryAfter is null || ra > retryAfter)) retryAfter = ra;
                    break; // next model
                }
                catch (ClientResultException e)
                {
                    throw new PermanentJobException($"{model} answered {e.Status}: {Short(e.Message)}", e);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    tried.Add(new { model, error = "timed out" });
                    break;
                }
                input += answer.InputTokens;
                output += answer.OutputTokens;
                cost += settings.PriceTable.TryGetValue(model, out var price) ? price.Cost(answer.InputTokens, answer.OutputTokens) : 0;
                if (schema is null)
                    return Result(model, answer.Text, null, input, output, cost, tried, ask);
                var (json, errors) = Validate(schema, answer.Text);
                if (errors is null) return Result(model, answer.Text, json, input, output, cost, tried, ask);
                if (ask >= settings.MaxReasks)
                    throw new PermanentJobException($"{model}'s answer did not match responseSchema after {ask + 1} tries: {errors}");
                messages.Add(new AssistantChatMessage(answer.Text));
                messages.Add(new UserChatMessage($"Your answer does not match the required JSON Schema: {errors}. Answer again with only JSON that matches the schema."));
            }
        }
        throw new TransientJobException($"every model failed: {string.Join("; ", tried.Select(t => JsonSerializer.Serialize(t)))}", null, retryAfter);
    }

    private IReadOnlyList<string> Order(LlmPayload p)
    {
        var list = (p.Models is { Count: > 0 } ms ? ms : p.Model is { } m ? [m] : []).Distinct().ToList();
        if (string.Equals(p.Route, "cheapest", StringComparison.OrdinalIgnoreCase))
            list = list.OrderBy(m => settings.PriceTable.TryGetValue(m, out var price) ? price.InputPerMillion + price.OutputPerMillion : decimal.MaxValue).ToList();
        return list;
    }

    private ChatClient Client(string model)
    {
        var options = new OpenAIClientOptions
        {
            Endpoint = settings.Endpoint,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0), // the engine retries (with backoff and Retry-After)
            NetworkTimeout = settings.RequestTimeout,
        };
        return new ChatClient(model, new ApiKeyCredential(settings.ApiKey ?? "none"), options);
    }

    private sealed record Answer(string Text, long InputTokens, long OutputTokens);

    private static async Task<Answer> CompleteAsync(ChatClient client, List<ChatMessage> messages, ChatCompletionOptions options, CancellationToken ct)
    {
        ChatCompletion c = await client.CompleteChatAsync(messages, options, ct);
        return new Answer(string.Concat(c.Content.Select(p => p.Text)), c.Usage?.InputTokenCount ?? 0, c.Usage?.OutputTokenCount ?? 0);
    }

    /// <summary>Streams the answer; each chunk is a progress report (the runner throttles them before they leave the node).</summary>
    private static async Task<Answer> StreamAsync(ChatClient client, List<ChatMessage> messages, ChatCompletionOptions options, JobContext context, CancellationToken ct)
    {
        var text = new StringBuilder();
        long input = 0, output = 0, chunks = 0;
        await foreach (var update in client.CompleteChatStreamingAsync(messages, options, ct))
        {
            foreach (var part in update.ContentUpdate) text.Append(part.Text);
            if (update.Usage is { } usage) (input, output) = (usage.InputTokenCount, usage.OutputTokenCount);
            if (update.ContentUpdate.Count > 0)
                context.ReportProgress(null, text.Length <= 200 ? text.ToString() : "…" + text.ToString(text.Length - 200, 200), $"streaming, {++chunks} chunks");
        }
        return new Answer(text.ToString(), input, output);
    }

    private static (JsonElement? Json, string? Errors) Validate(JsonSchema schema, string text)
    {
        JsonElement json;
        try
        {
            json = JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException e)
        {
            return (null, $"the answer is not JSON ({e.Message})");
        }
        var errors = schema.Validate(text);
        return errors.Count == 0 ? (json, null) : (json, string.Join("; ", errors.Select(e => $"{e.Path}: {e.Kind}")));
    }

    private static object Result(string model, string content, JsonElement? json, long input, long output, decimal cost, List<object> tried, int reasks) => new
    {
        model,
        content,
        json,
        usage = new { promptTokens = input, completionTokens = output, totalTokens = input + output },
        costUsd = cost,
        reasks,
        fallbacks = tried,
    };

    private static ChatMessage ToMessage(LlmMessage m) => m.Role switch
    {
        "system" => new SystemChatMessage(m.Content),
        "assistant" => new AssistantChatMessage(m.Content),
        "user" => new UserChatMessage(m.Content),
        _ => throw new PermanentJobException($"unknown message role '{m.Role}'"),
    };

    private static TimeSpan? RetryAfterOf(ClientResultException e)
    {
        var headers = e.GetRawResponse()?.Headers;
        return headers is not null && headers.TryGetValue("Retry-After", out var value) ? RetryAfter.Parse(value) : null;
    }

    private static string Short(string s) => s.Length <= 200 ? s : s[..200] + "…";
}
