using System.ComponentModel.DataAnnotations;
using Jobs.Actors.Membership;

namespace Jobs.Actors.Settings;

/// <summary>How a node joins the cluster, which peers it accepts, and how fast a dead node is taken out.</summary>
public sealed record MembershipOptions : IValidatableObject
{
    /// <summary>The host name other nodes reach this one by; <c>auto</c>: this machine's first non-loopback IPv4 address.</summary>
    public string Host { get; init; } = "localhost";

    /// <summary>Akka remoting port; 0 picks a free one.</summary>
    [Range(0, 65535)]
    public int Port { get; init; } = 4053;

    /// <summary>Seed nodes: <c>host:port</c>, full <c>akka.tcp://…</c> addresses or <c>dns:name:port</c>; empty: the node joins itself.</summary>
    public IReadOnlyList<string> Seeds { get; init; } = [];

    /// <summary>Cluster roles; a queue runs on nodes having a role of its name. Empty: every configured queue.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    /// <summary>How long heartbeats may be missing before a node is unreachable (Akka's acceptable-heartbeat-pause).</summary>
    [Range(500, 600_000)]
    public int HeartbeatPauseMs { get; init; } = 2000;

    /// <summary>How long membership must stay stable with unreachable nodes before the split-brain resolver downs the minority.</summary>
    [Range(500, 600_000)]
    public int StableAfterMs { get; init; } = 2000;

    /// <summary>After a node is downed, how long before its partitions start elsewhere (time for the downed side to stop).</summary>
    [Range(0, 600_000)]
    public int DownRemovalMarginMs { get; init; } = 1000;

    /// <summary>HOCON layered over every other Akka setting: any setting of hocon/ or of Akka's defaults, per deployment.</summary>
    public string? AkkaHocon { get; init; }

    /// <summary>
    /// This node's certificate and key (a PKCS#12 file) for mutual TLS between nodes; unset: plain
    /// TCP, and whoever reaches the cluster port may join. Which peers are trusted: <see cref="ClusterTls"/>.
    /// </summary>
    public string? TlsCert { get; init; }

    /// <summary>The password of <see cref="TlsCert"/> (a secret: never logged or echoed).</summary>
    public string? TlsCertPassword { get; init; }

    /// <summary>CA certificates (PEM or DER) a peer's certificate must be issued by; unset: a peer must present this node's own certificate.</summary>
    public string? TlsCa { get; init; }

    public IEnumerable<ValidationResult> Validate(ValidationContext context) =>
        ClusterTls.Problem(this) is { } problem
            ? [new ValidationResult(problem, [problem.StartsWith("JOBS_CLUSTER_TLS_CA", StringComparison.Ordinal) ? nameof(TlsCa) : nameof(TlsCert)])]
            : [];
}
