using Jobs.Actors.Attempts;
using Jobs.Actors.Hosting;
using Jobs.Actors.Memory;
using Jobs.Actors.Settings;
using Jobs.Node.Api;
using Jobs.Node.Hosting;
using Jobs.Node.Security;

if (args is [HealthCheckCommand.Name, ..])
    return await HealthCheckCommand.RunAsync(args);
if (args is [ClusterCertCommand.Name, ..])
    return await ClusterCertCommand.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);
// The JOBS_* variables of the deployment contract, over appsettings.json; bound and checked once.
builder.Configuration.AddJobsEnvironment();
var options = JobsOptionsValidator.Load(builder.Configuration);
var apiKeys = ApiKeys.Parse(options.Api.Keys);

if (string.IsNullOrEmpty(builder.Configuration["urls"]))
    builder.WebHost.UseUrls(NodeDefaults.Urls);
builder.ConfigureHttpEdge();
NodeLogging.Configure(builder, options.Node.LogFormat);

builder.Services.AddJobEngine(options, handlers =>
{
    foreach (var path in options.Node.HandlerAssemblies) handlers.AddFromAssembly(path);
});
builder.Services.AddSingleton(sp => new JobRequestParser(sp.GetRequiredService<JobHandlerRegistry>(), options.Partitions.AllQueues));
builder.Services.AddSingleton(apiKeys);
builder.Services.AddSingleton<QuotaGate>();
builder.Services.AddSingleton<Jobs.Actors.Usage.UsageReader>();
builder.Services.AddSingleton<Jobs.Node.StreamSlots>();
builder.Services.AddNodeTelemetry(builder.Configuration);
builder.Services.AddSingleton(HeapTrimRule.After(options.Node.HeapTrimAfterBytes));
builder.Services.AddHostedService<HeapTrimmer>();

var app = builder.Build();
app.UseMiddleware<ProblemMiddleware>();
app.UseMiddleware<RequestShape>();
app.UseMiddleware<ApiKeyMiddleware>();
app.MapPrometheusScrapingEndpoint("/metrics");
app.MapHealthEndpoints();
app.MapJobEndpoints();
app.MapClusterEndpoints();
app.MapBatchEndpoints();
app.MapUsageEndpoints();

var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Jobs.Node");
log.LogInformation("jobs node: persistence={Persistence} data={DataDir} cluster={Host}:{Port} capacity={Capacity} partitions={Partitions} handlers={Handlers}",
    options.Storage.Persistence, Path.GetFullPath(options.Storage.DataDir), Jobs.Actors.Membership.ClusterHostName.Resolve(options.Cluster.Host), options.Cluster.Port,
    options.Node.Capacity, options.Partitions.Count, string.Join(",", app.Services.GetRequiredService<JobHandlerRegistry>().Types));
if (apiKeys.Configured)
    log.LogInformation("API keys: {Count} configured; every /api route needs Authorization: Bearer <key>", apiKeys.Count);
else
    log.LogWarning("no API keys configured (JOBS_API_KEYS): every loopback caller is admin of every tenant, and callers from elsewhere are refused. " +
                   "Behind a reverse proxy on this host every client arrives from loopback and so is admin: configure JOBS_API_KEYS, or set JOBS_TRUST_LOOPBACK=false to require keys");
var shutdown = Akka.Actor.CoordinatedShutdown.Get(app.Services.GetRequiredService<Akka.Actor.ActorSystem>());
app.Run();
var exitCode = NodeExitCode.For(shutdown.ShutdownReason);
// Plain stdout (the host's loggers are gone by now): what container logs show last.
Console.WriteLine($"jobs node stopped: exit code {exitCode} ({NodeExitCode.Describe(exitCode)})");
return exitCode;
