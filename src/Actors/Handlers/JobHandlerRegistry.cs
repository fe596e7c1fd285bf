using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace Jobs.Actors.Handlers;

/// <summary>Job type name → handler factory. Immutable once built; a factory makes one handler per attempt.</summary>
public sealed partial class JobHandlerRegistry
{
    private readonly FrozenDictionary<string, Func<IJobHandler>> _factories;

    public JobHandlerRegistry(IEnumerable<KeyValuePair<string, Func<IJobHandler>>> handlers)
    {
        var map = new Dictionary<string, Func<IJobHandler>>(StringComparer.Ordinal);
        foreach (var (name, factory) in handlers)
        {
            if (!TypeName().IsMatch(name))
                throw new ArgumentException($"job type '{name}' must match {TypeName()}");
            if (!map.TryAdd(name, factory))
                throw new ArgumentException($"job type '{name}' is registered twice");
        }
        _factories = map.ToFrozenDictionary(StringComparer.Ordinal);
        Types = _factories.Keys.Order(StringComparer.Ordinal).ToArray();
    }

    public IReadOnlyList<string> Types { get; }

    /// <summary>Where handlers' <c>JobContext.Logger</c> writes (set by the hosting; none in bare tests).</summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; set; }

    public bool Contains(string type) => _factories.ContainsKey(type);

    public IJobHandler Create(string type) =>
        _factories.TryGetValue(type, out var f) ? f() : throw new PermanentJobException($"no handler for job type '{type}' on this node");

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex TypeName();
}

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

    /// <summary>The built-ins of API.md: <c>noop</c>, <c>script</c>, <c>http</c> (deny-all unless hosts are allowed) and <c>llm</c>.</summary>
    public JobHandlerRegistryBuilder AddBuiltIns(ScriptLimits? scriptLimits = null, HttpJobSettings? http = null, Llm.LlmSettings? llm = null)
    {
        var limits = scriptLimits ?? ScriptLimits.Default;
        var httpSettings = http ?? HttpJobSettings.DenyAll;
        var llmSettings = llm ?? Llm.LlmSettings.None;
        Add("noop", () => NoopHandler.Instance);
        Add("script", () => new ScriptHandler(limits));
        Add("http", () => new HttpHandler(httpSettings));
        Add("llm", () => new Llm.LlmHandler(llmSettings));
        return this;
    }

    public JobHandlerRegistry Build() => new(_handlers);
}

public static class HandlerAssemblyLoader
{
    /// <summary>Registers every <see cref="JobTypeAttribute"/>-marked handler of the assembly at <paramref name="path"/>.</summary>
    public static IReadOnlyList<string> AddFromAssembly(this JobHandlerRegistryBuilder builder, string path)
    {
        var asm = System.Runtime.Loader.AssemblyLoadContext.Default.LoadFromAssemblyPath(Path.GetFullPath(path));
        var added = new List<string>();
        foreach (var type in asm.GetExportedTypes())
        {
            if (type.IsAbstract || !typeof(IJobHandler).IsAssignableFrom(type)) continue;
            if (type.GetCustomAttributes(typeof(JobTypeAttribute), false).FirstOrDefault() is not JobTypeAttribute attr) continue;
            if (type.GetConstructor(Type.EmptyTypes) is null)
                throw new InvalidOperationException($"{type.FullName} needs a public parameterless constructor");
            builder.Add(attr.Name, () => (IJobHandler)Activator.CreateInstance(type)!);
            added.Add(attr.Name);
        }
        return added;
    }
}
