using System.Diagnostics.Metrics;
using System.Globalization;
using Akka;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Routing;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Akka.Routing;
using Jobs.Actors.Attempts;
using Jobs.Actors.Batches;
using Jobs.Actors.Dedupe;
using Jobs.Actors.Limits;
using Jobs.Actors.Membership;
using Jobs.Actors.Observability;
using Jobs.Actors.Partitions;
using Jobs.Actors.Placement;
using Jobs.Actors.Queues;
using Jobs.Actors.ReadModel;
using Jobs.Actors.Schedules;
using Jobs.Actors.Settings;
using Jobs.Actors.Storage;
using Jobs.Actors.Usage;
using Jobs.Handlers.BuiltIn.Script;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Jobs.Actors.Hosting;

/// <summary>
/// One call wires the whole engine into a host: <see cref="AddJobEngine"/> registers the settings,
/// the handlers, the read model and one <see cref="JobClient"/>, and builds the ActorSystem with
/// <see cref="WithJobEngine"/>, which composes the engine from one Akka.Hosting extension per
/// concern (membership, node capacity, node stats, dedupe, usage, partitions, batches, schedules,
/// read model, graceful leave), each registering in the <see cref="ActorRegistry"/> what the later ones use.
/// </summary>
public static class JobEngineHosting
{
    public const string SystemName = "jobs";

    /// <summary>The shard region (entity type) of the partitions.</summary>
    public const string PartitionRegion = "partitions";

    /// <summary>
    /// Adds the engine. Handlers: the built-ins plus whatever <paramref name="configureHandlers"/>
    /// registers. The databases are prepared when the host starts (<see cref="StorageInitializer"/>), not here.
    /// </summary>
    public static IServiceCollection AddJobEngine(this IServiceCollection services, JobsOptions options,
        Action<JobHandlerRegistryBuilder>? configureHandlers = null)
    {
        var sandbox = new SandboxPool(options.Sandbox, options.Node.Capacity);
        var builder = new JobHandlerRegistryBuilder().AddBuiltIns(options.Http, options.Llm, sandbox);
        configureHandlers?.Invoke(builder);
        var handlers = builder.Build();
        var readStore = new FreshJobReadStore(options.Storage.ReadStore(options.Retention.Periods));

        services.AddSingleton(options);
        services.AddSingleton(handlers);
        services.AddSingleton(sandbox);
        services.AddSingleton<IJobReadStore>(readStore);
        // before AddAkka: hosted services start in order (and stop in reverse)
        services.AddHostedService<StorageInitializer>();
        services.AddHostedService<SandboxLifetime>();
        services.AddSingleton(sp =>
        {
            var registry = sp.GetRequiredService<ActorRegistry>();
            return new JobClient(registry.Get<JobPartitionRegion>(), readStore, options, registry.Get<BatchRouter>());
        });
        services.AddAkka(SystemName, (b, sp) =>
        {
            handlers.LoggerFactory ??= sp.GetService<ILoggerFactory>();
            b.WithJobEngine(options, handlers, readStore);
        });
        return services;
    }

    /// <summary>The engine's actors, one concern at a time; each registers what the later ones use.</summary>
    public static AkkaConfigurationBuilder WithJobEngine(this AkkaConfigurationBuilder b, JobsOptions o,
        JobHandlerRegistry handlers, IJobReadStore readStore) => b
        .AddHocon(AkkaConfig.Node(o), HoconAddMode.Prepend)
        .ConfigureLoggers(l =>
        {
            l.ClearLoggers();
            l.AddLoggerFactory();
        })
        .WithMembership(o)
        .WithNodeCapacity(o)
        .WithQueueSwitches()
        .WithLimits()
        .WithNodeStats(o)
        .WithDedupe(o)
        .WithUsage()
        .WithPartitions(o, handlers, readStore)
        .WithBatches(readStore)
        .WithSchedules(o)
        .WithReadModel(readStore)
        .WithGracefulLeave(o)
        // Last and prepended: JOBS_AKKA_HOCON wins over Akka.Hosting's remoting and cluster settings too.
        .AddHocon(HoconOverrides.Parse(o.Cluster.AkkaHocon), HoconAddMode.Prepend);

    /// <summary>A node's name in job histories and stats: <c>host:port</c>.</summary>
    public static string NodeName(Address address) => $"{address.Host}:{address.Port}";

    /// <summary>
    /// Remoting on the node's host and port (mutual TLS when JOBS_CLUSTER_TLS_CERT is set:
    /// <see cref="ClusterTls"/>), cluster membership with its roles and seeds (resolved now, at
    /// start: <c>auto</c> hosts and <c>dns:</c> seeds), DistributedPubSub, the quarantine watcher
    /// and the members gauge. Without seeds the node forms a cluster of its own.
    /// </summary>
    public static AkkaConfigurationBuilder WithMembership(this AkkaConfigurationBuilder b, JobsOptions o)
    {
        var tls = ClusterTls.Load(o.Cluster);
        var protocol = tls is null ? "akka.tcp" : "akka.ssl.tcp";
        var seeds = SeedList.Expand(o.Cluster.Seeds, System.Net.Dns.GetHostAddresses, SeedList.FirstSeedWait)
            .Select(s => s.Contains("://", StringComparison.Ordinal) ? s : $"{protocol}://{SystemName}@{s}")
            .ToArray();
        var remoting = new RemoteOptions { HostName = ClusterHostName.Resolve(o.Cluster.Host), Port = o.Cluster.Port };
        if (tls is not null)
        {
            remoting.EnableSsl = true;
            remoting.Ssl = new SslOptions
            {
                X509Certificate = tls.Certificate,
                RequireMutualAuthentication = true,
                ValidateCertificateHostname = false,
                SuppressValidation = false,
                CustomValidator = tls.Validator,
            };
        }
        return b
            .WithRemoting(remoting)
            .WithClustering(new ClusterOptions { Roles = Roles(o).ToArray(), SeedNodes = seeds })
            .WithDistributedPubSub(null!)
            .WithActors((system, _) =>
            {
                var cluster = Cluster.Get(system);
                if (tls is not null) system.Log.Info("cluster TLS on (mutual): {0}", tls.Describe());
                else if (!ClusterHostName.IsLoopback(cluster.SelfAddress.Host))
                    system.Log.Warning("cluster TLS off: any process that reaches {0} can join this cluster; set JOBS_CLUSTER_TLS_CERT (docs/security.md)", cluster.SelfAddress);
                // No seeds: a one-node cluster that joins itself (works with port 0 too).
                if (seeds.Length == 0) cluster.Join(cluster.SelfAddress);
                system.ActorOf(QuarantineWatcher.Props(), QuarantineWatcher.Name);
                JobMetrics.Get(system).ObserveMembers(() => cluster.State.Members
                    .GroupBy(m => cluster.State.Unreachable.Contains(m) ? "unreachable" : m.Status.ToString().ToLowerInvariant())
                    .Select(g => new Measurement<int>(g.Count(), new KeyValuePair<string, object?>("status", g.Key))));
            });
    }

    /// <summary>The node's roles: as configured, or (none configured) every queue, so it serves them all.</summary>
    public static IReadOnlyList<string> Roles(JobsOptions o) => o.Cluster.Roles.Count > 0 ? o.Cluster.Roles : o.Partitions.AllQueues;

    /// <summary>A node runs the jobs of the queues its roles name.</summary>
    public static IReadOnlySet<string> ServedQueues(JobsOptions o) =>
        o.Partitions.AllQueues.Intersect(Roles(o), StringComparer.Ordinal).ToHashSet(StringComparer.Ordinal);

    /// <summary>The node's slot gate (capacity, priority across partitions, memory guard) and the publisher of job events.</summary>
    public static AkkaConfigurationBuilder WithNodeCapacity(this AkkaConfigurationBuilder b, JobsOptions o) =>
        b.WithActors((system, registry) =>
        {
            var metrics = JobMetrics.Get(system);
            registry.Register<NodeCapacity>(system.ActorOf(NodeCapacity.Props(o.Node.Capacity,
                MemoryGuard.Create(o.Node.MemoryHighBytes, o.Node.MemoryLowBytes), metrics.SetCapacity, o.Node.Share, awaitSwitches: true), "capacity"));
            registry.Register<JobEventsPublisher>(system.ActorOf(JobEventsPublisher.Props(o.Partitions.Layout), "job-events"));
        });

    /// <summary>
    /// Paused queues: the cluster's one switch board (a sharded, event-sourced entity) and this node's feed, which
    /// tells the gate the paused set (the gate starts nothing until it knows it).
    /// </summary>
    public static AkkaConfigurationBuilder WithQueueSwitches(this AkkaConfigurationBuilder b) =>
        b.WithActors((system, registry) =>
        {
            var region = ClusterSharding.Get(system).Start(QueueSwitchBoard.RegionName, _ => QueueSwitchBoard.Props(),
                ClusterShardingSettings.Create(system), new QueueSwitchBoardExtractor());
            registry.Register<QueueSwitchRegion>(region);
            system.ActorOf(QueueSwitchesFeed.Props(region, registry.Get<NodeCapacity>()), QueueSwitchesFeed.Name);
        });

    /// <summary>Limits per key: one sharded limiter per limit key (its limits journaled, its leases in memory) and the index of the keys.</summary>
    public static AkkaConfigurationBuilder WithLimits(this AkkaConfigurationBuilder b) =>
        b.WithActors((system, registry) =>
        {
            var sharding = ClusterSharding.Get(system);
            registry.Register<LimiterRegion>(sharding.Start(Limiter.RegionName, Limiter.Props, ClusterShardingSettings.Create(system), new LimiterExtractor()));
            registry.Register<LimitIndexRegion>(sharding.Start(LimitIndex.RegionName, _ => LimitIndex.Props(), ClusterShardingSettings.Create(system),
                new LimitIndexExtractor()));
        });

    /// <summary>The node's stats heartbeat (published through DistributedPubSub) and this node's view of everyone's.</summary>
    public static AkkaConfigurationBuilder WithNodeStats(this AkkaConfigurationBuilder b, JobsOptions o) =>
        b.WithActors((system, registry) =>
        {
            registry.Register<NodeStatsView>(system.ActorOf(NodeStatsView.Props(o.Node.StatsStaleAfter), "node-stats-view"));
            system.ActorOf(NodeStatsPublisher.Props(Cluster.Get(system).SelfAddress.ToString(), registry.Get<NodeCapacity>(), o.Node.StatsInterval), "node-stats");
        });

    /// <summary>Result reuse: one in-memory cache entity per content hash, sharded over the nodes.</summary>
    public static AkkaConfigurationBuilder WithDedupe(this AkkaConfigurationBuilder b, JobsOptions o) =>
        b.WithActors((system, registry) => registry.Register<ResultCacheRegion>(ClusterSharding.Get(system).Start(
            ResultCache.RegionName, ResultCache.Props(o.Dedupe.Ttl), ClusterShardingSettings.Create(system), new ResultCacheExtractor())));

    /// <summary>Usage per tenant and day: event-sourced, one sharded entity per tenant-day.</summary>
    public static AkkaConfigurationBuilder WithUsage(this AkkaConfigurationBuilder b) =>
        b.WithActors((system, registry) => registry.Register<UsageRegion>(ClusterSharding.Get(system).Start(
            TenantUsage.RegionName, entityId => TenantUsage.Props(entityId), ClusterShardingSettings.Create(system), new TenantUsageExtractor())));

    /// <summary>
    /// The partitions' shard region, placed by the queue-aware allocation strategy and handed off
    /// with <see cref="StopPartition"/>, and the keeper that keeps every partition alive. Started
    /// directly (not WithShardRegion) to plug in the strategy.
    /// </summary>
    public static AkkaConfigurationBuilder WithPartitions(this AkkaConfigurationBuilder b, JobsOptions o,
        JobHandlerRegistry handlers, IJobReadStore readStore) =>
        b.WithActors((system, registry) =>
        {
            var results = registry.Get<ResultCacheRegion>();
            IActorRef? region = null;
            var services = new PartitionServices(o.Partitions, registry.Get<NodeCapacity>(), registry.Get<JobEventsPublisher>(),
                NodeName(Cluster.Get(system).SelfAddress),
                (job, attempt) => JobRunner.Props(job, attempt, handlers, o.Attempts, results))
            {
                ServedQueues = ServedQueues(o),
                Attempts = o.Attempts,
                ArchivedStatus = async id => (await readStore.GetAsync(id))?.Status,
                Usage = registry.Get<UsageRegion>(),
                Limiters = registry.Get<LimiterRegion>(),
                Retention = o.Retention.Periods,
                ProjectedSequenceNr = persistenceId => readStore.ProjectedSequenceNrAsync(persistenceId),
                JournalTrimmed = o.Storage.IsPostgres ? null : new SqliteSpace(o.Storage.JournalConnectionString()).Reclaim,
            };
            region = ClusterSharding.Get(system).Start(
                PartitionRegion,
                entityId => JobSupervisor.Props(int.Parse(entityId, CultureInfo.InvariantCulture), services with { Router = region }),
                ClusterShardingSettings.Create(system),
                new PartitionMessageExtractor(),
                new QueueAwareAllocationStrategy(system, o.Partitions.Layout),
                StopPartition.Instance);
            registry.Register<JobPartitionRegion>(region);
            system.ActorOf(PartitionKeeper.Props(region, o.Partitions.Layout.All.ToArray(), o.Partitions.KeepAliveInterval), "partition-keeper");
        });

    /// <summary>
    /// Batches: a consistent-hash group router keyed by batch id over every node's batch host, so the
    /// same batch id always reaches the same coordinator; the coordinators store jobs through the
    /// node's one <see cref="JobClient"/>.
    /// </summary>
    public static AkkaConfigurationBuilder WithBatches(this AkkaConfigurationBuilder b, IJobReadStore readStore) =>
        b.WithActors((system, registry, resolver) =>
        {
            var path = "/user/" + BatchHost.Name;
            registry.Register<BatchRouter>(system.ActorOf(Props.Empty.WithRouter(new ClusterRouterGroup(
                new ConsistentHashingGroup([path]),
                new ClusterRouterGroupSettings(10_000, [path], allowLocalRoutees: true))), "batch-router"));
            var client = resolver.GetService<JobClient>();
            system.ActorOf(BatchHost.Props(client.SubmitManyAsync, readStore, NodeName(Cluster.Get(system).SelfAddress)), BatchHost.Name);
        });

    /// <summary>
    /// Schedules (recurring jobs): <see cref="Jobs.Messages.ScheduleKeys.Groups"/> sharded, event-sourced schedule groups that submit
    /// their ticks' jobs through the node's one <see cref="JobClient"/>, and a keeper that starts every group at start
    /// and periodically, so schedules fire on after their node dies and after a full restart.
    /// </summary>
    public static AkkaConfigurationBuilder WithSchedules(this AkkaConfigurationBuilder b, JobsOptions o) =>
        b.WithActors((system, registry, resolver) =>
        {
            var client = resolver.GetService<JobClient>();
            var node = NodeName(Cluster.Get(system).SelfAddress);
            var region = ClusterSharding.Get(system).Start(
                ScheduleGroup.RegionName,
                entityId => ScheduleGroup.Props(int.Parse(entityId, CultureInfo.InvariantCulture), (jobs, ct) => client.SubmitManyAsync(jobs, null, ct), node),
                ClusterShardingSettings.Create(system),
                new ScheduleGroupExtractor());
            registry.Register<ScheduleRegion>(region);
            system.ActorOf(PartitionKeeper.Props(region, Enumerable.Range(0, Jobs.Messages.ScheduleKeys.Groups).ToArray(), o.Partitions.KeepAliveInterval), "schedule-keeper");
        });

    /// <summary>
    /// The projection that feeds the read model: one in the cluster (several writers of the same rows would only
    /// contend and deadlock). And read-your-writes: this node answers other nodes' lists from its live index, and
    /// a <see cref="FreshJobReadStore"/> starts merging the cluster's live jobs into its lists.
    /// </summary>
    public static AkkaConfigurationBuilder WithReadModel(this AkkaConfigurationBuilder b, IJobReadStore readStore) => b
        .WithSingleton<JobProjection>("read-model", JobProjection.Props(readStore is FreshJobReadStore f ? f.Sql : readStore),
            new ClusterSingletonOptions(), createProxyToo: false)
        .WithActors((system, _) =>
        {
            system.ActorOf(LiveJobsResponder.Props(LiveJobIndex.Get(system)), LiveJobsResponder.Name);
            (readStore as FreshJobReadStore)?.Attach(system);
        });

    /// <summary>
    /// Graceful leave: before the shard regions hand their partitions off, the node stops starting
    /// attempts and waits (at most JOBS_DRAIN_TIMEOUT_MS) for the running ones, so a leave does not
    /// cut jobs short. Skipped when the node was downed: it must stop at once, not keep running
    /// jobs the survivors already took over.
    /// </summary>
    public static AkkaConfigurationBuilder WithGracefulLeave(this AkkaConfigurationBuilder b, JobsOptions o) =>
        b.WithActors((system, registry) =>
        {
            var capacity = registry.Get<NodeCapacity>();
            var shutdown = CoordinatedShutdown.Get(system);
            shutdown.AddTask(CoordinatedShutdown.PhaseBeforeClusterShutdown, "drain-running-jobs", async () =>
            {
                if (shutdown.ShutdownReason is CoordinatedShutdown.ClusterDowningReason) return Done.Instance;
                try
                {
                    await capacity.Ask<NodeDrained>(DrainNode.Instance, o.Node.DrainTimeout);
                }
                catch (AskTimeoutException)
                {
                    // still running: their partitions hand them off (JobAttemptHandedOff) and they run again elsewhere
                }
                return Done.Instance;
            });
        });
}
