namespace Jobs.Actors.Hosting;

// Keys of the engine's actors in Akka.Hosting's ActorRegistry (actors registered under their own type need none).

/// <summary>The shard region of the partitions (<see cref="Partitions.JobSupervisor"/> entities).</summary>
public sealed class JobPartitionRegion;

/// <summary>The consistent-hash group router over every node's batch host.</summary>
public sealed class BatchRouter;

/// <summary>The shard region of usage per tenant and day.</summary>
public sealed class UsageRegion;

/// <summary>The shard region of reusable results (<c>dedupe</c>).</summary>
public sealed class ResultCacheRegion;
