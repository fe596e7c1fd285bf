using System.Text.Json;

namespace Jobs.Cli;

/// <summary>The routes jobctl prints as the node wrote them (cluster, nodes, DLQ, lists): the answer's JSON, for tables and --json alike.</summary>
internal static class JobsClientCalls
{
    public static Task<JsonElement> GetJsonAsync(this JobsClient node, string path, CancellationToken ct) => node.SendAsync(HttpMethod.Get, path, null, ct);

    public static Task<JsonElement> PostJsonAsync(this JobsClient node, string path, object? body, CancellationToken ct) => node.SendAsync(HttpMethod.Post, path, body, ct);

    public static Task<JsonElement> PutJsonAsync(this JobsClient node, string path, object? body, CancellationToken ct) => node.SendAsync(HttpMethod.Put, path, body, ct);

    public static Task<JsonElement> DeleteJsonAsync(this JobsClient node, string path, CancellationToken ct) => node.SendAsync(HttpMethod.Delete, path, null, ct);
}
