using Xunit.Abstractions;

namespace Jobs.Tests.Support;

/// <summary>Runs jobctl's real entry point in-process against a node (over HTTP), capturing stdout, stderr and the exit code.</summary>
public static class JobctlRunner
{
    public static async Task<(int Code, string Out, string Err)> RunAsync(NodeProcess node, ITestOutputHelper output, params string[] args)
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        var code = await Cli.Jobctl.RunAsync(["--node", node.Http.BaseAddress!.ToString(), .. args], o, e, _ => null);
        output.WriteLine($"$ jobctl {string.Join(' ', args)}  → {code}\n{o}{e}");
        return (code, o.ToString(), e.ToString());
    }
}
