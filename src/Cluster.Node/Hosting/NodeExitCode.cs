using Akka.Actor;

namespace Jobs.Node.Hosting;

/// <summary>
/// The process exit code, decided from why CoordinatedShutdown ran — explicitly, because the
/// code otherwise depends on which shutdown path wins a race (SIGTERM handling of the host vs
/// Akka's own CLR hook) and was 255 for some clean leaves.
/// </summary>
public static class NodeExitCode
{
    public const int Clean = 0;
    public const int Unknown = 1;
    public const int Downed = 3;
    public const int JoinFailed = 4;

    public static int For(CoordinatedShutdown.Reason? reason) => reason switch
    {
        null => Clean,
        CoordinatedShutdown.ClrExitReason or CoordinatedShutdown.ClusterLeavingReason or CoordinatedShutdown.ActorSystemTerminateReason => Clean,
        CoordinatedShutdown.ClusterDowningReason => Downed,
        CoordinatedShutdown.ClusterJoinUnsuccessfulReason => JoinFailed,
        _ => Unknown,
    };

    public static string Describe(int code) => code switch
    {
        Clean => "left the cluster",
        Downed => "downed by the cluster",
        JoinFailed => "could not join the cluster",
        _ => "stopped for another reason",
    };
}
