using System.Globalization;
using Spectre.Console.Cli;

namespace Jobs.Cli;

/// <summary>Entry point: the command line through Spectre.Console.Cli, failures to exit codes and one line on stderr.</summary>
public static class Jobctl
{
    public const int Ok = 0, Failed = 1, Usage = 2, Unreachable = 3;

    public const string Name = "jobctl";

    public static async Task<int> RunAsync(string[] argv, TextWriter stdout, TextWriter stderr, Func<string, string?> env, CancellationToken ct = default)
    {
        try
        {
            var session = new CliSession(stdout, env);
            var args = GlobalSettings.Arrange(argv);
            var help = default(JobctlHelp);
            var app = new CommandApp();
            app.Configure(c =>
            {
                c.SetApplicationName(Name);
                c.UseAssemblyInformationalVersion();
                c.SetApplicationCulture(CultureInfo.InvariantCulture);
                c.ConfigureConsole(session.Console);
                c.UseStrictParsing();
                c.PropagateExceptions();
                c.Settings.Registrar.RegisterInstance(session);
                c.SetHelpProvider(help = new JobctlHelp(c.Settings, requested: HelpRequested(args)));
                Grammar.Configure(c);
            });
            var code = await app.RunAsync(args, ct);
            if (help?.BareBranch is { } branch) throw new UsageException(JobctlHelp.UsageOf(Name, branch));
            return argv.Length == 0 ? Usage : code;
        }
        catch (Exception e) when (e is CommandParseException or CommandRuntimeException or UsageException)
        {
            stderr.WriteLine($"{Name}: {OneLine(e.Message)}");
            return Usage;
        }
        catch (NodeUnreachableException e)
        {
            stderr.WriteLine($"{Name}: {e.Message}");
            return Unreachable;
        }
        catch (JobsApiException e)
        {
            stderr.WriteLine($"{Name}: the node refused: {e.Message}");
            return Failed;
        }
        catch (CommandFailedException e)
        {
            stderr.WriteLine($"{Name}: {e.Message}");
            return Failed;
        }
    }

    /// <summary>Spectre's help options (-h, -?, --help) before any "--".</summary>
    private static bool HelpRequested(string[] args) =>
        args.TakeWhile(a => a != "--").Any(a => a is "-h" or "-?" or "--help");

    private static string OneLine(string message) => string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
