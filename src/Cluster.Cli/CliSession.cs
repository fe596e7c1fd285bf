using Spectre.Console;

namespace Jobs.Cli;

/// <summary>
/// One run of jobctl: stdout as a Spectre console, and the environment. Output that is not an
/// interactive terminal (a pipe, a file, a test's writer) is plain text: no escape codes, ASCII table
/// borders and no width limit, so every table row stays on one line for grep and scripts.
/// </summary>
public sealed class CliSession
{
    /// <summary>The width of plain-text output: wide enough that no table row or help line wraps.</summary>
    private const int PlainWidth = 10_000;

    public CliSession(TextWriter stdout, Func<string, string?> env)
    {
        Out = stdout;
        Env = env;
        var output = new AnsiConsoleOutput(stdout);
        IsTerminal = output.IsTerminal;
        Console = IsTerminal
            ? AnsiConsole.Create(new AnsiConsoleSettings { Out = output })
            : AnsiConsole.Create(new AnsiConsoleSettings
            {
                Out = output,
                Ansi = AnsiSupport.No,
                ColorSystem = ColorSystemSupport.NoColors,
                Interactive = InteractionSupport.No,
                Enrichment = new ProfileEnrichment { UseDefaultEnrichers = false },
            });
        if (!IsTerminal) Console.Profile.Width = PlainWidth;
    }

    public IAnsiConsole Console { get; }
    public TextWriter Out { get; }
    public Func<string, string?> Env { get; }

    /// <summary>stdout is an interactive terminal (not redirected).</summary>
    public bool IsTerminal { get; }

    /// <summary>Live displays (progress bars that redraw) need a terminal that understands ANSI escapes.</summary>
    public bool CanRedraw => IsTerminal && Console.Profile.Capabilities is { Ansi: true, Interactive: true };

    public Output Output(bool json) => new(Console, Out, json, table: IsTerminal ? TableBorder.Rounded : TableBorder.Ascii, live: CanRedraw && !json);
}
