using Jobs.Actors.Attempts;
using Jobs.Actors.Hosting;
using Jobs.Actors.Memory;
using Jobs.Actors.Settings;
using Jobs.Node.Api;
using Jobs.Node.Dashboard;
using Jobs.Node.Security;

namespace Jobs.Node.Hosting;

/// <summary>
/// The node's web application: settings, the engine, the API's middleware and every route.
/// Building it starts nothing (no actor system, no listener, no database): Program runs it, and a
/// test can read its routes without starting a node.
/// </summary>
public static class NodeApp
{
    public static WebApplication Build(string[] args)
    {
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
        builder.Services.AddApiDocument();

        var app = builder.Build();
        app.UseMiddleware<ProblemMiddleware>();
        app.UseMiddleware<RequestShape>();
        app.UseMiddleware<ApiKeyMiddleware>();
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapHealthEndpoints();
        app.MapJobEndpoints();
        app.MapClusterEndpoints();
        app.MapBatchEndpoints();
        app.MapScheduleEndpoints();
        app.MapQueueEndpoints();
        app.MapLimitEndpoints();
        app.MapUsageEndpoints();
        app.MapDeadLetterBulk();
        app.MapCallerEndpoints();
        app.MapDashboard();
        app.MapApiDocument();
        return app;
    }
}
