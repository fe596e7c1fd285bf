using Akka;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Routing;
using Akka.Cluster.Sharding;
using Akka.Routing;
using Jobs.Actors.Batches;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Jobs.Actors.Capacity;
using Jobs.Actors.Dedupe;
using Jobs.Actors.Usage;
using Jobs.Actors.Handlers;
using Jobs.Actors.Membership;
using Jobs.Actors.Observability;
using Jobs.Actors.ReadModel;
using Jobs.Actors.Sharding;
using Jobs.Actors.Supervision;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Actors.Hosting;

/// <summary>Registry keys for the engine's actors.</summary>
public sealed class JobPartitionRegion;

public sealed class BatchRouter;

public sealed class UsageRegion;

/// <summary>One call wires the whole engine into a host.</summary>
public static class JobEngineHostingExtensions
{
    /// <summary>
    /// Adds the engine: the ActorSystem (cluster, sharding, persistence), the read model and a
    /// <see cref="JobClient"/> singleton. Handlers: the built-ins plus whatever
    /// <paramref name="configureHandlers"/> registers.
    /// </summary>
    public static IServiceCollection AddJobEngine(this IServiceCollection services, JobEngineOptions options,
        Action<JobHandlerRegistryBuilder>? configureHandlers = null)
    {
        var builder = new JobHandlerRegistryBuilder().AddBuiltIns(http: options.Http, llm: options.Llm);
        configureHandlers?.Invoke(builder);
        var handlers = builder.Build();
        JobsAkkaConfig.PrepareStorage(options);
        var readStore = JobsAkkaConfig.ReadStore(options);
        readStore.InitializeAsync().GetAwaiter().GetResult();

        services.AddSingleton(options);
        services.AddSingleton(handlers);
        services.AddSingleton<IJobReadStore>(readStore);
        services.AddSingleton(sp => new JobClient(
            sp.GetRequiredService<ActorRegistry>().Get<JobPartitionRegion>(), readStore, options,
            sp.GetRequiredService<ActorRegistry>().Get<BatchRouter>()));
        services.AddAkka(options.SystemName, (b, sp) =>
        {
            handlers.LoggerFactory ??= sp.GetService<Microsoft.Extensions.Logging.ILoggerFactory>();
            b.WithJobEngine(options, handlers, readStore);
        });
        return services;
    }

    public static AkkaConfigurationBuilder WithJobEngine(this AkkaConfigurationBuilder b, JobEngineOptions o,
        JobHandlerRegistry handlers, IJobReadStore readStore)
    {
        var seeds = o.Seeds.Select(s => s.Contains("://", StringComparison.Ordinal) ? s : $"akka.tcp://{o.SystemName}@{s}").ToArray();
        // A node runs the jobs of the queues its roles name.
        var engine = o.Engine with { ServedQueues = o.Engine.Queues.Intersect(o.Roles, StringComparer.Ordinal).ToArray() };

        return b
            .AddHocon(JobsAkkaConfig.Node(o), HoconAddMode.Prepend)
            .ConfigureLoggers(l =>
            {
                l.ClearLoggers();
                l.AddLoggerFactory();
            })
            .WithRemoting(o.ClusterHost, o.ClusterPort)
            .WithClustering(new ClusterOptions { Roles = o.Roles.ToArray(), SeedNodes = seeds })
            .WithDistributedPubSub(null!)
            .WithActors((system, registry) =>
            {
                var cluster = Cluster.Get(system);
                // No seeds: a one-node cluster that joins itself (works with JOBS_CLUSTER_PORT=0 too).
                if (seeds.Length == 0) cluster.Join(cluster.SelfAddress);
                var node = NodeName(cluster.SelfAddress);
                var capacity = system.ActorOf(NodeCapacity.Props(engine.Capacity,
                    MemoryGuard.Create(engine.MemoryHighBytes, engine.MemoryLowBytes)), "capacity");
                var events = system.ActorOf(JobEventsPublisher.Props(engine.Layout), "job-events");
                registry.Register<NodeCapacity>(capacity);
                registry.Register<JobEventsPublisher>(events);
                registry.Register<NodeStatsView>(system.ActorOf(NodeStatsView.Props(engine.StatsStaleAfter), "node-stats-view"));
                system.ActorOf(NodeStatsPublisher.Props(cluster.SelfAddress.ToString(), capacity, engine.StatsInterval), "node-stats");
                JobMetrics.ObserveMembers(() => cluster.State.Members
                    .GroupBy(m => cluster.State.Unreachable.Contains(m) ? "unreachable" : m.Status.ToString().ToLowerInvariant())
                    .Select(g => new System.Diagnostics.Metrics.Measurement<int>(g.Count(), new KeyValuePair<string, object?>("status", g.Key))));

                // Started directly (not WithShardRegion) to plug in the queue-aware allocation strategy.
                // Result reuse (dedupe): one in-memory cache entity per content hash, spread over the nodes.
                var results = ClusterSharding.Get(system).Start(ResultCache.RegionName, ResultCache.Props(engine.DedupeTtl),
                    ClusterShardingSettings.Create(system), new ResultCacheExtractor());
                // Usage per tenant and day: event-sourced, one entity per tenant-day.
                var usage = ClusterSharding.Get(system).Start(TenantUsage.RegionName, entityId => TenantUsage.Props(entityId),
                    ClusterShardingSettings.Create(system), new TenantUsageExtractor());
                registry.Register<UsageRegion>(usage);
                IActorRef? region = null;
                region = ClusterSharding.Get(system).Start(
                    "partitions",
                    entityId => JobSupervisor.Props(int.Parse(entityId, System.Globalization.CultureInfo.InvariantCulture),
                        engine, handlers, capacity, events, node, router: region, archive: readStore, resultCache: results, usage: usage),
                    ClusterShardingSettings.Create(system),
                    new PartitionMessageExtractor(),
                    new QueueAwareAllocationStrategy(system, engine.Layout),
                    StopPartition.Instance);
                registry.Register<JobPartitionRegion>(region);

                var client = new JobClient(region, readStore, o);
                system.ActorOf(BatchHost.Props(client.SubmitManyAsync, readStore, node), BatchHost.Name);
                var batchRouter = system.ActorOf(Props.Empty.WithRouter(new ClusterRouterGroup(
                    new ConsistentHashingGroup(["/user/" + BatchHost.Name]),
                    new ClusterRouterGroupSettings(10_000, ["/user/" + BatchHost.Name], allowLocalRoutees: true))), "batch-router");
                registry.Register<BatchRouter>(batchRouter);

                system.ActorOf(PartitionKeeper.Props(region, engine.Layout.All.ToArray(), engine.KeeperInterval), "partition-keeper");
                system.ActorOf(QuarantineWatcher.Props(), QuarantineWatcher.Name);
                AddLeaveDrain(system, capacity, engine.DrainTimeout);
            })
            // One projection in the cluster: several writers of the same rows would only contend (and deadlock).
            .WithSingleton<JobProjection>("read-model", JobProjection.Props(readStore), new ClusterSingletonOptions(), createProxyToo: false)
            // Last and prepended: JOBS_AKKA_HOCON wins over Akka.Hosting's remoting/cluster settings too.
            .AddHocon(JobsAkkaConfig.Overrides(o), HoconAddMode.Prepend);
    }

    /// <summary>
    /// Graceful leave: before the shard regions hand their partitions off, the node stops starting
    /// attempts and waits (at most <paramref name="timeout"/>) for the running ones, so a leave does
    /// not cut jobs short. Skipped when the node was downed: it must stop at once, not keep running
    /// jobs the survivors already took over.
    /// </summary>
    private static void AddLeaveDrain(ActorSystem system, IActorRef capacity, TimeSpan timeout)
    {
        var shutdown = CoordinatedShutdown.Get(system);
        shutdown.AddTask(CoordinatedShutdown.PhaseBeforeClusterShutdown, "drain-running-jobs", async () =>
        {
            if (shutdown.ShutdownReason is CoordinatedShutdown.ClusterDowningReason) return Done.Instance;
            try
            {
                await capacity.Ask<NodeDrained>(DrainNode.Instance, timeout);
            }
            catch (AskTimeoutException)
            {
                // still running: their partitions hand them off (JobAttemptHandedOff) and they run again elsewhere
            }
            return Done.Instance;
        });
    }
    public static string NodeName(Address address) => $"{address.Host}:{address.Port}";
}
