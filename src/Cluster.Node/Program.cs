using Jobs.Actors.Handlers;
using Jobs.Actors.Hosting;
using Jobs.Node.Api;
using Jobs.Node.Configuration;

var builder = WebApplication.CreateBuilder(args);
if (string.IsNullOrEmpty(builder.Configuration["urls"]))
    builder.WebHost.UseUrls(NodeSettings.DefaultUrls);
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 64 * 1024 * 1024);
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "HH:mm:ss.fff ";
});

var options = NodeSettings.Read(builder.Configuration);
var pluginTypes = new List<string>();
builder.Services.AddJobEngine(options, handlers =>
{
    foreach (var path in NodeSettings.HandlerAssemblies(builder.Configuration))
        pluginTypes.AddRange(handlers.AddFromAssembly(path));
});
builder.Services.AddSingleton(sp => new JobRequestParser(sp.GetRequiredService<JobHandlerRegistry>(), options.Queues));

var app = builder.Build();
app.UseMiddleware<Jobs.Node.Api.ProblemMiddleware>();
app.MapHealthEndpoints();
app.MapJobEndpoints();
app.MapClusterEndpoints();
app.MapBatchEndpoints();

var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Jobs.Node");
log.LogInformation("jobs node: persistence={Persistence} data={DataDir} cluster={Host}:{Port} capacity={Capacity} partitions={Partitions} handlers={Handlers}",
    options.Persistence, Path.GetFullPath(options.DataDir), options.ClusterHost, options.ClusterPort,
    options.Engine.Capacity, options.Engine.Partitions, string.Join(",", app.Services.GetRequiredService<JobHandlerRegistry>().Types));
var shutdown = Akka.Actor.CoordinatedShutdown.Get(app.Services.GetRequiredService<Akka.Actor.ActorSystem>());
app.Run();
return Jobs.Node.Hosting.NodeExitCode.For(shutdown.ShutdownReason);
