using System.Collections.Frozen;
using System.Text.RegularExpressions;
using Jobs.Handlers;

namespace Jobs.Actors.Attempts;

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
