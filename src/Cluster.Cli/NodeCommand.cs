using Spectre.Console;
using Spectre.Console.Cli;

namespace Jobs.Cli;

/// <summary>
/// A command that talks to one node: --node (or JOBS_URL) and --api-key (or JOBS_API_KEY) resolved
/// against the environment and checked before anything is sent, then a client and an output.
/// Failures are exceptions (exit 1 or 3); a command returns <see cref="Jobctl.Ok"/>.
/// </summary>
public abstract class NodeCommand<TSettings>(CliSession session) : AsyncCommand<TSettings> where TSettings : GlobalSettings
{
    public const string DefaultNode = "http://localhost:5080";

    public override ValidationResult Validate(CommandContext context, TSettings settings)
    {
        if (context.Remaining.Raw.Count > 0)
            return ValidationResult.Error($"unexpected {string.Join(' ', context.Remaining.Raw.Select(a => $"'{a}'"))} after --");
        var url = NodeUrl(settings);
        return Uri.TryCreate(url, UriKind.Absolute, out var node) && node.Scheme is "http" or "https"
            ? ValidationResult.Success()
            : ValidationResult.Error($"--node must be an http(s) URL, not '{url}'");
    }

    public sealed override async Task<int> ExecuteAsync(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        using var client = new JobsClient(new JobsClientOptions
        {
            BaseAddress = new Uri(NodeUrl(settings)),
            ApiKey = settings.ApiKey ?? session.Env("JOBS_API_KEY"),
            Timeout = Timeout,
        });
        try
        {
            return await RunAsync(client, settings, session.Output(settings.Json), cancellationToken);
        }
        catch (HttpRequestException e) when (e.StatusCode is null)
        {
            throw new NodeUnreachableException($"cannot reach the node at {client.BaseAddress}: {e.InnerException?.Message ?? e.Message}");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new NodeUnreachableException($"the node at {client.BaseAddress} did not answer within {Timeout.TotalSeconds:0} s");
        }
    }

    /// <summary>How long one call may take, the client's retries included.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    protected abstract Task<int> RunAsync(JobsClient node, TSettings settings, Output o, CancellationToken ct);

    private string NodeUrl(TSettings settings) => settings.Node ?? session.Env("JOBS_URL") ?? DefaultNode;
}
