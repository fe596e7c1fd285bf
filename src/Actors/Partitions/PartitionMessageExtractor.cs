using System.Globalization;
using Akka.Cluster.Sharding;
using Jobs.Messages;

namespace Jobs.Actors.Partitions;

/// <summary>
/// Entity = partition; shard = partition (one partition per shard, so a shard move is a partition
/// move). Routes every <see cref="IWithPartitionId"/> message; the keep-alive's
/// <see cref="ShardRegion.StartEntity"/> is Akka's own and routed by the region itself.
/// </summary>
public sealed class PartitionMessageExtractor : IMessageExtractor
{
    public string? EntityId(object message) =>
        message is IWithPartitionId p ? p.PartitionId.ToString(CultureInfo.InvariantCulture) : null;

    public object EntityMessage(object message) => message;

    public string ShardId(object message) =>
        EntityId(message) ?? throw new ArgumentException($"{message.GetType()} has no partition id");

    public string ShardId(string entityId, object? messageHint = null) => entityId;
}
