using System.Reflection;
using System.Runtime.Loader;
using Jobs.Testing;

namespace Jobs.Tests.Docs;

/// <summary>
/// The types, members and namespaces of the project's assemblies (the node's included, loaded from
/// its build output) and of what they reference: what the docs may name.
/// </summary>
public sealed class CodeNames
{
    /// <summary>The project's own assemblies (the node's from its build output, with its dependencies). Before <see cref="Instance"/>: it reads them.</summary>
    public static IReadOnlyList<Assembly> ProjectAssemblies { get; } = LoadProject();

    public static CodeNames Instance { get; } = new();

    private const BindingFlags Everything = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private readonly Dictionary<string, List<Type>> _types = new(StringComparer.Ordinal);
    private readonly HashSet<string> _members = new(StringComparer.Ordinal);
    private readonly HashSet<string> _namespaces = new(StringComparer.Ordinal);

    private CodeNames()
    {
        foreach (var assembly in Assemblies())
            foreach (var type in TypesOf(assembly))
            {
                var name = type.Name.Split('`')[0];
                if (name.Contains('<')) continue; // compiler-generated
                if (!_types.TryGetValue(name, out var list)) _types[name] = list = [];
                list.Add(type);
                for (var ns = type.Namespace; !string.IsNullOrEmpty(ns); ns = ns.Contains('.') ? ns[..ns.LastIndexOf('.')] : null) _namespaces.Add(ns);
                if (!IsProject(assembly)) continue;
                foreach (var m in type.GetMembers(Everything)) _members.Add(m.Name);
            }
    }

    public bool IsType(string name) => _types.ContainsKey(name);

    /// <summary><c>Type</c>, <c>Type.Member</c> (or a nested type), a project member used bare, or a namespace.</summary>
    public bool Exists(string dotted)
    {
        if (_namespaces.Contains(dotted)) return true;
        var parts = dotted.Split('.');
        if (parts.Length == 1) return _types.ContainsKey(parts[0]) || _members.Contains(parts[0]);
        for (var split = parts.Length - 1; split >= 1; split--)
        {
            var typeName = parts[split - 1];
            if (!_types.TryGetValue(typeName, out var candidates)) continue;
            if (parts.Length - split > 1) continue; // Type.Member only, after an optional namespace
            if (candidates.Any(t => HasMember(t, parts[split]))) return true;
        }
        return false;
    }

    private static bool HasMember(Type type, string member)
    {
        for (var t = type; t is not null; t = t.BaseType)
            if (t.GetMember(member, Everything).Length > 0) return true;
        return type.GetInterfaces().Any(i => i.GetMember(member).Length > 0);
    }

    private static bool IsProject(Assembly a) => a.GetName().Name is { } n && (n.StartsWith("Jobs.", StringComparison.Ordinal) || n is "Cluster.Node" or "jobctl");

    private static IEnumerable<Type> TypesOf(Assembly a)
    {
        try
        {
            return a.GetTypes();
        }
        catch (ReflectionTypeLoadException e)
        {
            return e.Types.OfType<Type>();
        }
    }

    private static IReadOnlyList<Assembly> LoadProject()
    {
        var context = new AssemblyLoadContext("docs-check");
        var nodeDir = Path.GetDirectoryName(TestPaths.NodeDll)!;
        context.Resolving += (ctx, name) =>
        {
            var path = Path.Combine(nodeDir, name.Name + ".dll");
            return File.Exists(path) ? ctx.LoadFromAssemblyPath(path) : null;
        };
        var node = context.LoadFromAssemblyPath(TestPaths.NodeDll);
        return [node, typeof(CodeNames).Assembly, typeof(Cli.Jobctl).Assembly, typeof(TestPaths).Assembly];
    }

    private static IEnumerable<Assembly> Assemblies()
    {
        var seen = new Dictionary<string, Assembly>(StringComparer.Ordinal);
        var queue = new Queue<Assembly>(ProjectAssemblies.Append(typeof(object).Assembly));
        while (queue.TryDequeue(out var a))
        {
            if (a.GetName().Name is not { } name || !seen.TryAdd(name, a)) continue;
            var context = AssemblyLoadContext.GetLoadContext(a) ?? AssemblyLoadContext.Default;
            foreach (var reference in a.GetReferencedAssemblies())
            {
                if (seen.ContainsKey(reference.Name!)) continue;
                try
                {
                    queue.Enqueue(context.LoadFromAssemblyName(reference));
                }
                catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
                {
                    // a reference the test process cannot load (an optional dependency): its names are not needed
                }
            }
        }
        return seen.Values;
    }
}
