using Jobs.Handlers;
using Jobs.Handlers.BuiltIn;
using Jobs.Handlers.BuiltIn.Llm;
using Jobs.Handlers.BuiltIn.Script;

namespace Jobs.Actors.Attempts;

/// <summary>Collects handler registrations before the registry is built.</summary>
public sealed class JobHandlerRegistryBuilder
{
    private readonly List<KeyValuePair<string, Func<IJobHandler>>> _handlers = [];

    public JobHandlerRegistryBuilder Add(string type, Func<IJobHandler> factory)
    {
        _handlers.Add(new(type, factory));
        return this;
    }

    public JobHandlerRegistryBuilder Add<THandler>(string type) where THandler : IJobHandler, new() =>
        Add(type, () => new THandler());

    /// <summary>
    /// The built-in job types: <c>noop</c>, <c>http</c> (deny-all unless hosts are allowed), <c>llm</c>
    /// (off unless an endpoint is set) and, given a sandbox pool, <c>script</c>.
    /// </summary>
    public JobHandlerRegistryBuilder AddBuiltIns(HttpJobSettings? http = null, LlmSettings? llm = null, SandboxPool? sandbox = null)
    {
        var httpSettings = http ?? HttpJobSettings.DenyAll;
        var llmSettings = llm ?? LlmSettings.None;
        Add("noop", () => NoopHandler.Instance);
        if (sandbox is not null) Add("script", () => new ScriptHandler(sandbox));
        Add("http", () => new HttpHandler(httpSettings));
        Add("llm", () => new LlmHandler(llmSettings));
        return this;
    }

    public JobHandlerRegistry Build() => new(_handlers);
}
