using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Jobs.Actors.Capacity;
using Jobs.Actors.Handlers;
using Jobs.Actors.ReadModel;
using Jobs.Actors.Sharding;
using Jobs.Actors.Supervision;
using Microsoft.Extensions.DependencyInjection;

namespace Jobs.Actors.Hosting;

/// <summary>Registry keys for the engine's actors.</summary>
public sealed class JobPartitionRegion;

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
        var builder = new JobHandlerRegistryBuilder().AddBuiltIns();
        configureHandlers?.Invoke(builder);
        var handlers = builder.Build();
        JobsAkkaConfig.PrepareStorage(options);
        var readStore = JobsAkkaConfig.ReadStore(options);
        readStore.InitializeAsync().GetAwaiter().GetResult();

        services.AddSingleton(options);
        services.AddSingleton(handlers);
        services.AddSingleton<IJobReadStore>(readStore);
        services.AddSingleton(sp => new JobClient(
            sp.GetRequiredService<ActorRegistry>().Get<JobPartitionRegion>(), readStore, options));
        services.AddAkka(options.SystemName, (b, _) => b.WithJobEngine(options, handlers, readStore));
        return services;
    }

    public static AkkaConfigurationBuilder WithJobEngine(this AkkaConfigurationBuilder b, JobEngineOptions o,
        JobHandlerRegistry handlers, IJobReadStore readStore)
    {
        var seeds = o.Seeds.Select(s => s.Contains("://", StringComparison.Ordinal) ? s : $"akka.tcp://{o.SystemName}@{s}").ToArray();

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
                // No seeds: a one-node cluster that joins itself (works with JOBS_CLUSTER_PORT=0 too).
                if (seeds.Length == 0) Cluster.Get(system).Join(Cluster.Get(system).SelfAddress);
                registry.Register<NodeCapacity>(system.ActorOf(NodeCapacity.Props(o.Engine.Capacity), "capacity"));
                registry.Register<JobEventsPublisher>(system.ActorOf(JobEventsPublisher.Props(o.Engine.Partitions), "job-events"));
            })
            .WithShardRegion<JobPartitionRegion>("partitions", (system, registry, _) =>
            {
                var capacity = registry.Get<NodeCapacity>();
                var events = registry.Get<JobEventsPublisher>();
                var node = NodeName(Cluster.Get(system).SelfAddress);
                return entityId => JobSupervisor.Props(int.Parse(entityId, System.Globalization.CultureInfo.InvariantCulture),
                    o.Engine, handlers, capacity, events, node);
            }, new PartitionMessageExtractor(), new ShardOptions
            {
                RememberEntities = false,
                ShouldPassivateIdleEntities = false,
                HandOffStopMessage = StopPartition.Instance,
            })
            // One projection in the cluster: several writers of the same rows would only contend (and deadlock).
            .WithSingleton<JobProjection>("read-model", JobProjection.Props(readStore), new ClusterSingletonOptions(), createProxyToo: false)
            .WithActors((system, registry) =>
            {
                var region = registry.Get<JobPartitionRegion>();
                system.ActorOf(PartitionKeeper.Props(region, o.Engine.Partitions, o.Engine.KeeperInterval), "partition-keeper");
            });
    }

    public static string NodeName(Address address) => $"{address.Host}:{address.Port}";
}
