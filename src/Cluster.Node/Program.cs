using Jobs.Actors.Handlers;
using Jobs.Actors.Hosting;
using Jobs.Node.Api;
using Jobs.Node.Configuration;
using Jobs.Node.Hosting;

if (args is [HealthCheckCommand.Name, ..])
    return await HealthCheckCommand.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
    builder.WebHost.UseUrls(NodeSettings.DefaultUrls);
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 64 * 1024 * 1024);
// Structured logs: Akka's log events are routed here too (Akka.Hosting's logger factory). Scopes
// carry JobId/Attempt for handler logs; JOBS_LOG_FORMAT=json writes one JSON object per line.
if (string.Equals(builder.Configuration["JOBS_LOG_FORMAT"], "json", StringComparison.OrdinalIgnoreCase))
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

var options = NodeSettings.Read(builder.Configuration);
var pluginTypes = new List<string>();
builder.Services.AddJobEngine(options, handlers =>
{
    foreach (var path in NodeSettings.HandlerAssemblies(builder.Configuration))
        pluginTypes.AddRange(handlers.AddFromAssembly(path));
});
builder.Services.AddSingleton(sp => new JobRequestParser(sp.GetRequiredService<JobHandlerRegistry>(), options.Queues));
var apiKeys = NodeSettings.ApiKeys(builder.Configuration);
builder.Services.AddSingleton(apiKeys);
builder.Services.AddSingleton<QuotaGate>();
builder.Services.AddNodeTelemetry(builder.Configuration);
builder.Services.AddSingleton(NodeSettings.HeapTrim(builder.Configuration));
builder.Services.AddHostedService<Jobs.Node.Hosting.HeapTrimmer>();

var app = builder.Build();
app.UseMiddleware<Jobs.Node.Api.ProblemMiddleware>();
app.UseMiddleware<Jobs.Node.Security.ApiKeyMiddleware>();
app.MapPrometheusScrapingEndpoint("/metrics");
app.MapHealthEndpoints();
app.MapJobEndpoints();
app.MapClusterEndpoints();
app.MapBatchEndpoints();
app.MapUsageEndpoints();

var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Jobs.Node");
log.LogInformation("jobs node: persistence={Persistence} data={DataDir} cluster={Host}:{Port} capacity={Capacity} partitions={Partitions} handlers={Handlers}",
    options.Persistence, Path.GetFullPath(options.DataDir), options.ClusterHost, options.ClusterPort,
    options.Engine.Capacity, options.Engine.Partitions, string.Join(",", app.Services.GetRequiredService<JobHandlerRegistry>().Types));
if (apiKeys.Configured)
    log.LogInformation("API keys: {Count} configured; every /api route needs Authorization: Bearer <key>", apiKeys.Count);
else
    log.LogWarning("no API keys configured (JOBS_API_KEYS): the API answers loopback callers only");
var shutdown = Akka.Actor.CoordinatedShutdown.Get(app.Services.GetRequiredService<Akka.Actor.ActorSystem>());
app.Run();
var exitCode = NodeExitCode.For(shutdown.ShutdownReason);
// Plain stdout (the host's loggers are gone by now): what container logs show last.
Console.WriteLine($"jobs node stopped: exit code {exitCode} ({NodeExitCode.Describe(exitCode)})");
return exitCode;
