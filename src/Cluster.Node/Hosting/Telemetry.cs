using Jobs.Actors.Observability;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Jobs.Node.Hosting;

/// <summary>
/// Metrics and traces through OpenTelemetry: the engine's <c>Jobs</c> meter and the runtime's
/// <c>System.Runtime</c> meter served as Prometheus text on /metrics; one span per job attempt (<c>Jobs</c> activity source) exported over OTLP
/// when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the exporter reads the standard OTEL_* variables).
/// </summary>
public static class Telemetry
{
    public static IServiceCollection AddNodeTelemetry(this IServiceCollection services, IConfiguration cfg)
    {
        var otlp = !string.IsNullOrEmpty(cfg["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var builder = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(cfg["OTEL_SERVICE_NAME"] ?? "jobs-node", serviceVersion: NodeStatsPublisher.AppVersion))
            .WithMetrics(m => m
                .AddMeter(JobMetrics.MeterName)
                // the runtime's own meter (.NET 9+): GC heap size and fragmentation per generation,
                // committed memory, working set, collections, thread pool — what RSS is made of
                .AddMeter("System.Runtime")
                .AddView("jobs.duration", new ExplicitBucketHistogramConfiguration { Boundaries = [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300] })
                .AddView("jobs.pickup_latency", new ExplicitBucketHistogramConfiguration { Boundaries = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5] })
                .AddView("jobs.journal.write_latency", new ExplicitBucketHistogramConfiguration { Boundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1] })
                // no scrape cache: two scrapes a moment apart must both be current
                .AddPrometheusExporter(p => p.ScrapeResponseCacheDurationMilliseconds = 0));
        if (otlp) builder.WithTracing(t => t.AddSource(JobTracing.SourceName).AddOtlpExporter());
        return services;
    }
}
