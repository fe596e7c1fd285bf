using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Jobs.Testing;

public sealed partial class NodeProcess
{
    /// <summary>One API call with an API key (Bearer) and an optional JSON body; the status, the parsed JSON body (default if empty or not JSON) and the response.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> CallAsync(HttpMethod method, string path, string? key, string? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.Ordinal) == true && text.Length > 0;
        return (response.StatusCode, json ? JsonDocument.Parse(text).RootElement.Clone() : default, response);
    }
}
