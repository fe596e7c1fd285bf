using System.Text.Json;

namespace Jobs.Node.Api;

/// <summary>
/// What a parsed request body must also be before any field is read: every string and every name
/// decodes to valid UTF-16 (a JSON escape such as <c>"\ud800"</c> can name a lone surrogate, which
/// no later reader, serializer or journal can handle), and no object names a field twice (which of
/// the two would count is not something a caller should have to guess).
/// </summary>
public static class JsonStrictness
{
    /// <summary>Throws a 400 <see cref="RequestException"/> naming the field (<c>jobs[3].metadata.note</c>) at the first offence.</summary>
    public static void Check(JsonElement root) => Visit(root, "");

    private static void Visit(JsonElement e, string path)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                if (!Decodes(e)) throw Bad(path, $"{Name(path)} holds a lone UTF-16 surrogate (an unpaired \\uD800-\\uDFFF escape); send valid Unicode text");
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in e.EnumerateArray()) Visit(item, $"{path}[{i++}]");
                break;
            case JsonValueKind.Object:
                var names = new HashSet<string>(StringComparer.Ordinal);
                foreach (var p in e.EnumerateObject())
                {
                    string name;
                    try
                    {
                        name = p.Name;
                    }
                    catch (InvalidOperationException)
                    {
                        throw Bad(path, $"a field name in {Name(path)} holds a lone UTF-16 surrogate (an unpaired \\uD800-\\uDFFF escape); send valid Unicode text");
                    }
                    var child = path.Length == 0 ? name : $"{path}.{name}";
                    if (!names.Add(name)) throw Bad(child, $"{Name(child)} appears twice; send each field once");
                    Visit(p.Value, child);
                }
                break;
        }
    }

    private static bool Decodes(JsonElement s)
    {
        try
        {
            s.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string Name(string path) => path.Length == 0 ? "the body" : $"'{path}'";

    private static RequestException Bad(string path, string detail) => new(400, detail, path.Length == 0 ? null : path);
}
