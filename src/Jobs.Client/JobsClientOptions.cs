namespace Jobs.Client;

/// <summary>Where the client sends requests, with which key, and how it retries (docs/client.md).</summary>
public sealed class JobsClientOptions
{
    /// <summary>Any node's base URL (every node answers every request), e.g. <c>http://localhost:5080</c>.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>Sent as <c>Authorization: Bearer</c>; none when the node has no keys (loopback only).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Sends of one request in all, the first included; 1 turns retries off.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The wait before the first re-send when the answer names none; it doubles on each one.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The longest <c>Retry-After</c> the client waits. A longer one (a tenant's daily quota names the
    /// next midnight) is not waited for: the caller gets the 429 or 503 as a <see cref="JobsApiException"/>.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest pause between two reads of <see cref="JobsClient.WaitAsync"/>, which starts at 100 ms and grows.</summary>
    public TimeSpan MaxPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The timeout of one call, retries included, of the HttpClient the client makes itself.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);
}
