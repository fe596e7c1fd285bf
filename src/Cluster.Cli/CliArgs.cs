namespace Jobs.Cli;

/// <summary>A usage error: exit code 2 with the message.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// The command line: words (the command path and its arguments) and <c>--name value</c> /
/// <c>--flag</c> options, anywhere on the line. Options are declared by the command that reads
/// them; anything left unread is a usage error.
/// </summary>
public sealed class CliArgs
{
    private static readonly HashSet<string> Flags = ["--json", "--wait", "--all", "--help", "-h", "--version"];
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Words { get; }

    public CliArgs(IReadOnlyList<string> args)
    {
        var words = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (a == "--")
            {
                words.AddRange(args.Skip(i + 1));
                break;
            }
            if (!a.StartsWith("-", StringComparison.Ordinal) || a == "-" || (a.Length > 1 && char.IsDigit(a[1])))
            {
                words.Add(a);
                continue;
            }
            var eq = a.IndexOf('=');
            var name = eq > 0 ? a[..eq] : a;
            if (eq > 0) _options[name] = a[(eq + 1)..];
            else if (Flags.Contains(name)) _options[name] = null;
            else if (i + 1 < args.Count) _options[name] = args[++i];
            else throw new UsageException($"option {name} needs a value");
        }
        Words = words;
    }

    public bool Flag(string name)
    {
        _read.Add(name);
        return _options.ContainsKey(name);
    }

    public string? Option(string name)
    {
        _read.Add(name);
        return _options.TryGetValue(name, out var v) ? v : null;
    }

    public int? IntOption(string name, int min, int max)
    {
        var raw = Option(name);
        if (raw is null) return null;
        return int.TryParse(raw, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var v) && v >= min && v <= max
            ? v
            : throw new UsageException($"{name} must be a whole number {min}..{max}, not '{raw}'");
    }

    /// <summary>Every option given must have been read by the command.</summary>
    public void EnsureAllRead()
    {
        var unknown = _options.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0) throw new UsageException($"unknown option {string.Join(", ", unknown)} for this command");
    }
}
