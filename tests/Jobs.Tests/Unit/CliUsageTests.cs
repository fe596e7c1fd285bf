using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Jobs.Cli;
using Xunit;

namespace Jobs.Tests.Unit;

/// <summary>
/// jobctl's exit codes and messages without a node: usage errors (2) and an unreachable node (3); and
/// where its global options may stand, against a stand-in HTTP endpoint that answers every request
/// with the same JSON.
/// </summary>
public sealed class CliUsageTests
{
    private static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        var code = await Jobctl.RunAsync(args, o, e, _ => null);
        return (code, o.ToString(), e.ToString());
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("cluster", "explode")]
    [InlineData("cluster", "down")]                          // missing address
    [InlineData("jobs", "submit")]                           // missing type
    [InlineData("jobs", "submit", "noop", "--priority", "500")]
    [InlineData("jobs", "submit", "noop", "--payload", "{not json")]
    [InlineData("jobs", "list", "--colour", "red")]         // unknown option
    [InlineData("actor", "hierarchy", "--depth", "0")]
    [InlineData("--node", "ftp://x", "nodes")]
    [InlineData("jobs", "show", "--node")]                  // option without value
    [InlineData("--node")]                                  // option without value, before the command
    [InlineData("cluster")]                                 // a group without its command
    [InlineData("cluster", "sharding")]
    [InlineData("jobs", "--json")]
    [InlineData("jobs", "submit", "noop", "--priority", "abc")]
    [InlineData("jobs", "list", "--limit", "0")]
    [InlineData("jobs", "show", "a", "b")]                  // one argument too many
    [InlineData("dlq", "requeue")]                          // neither <id> nor --all
    [InlineData("dlq", "requeue", "x", "--all")]            // both
    [InlineData("jobs", "submit", "noop", "--payload", "@/nonexistent/payload.json")]
    [InlineData("nodes", "--node", "ftp://x")]              // global option after the command
    [InlineData("jobs", "show", "x", "--", "--json")]       // words after "--"
    public async Task Bad_command_lines_exit_2_with_a_one_line_reason(params string[] args)
    {
        var (code, _, err) = await Run(args);
        Assert.Equal(Jobctl.Usage, code);
        Assert.StartsWith("jobctl: ", err);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public async Task Help_exits_0_and_lists_the_commands()
    {
        var (code, output, _) = await Run("--help");
        Assert.Equal(Jobctl.Ok, code);
        Assert.Contains("down-unreachable", output);
        Assert.Contains("jobs submit <type>", output);
    }

    [Fact]
    public async Task Help_of_a_command_describes_its_arguments_its_options_and_the_global_ones()
    {
        var (code, output, _) = await Run("jobs", "submit", "--help");
        Assert.Equal(Jobctl.Ok, code);
        Assert.Contains("jobctl jobs submit <type>", output);
        Assert.Contains("--priority <N>", output);
        Assert.Contains("--node <URL>", output);

        var (helpWord, helpOutput, _) = await Run("help", "cluster", "sharding");
        Assert.Equal(Jobctl.Ok, helpWord);
        Assert.Contains("region-stats <region>", helpOutput);
    }

    [Fact]
    public async Task No_arguments_print_the_help_and_exit_2()
    {
        var (code, output, _) = await Run();
        Assert.Equal(Jobctl.Usage, code);
        Assert.Contains("jobs submit <type>", output);
    }

    [Theory]
    [InlineData("--node", "{0}", "jobs", "submit", "noop", "--wait")]
    [InlineData("jobs", "submit", "noop", "--wait", "--node", "{0}")]   // global options after the command
    [InlineData("jobs", "--node", "{0}", "submit", "noop")]             // between the group and its command
    [InlineData("--json", "nodes", "--node={0}")]
    [InlineData("cluster", "sharding", "region-stats", "partitions", "--api-key", "k", "--node", "{0}")]
    public async Task A_node_that_is_not_there_exits_3_naming_it(params string[] args)
    {
        var url = UnusedUrl();
        var (code, _, err) = await Run([.. args.Select(a => string.Format(System.Globalization.CultureInfo.InvariantCulture, a, url))]);
        Assert.Equal(Jobctl.Unreachable, code);
        Assert.Contains($"cannot reach the node at {url}/", err);
        Assert.Single(err.Trim().Split('\n'));
    }

    [Fact]
    public async Task Without_node_the_JOBS_URL_environment_variable_names_the_node()
    {
        var url = UnusedUrl();
        var (o, e) = (new StringWriter(), new StringWriter());
        var code = await Jobctl.RunAsync(["jobs", "list"], o, e, name => name == "JOBS_URL" ? url : null);
        Assert.Equal(Jobctl.Unreachable, code);
        Assert.Contains($"cannot reach the node at {url}/", e.ToString());
    }

    [Theory]
    [InlineData("--json", "cluster", "show")]
    [InlineData("cluster", "--json", "show")]
    [InlineData("cluster", "show", "--json")]
    [InlineData("--json", "cluster", "sharding", "regions")]
    [InlineData("cluster", "sharding", "region-stats", "--json", "partitions")]
    [InlineData("jobs", "list", "--limit", "5", "--json")]
    [InlineData("--json", "nodes")]
    public async Task Json_anywhere_on_the_line_prints_the_nodes_JSON(params string[] args)
    {
        var (code, output, err) = await RunAgainstStandIn(args);
        Assert.True(code == Jobctl.Ok, err);
        Assert.Equal("a", JsonDocument.Parse(output).RootElement.GetProperty("leader").GetString());

        var (tableCode, table, _) = await RunAgainstStandIn([.. args.Where(a => a != "--json")]);
        Assert.Equal(Jobctl.Ok, tableCode);
        Assert.DoesNotContain("\"leader\"", table);
    }

    /// <summary>Runs jobctl with --node (last) naming an endpoint that answers any request with the same JSON.</summary>
    private static async Task<(int Code, string Out, string Err)> RunAgainstStandIn(string[] args)
    {
        const string Json = """
            {"leader":"a","members":[{"address":"a","status":"up"}],"unreachable":[],"items":[],"nodes":[],
             "regions":[{"entityType":"partitions","nodes":[{"address":"a","shards":1,"entities":1}]}]}
            """;
        var url = UnusedUrl();
        using var listener = new HttpListener();
        listener.Prefixes.Add(url + "/");
        listener.Start();
        var serving = Task.Run(async () =>
        {
            while (true)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(Json));
                context.Response.Close();
            }
        });
        var result = await Run([.. args, "--node", url]);
        listener.Stop();
        await serving;
        return result;
    }

    private static string UnusedUrl()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens on this port now
        return $"http://127.0.0.1:{port}";
    }
}
