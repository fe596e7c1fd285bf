using System.ComponentModel;
using Spectre.Console.Cli;

namespace Jobs.Cli;

/// <summary>The options every command takes: which node, which key, JSON or tables.</summary>
public class GlobalSettings : CommandSettings
{
    public const string NodeOption = "--node", ApiKeyOption = "--api-key", JsonOption = "--json";

    [CommandOption(NodeOption + " <URL>")]
    [Description("A node's base URL (or JOBS_URL; default http://localhost:5080)")]
    public string? Node { get; set; }

    [CommandOption(ApiKeyOption + " <KEY>")]
    [Description("An API key (or JOBS_API_KEY); management needs an admin key")]
    public string? ApiKey { get; set; }

    [CommandOption(JsonOption)]
    [Description("Print the node's JSON as is instead of a table")]
    public bool Json { get; set; }

    /// <summary>
    /// Global options may stand anywhere on the line, also before the command (<c>jobctl --node URL jobs
    /// list</c>) where Spectre.Console.Cli would not look for a command's options: they move to the end
    /// (before a "--"). A first word <c>help</c> asks for the help of the words after it.
    /// </summary>
    public static string[] Arrange(string[] argv)
    {
        var globals = new List<string>();
        var rest = new List<string>();
        var i = 0;
        for (; i < argv.Length && argv[i] != "--"; i++)
        {
            var a = argv[i];
            var name = a.Split('=', 2)[0];
            if (name == JsonOption || (name != a && name is NodeOption or ApiKeyOption))
            {
                globals.Add(a);
            }
            else if (name is NodeOption or ApiKeyOption)
            {
                if (i + 1 == argv.Length || argv[i + 1].StartsWith('-')) throw new UsageException($"option {name} needs a value");
                globals.Add(a);
                globals.Add(argv[++i]);
            }
            else
            {
                rest.Add(a);
            }
        }
        return rest switch
        {
            ["help", .. var topic] => [.. topic, "--help"],
            [] when i == argv.Length && globals.Count > 0 => ["--help"],
            _ => [.. rest, .. globals, .. argv[i..]],
        };
    }
}
