using System.Net;
using System.Net.Sockets;
using Jobs.Cli;
using Xunit;

namespace Jobs.Tests.Unit;

/// <summary>jobctl's exit codes and messages without a node: usage errors (2) and an unreachable node (3).</summary>
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
    public async Task A_node_that_is_not_there_exits_3_naming_it()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens on this port now
        var (code, _, err) = await Run("--node", $"http://127.0.0.1:{port}", "jobs", "submit", "noop", "--wait");
        Assert.Equal(Jobctl.Unreachable, code);
        Assert.Contains($"cannot reach the node at http://127.0.0.1:{port}/", err);
    }
}
