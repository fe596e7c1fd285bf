using Spectre.Console;
using Spectre.Console.Cli;
using Spectre.Console.Cli.Help;
using Spectre.Console.Rendering;

namespace Jobs.Cli;

/// <summary>
/// Spectre.Console.Cli's help pages, with a root page that shows the whole grammar: every command with
/// its arguments and options on one line, then the global options and the exit codes. A group named
/// without one of its commands (<c>jobctl cluster</c>) is a usage error, not a help request: nothing is
/// rendered and <see cref="BareBranch"/> names the group.
/// </summary>
internal sealed class JobctlHelp(ICommandAppSettings settings, bool requested) : HelpProvider(settings)
{
    private const int Indent = 4, MinDescription = 30;
    private readonly HelpProviderStyle? _styles = settings.HelpProviderStyles;
    private readonly ICommandAppSettings _settings = settings;

    /// <summary>The group that was named without a command, if that is why help was asked for.</summary>
    public ICommandInfo? BareBranch { get; private set; }

    public override IEnumerable<IRenderable> Write(ICommandModel model, ICommandInfo? command)
    {
        if (command is { IsBranch: true } && !requested)
        {
            BareBranch = command;
            return [];
        }
        return base.Write(model, command);
    }

    public override IEnumerable<IRenderable> GetDescription(ICommandModel model, ICommandInfo? command) =>
        command is null
            ? [new Text($"{model.ApplicationName} — inspect and steer a jobs cluster through any node's HTTP API.\n\n")]
            : base.GetDescription(model, command);

    /// <summary>The root page adds the global options (each command's page lists them among its own).</summary>
    public override IEnumerable<IRenderable> GetOptions(ICommandModel model, ICommandInfo? command)
    {
        foreach (var r in base.GetOptions(model, command)) yield return r;
        if (command is not null) yield break;
        yield return Header("GLOBAL OPTIONS (anywhere on the line)", _styles?.Options?.Header);
        var grid = Grid();
        foreach (var o in GlobalOptions(model))
            grid.AddRow(new Text($"--{o.LongNames[0]}{(o.ValueName is { } v ? $" <{v}>" : "")}"), new Text(o.Description ?? ""));
        yield return grid;
    }

    public override IEnumerable<IRenderable> GetCommands(ICommandModel model, ICommandInfo? command)
    {
        if (command is not null)
        {
            foreach (var r in base.GetCommands(model, command)) yield return r;
            yield break;
        }
        yield return Header("COMMANDS", _styles?.Commands?.Header);
        var globals = GlobalOptions(model).Select(o => o.LongNames[0]).ToHashSet();
        var commands = Leaves(model).Select(leaf => (Synopsis: Synopsis(leaf, globals), Description: leaf.Description ?? "")).ToList();
        var style = _styles?.Commands?.ChildCommand ?? Style.Plain;
        if (Indent + commands.Max(c => c.Synopsis.Length) + Indent + MinDescription <= (_settings.Console?.Profile.Width ?? int.MaxValue))
        {
            var grid = Grid();
            foreach (var (synopsis, description) in commands) grid.AddRow(new Text(synopsis, style), new Text(description));
            yield return grid;
        }
        else
        {
            // too narrow for a description column: each description under its command
            var list = new Grid().AddColumn(new GridColumn { Padding = new Padding(Indent, 0, 0, 0) });
            foreach (var (synopsis, description) in commands)
            {
                list.AddRow(new Text(synopsis, style));
                list.AddRow(new Padder(new Text(description), new Padding(Indent, 0, 0, 0)));
            }
            yield return list;
        }
    }

    public override IEnumerable<IRenderable> GetFooter(ICommandModel model, ICommandInfo? command) =>
        command is null
            ? [new Text($"""

                {model.ApplicationName} <command> --help describes a command's arguments and options.
                Exit codes: 0 ok, 1 the operation failed (e.g. the job ended failed, the node refused), 2 usage error, 3 the node cannot be reached.

                """)]
            : [];

    /// <summary>The usage line of a group named without a command: <c>jobctl cluster show|leader|…</c>.</summary>
    public static string UsageOf(string application, ICommandInfo branch) =>
        $"usage: {application} {Path(branch)} {string.Join("|", branch.Commands.Where(c => !c.IsHidden).Select(c => c.Name))}";

    /// <summary>"jobs submit &lt;type&gt; [--payload JSON|@FILE] [--priority N] [--queue Q] [--wait]".</summary>
    private static string Synopsis(ICommandInfo leaf, HashSet<string> globals)
    {
        var parts = new List<string> { Path(leaf) };
        parts.AddRange(leaf.Parameters.OfType<ICommandArgument>().OrderBy(a => a.Position).Select(a => a.IsRequired ? $"<{a.Value}>" : $"[{a.Value}]"));
        parts.AddRange(leaf.Parameters.OfType<ICommandOption>().Where(o => !o.IsHidden && !globals.Contains(o.LongNames[0]))
            .Select(o => o.ValueName is { } v ? $"[--{o.LongNames[0]} {v}]" : $"[--{o.LongNames[0]}]"));
        return string.Join(' ', parts);
    }

    private static string Path(ICommandInfo command)
    {
        var names = new List<string>();
        for (var c = command; c is not null; c = c.Parent) names.Insert(0, c.Name);
        return string.Join(' ', names);
    }

    private static IEnumerable<ICommandInfo> Leaves(ICommandContainer container) =>
        container.Commands.Where(c => !c.IsHidden).SelectMany(c => c.IsBranch ? Leaves(c) : [c]);

    /// <summary>The options every command takes (those of <see cref="GlobalSettings"/>), in their declared order.</summary>
    private static IReadOnlyList<ICommandOption> GlobalOptions(ICommandModel model)
    {
        var leaves = Leaves(model).ToList();
        return leaves.Count == 0
            ? []
            : leaves[0].Parameters.OfType<ICommandOption>()
                .Where(o => !o.IsHidden && leaves.All(l => l.Parameters.OfType<ICommandOption>().Any(x => x.LongNames.SequenceEqual(o.LongNames))))
                .ToList();
    }

    private static Text Header(string title, Style? style) => new($"\n{title}:\n", style ?? Style.Plain);

    private static Grid Grid()
    {
        var grid = new Grid();
        grid.AddColumn(new GridColumn { Padding = new Padding(Indent, 0, Indent, 0), NoWrap = true });
        grid.AddColumn(new GridColumn { Padding = new Padding(0, 0) });
        return grid;
    }
}
