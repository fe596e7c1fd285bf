namespace Jobs.Node.Hosting;

/// <summary>
/// Structured console logs. Akka's log events are routed here too (Akka.Hosting's logger
/// factory); scopes carry JobId and Attempt for handler logs. JOBS_LOG_FORMAT=json writes one JSON
/// object per line.
/// </summary>
public static class NodeLogging
{
    public static void Configure(WebApplicationBuilder builder, string format)
    {
        if (format == "json")
            builder.Logging.ClearProviders().AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                o.UseUtcTimestamp = true;
            });
        else
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.IncludeScopes = true;
                o.TimestampFormat = "HH:mm:ss.fff ";
            });
        // One info line per HTTP request (health probes every few seconds) drowns what the node says;
        // Logging__LogLevel__Microsoft.AspNetCore=Information brings them back.
        if (builder.Configuration["Logging:LogLevel:Microsoft.AspNetCore"] is null)
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
    }
}
