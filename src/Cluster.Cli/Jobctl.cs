namespace Jobs.Cli;

/// <summary>Entry point: global options, dispatch to a command, exit codes.</summary>
public static class Jobctl
{
    public const int Ok = 0, Failed = 1, Usage = 2, Unreachable = 3;

    public const string Help = """
        jobctl — inspect and steer a jobs cluster through any node's HTTP API.

        usage: jobctl [--node URL] [--api-key KEY] [--json] <command>
          --node     a node's base URL (or JOBS_URL; default http://localhost:5080)
          --api-key  an API key (or JOBS_API_KEY); management needs an admin key
          --json     print the node's JSON instead of a table

        cluster show | leader | unreachable
        cluster leave <address> | down <address> | down-unreachable
        cluster sharding regions | region-stats <region>
        actor hierarchy [--depth N]
        nodes
        jobs submit <type> [--payload JSON|@file] [--priority N] [--queue Q] [--wait]
        jobs show <id> | cancel <id> | wait <id> | tail <id>
        jobs list [--status S] [--type T] [--queue Q] [--batch ID] [--limit N]
        dlq list [--limit N] | requeue <id> | requeue --all | purge <id>
        batches show <id>

        exit codes: 0 ok, 1 the operation failed (e.g. the job ended failed), 2 usage, 3 node unreachable
        """;

    public static async Task<int> RunAsync(string[] argv, TextWriter stdout, TextWriter stderr, Func<string, string?> env, CancellationToken ct = default)
    {
        try
        {
            var args = new CliArgs(argv);
            if (args.Flag("--help") || args.Flag("-h") || args.Words.Count == 0 || args.Words[0] == "help")
            {
                args.Option("--node");
                args.Option("--api-key");
                args.Flag("--json");
                stdout.WriteLine(Help);
                return argv.Length == 0 ? Usage : Ok;
            }
            var url = args.Option("--node") ?? env("JOBS_URL") ?? "http://localhost:5080";
            if (!Uri.TryCreate(url, UriKind.Absolute, out var node) || node.Scheme is not ("http" or "https"))
                throw new UsageException($"--node must be an http(s) URL, not '{url}'");
            var key = args.Option("--api-key") ?? env("JOBS_API_KEY");
            var output = new Output(stdout, args.Flag("--json"));
            using var client = new NodeClient(node, key, TimeSpan.FromSeconds(30));
            var command = args.Words[0];
            var rest = args.Words.Skip(1).ToArray();
            return command switch
            {
                "cluster" => await ClusterCommands.RunAsync(client, args, rest, output, ct),
                "actor" => await ClusterCommands.ActorAsync(client, args, rest, output, ct),
                "nodes" => await ClusterCommands.NodesAsync(client, args, rest, output, ct),
                "jobs" => await JobCommands.RunAsync(client, args, rest, output, ct),
                "dlq" => await DlqCommands.RunAsync(client, args, rest, output, ct),
                "batches" => await BatchCommands.RunAsync(client, args, rest, output, ct),
                _ => throw new UsageException($"unknown command '{command}'; try jobctl --help"),
            };
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"jobctl: {e.Message}");
            return Usage;
        }
        catch (NodeUnreachableException e)
        {
            stderr.WriteLine($"jobctl: {e.Message}");
            return Unreachable;
        }
        catch (ApiFailureException e)
        {
            stderr.WriteLine($"jobctl: the node refused: {e.Message}");
            return Failed;
        }
        catch (CommandFailedException e)
        {
            stderr.WriteLine($"jobctl: {e.Message}");
            return Failed;
        }
    }

    /// <summary>The words after the command must be exactly these.</summary>
    internal static string[] Expect(string[] words, string usage, int count)
    {
        if (words.Length != count) throw new UsageException($"usage: jobctl {usage}");
        return words;
    }
}

/// <summary>The operation ran but failed (a job ended failed, a batch has failures…): exit 1.</summary>
public sealed class CommandFailedException(string message) : Exception(message);
