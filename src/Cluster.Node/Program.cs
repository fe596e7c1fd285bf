using Jobs.Actors.Attempts;
using Jobs.Actors.Settings;
using Jobs.Node.Hosting;
using Jobs.Node.Security;

if (args is [HealthCheckCommand.Name, ..])
    return await HealthCheckCommand.RunAsync(args);
if (args is [ClusterCertCommand.Name, ..])
    return await ClusterCertCommand.RunAsync(args);

var app = NodeApp.Build(args);
var options = app.Services.GetRequiredService<JobsOptions>();
var apiKeys = app.Services.GetRequiredService<ApiKeys>();

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
