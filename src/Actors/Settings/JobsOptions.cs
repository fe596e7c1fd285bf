using Jobs.Handlers.BuiltIn;
using Jobs.Handlers.BuiltIn.Llm;
using Jobs.Handlers.BuiltIn.Script;

namespace Jobs.Actors.Settings;

/// <summary>
/// Everything a deployer sets, one typed section per concern, bound once from the configuration
/// section <see cref="Section"/> (appsettings.json, <c>Jobs__Node__Capacity</c>-style variables,
/// or the <c>JOBS_*</c> names of <see cref="SettingNames"/>) and checked by
/// <see cref="JobsOptionsValidator"/> before the node starts. Each default is written here, once.
/// docs/configuration.md lists every setting; a test keeps the two in step.
/// </summary>
public sealed record JobsOptions
{
    public const string Section = "Jobs";

    public StorageOptions Storage { get; init; } = new();
    public MembershipOptions Cluster { get; init; } = new();
    public PartitionOptions Partitions { get; init; } = new();
    public AttemptOptions Attempts { get; init; } = new();
    public NodeOptions Node { get; init; } = new();
    public ApiOptions Api { get; init; } = new();
    public DedupeOptions Dedupe { get; init; } = new();
    /// <summary>How long finished jobs are kept, per status.</summary>
    public RetentionOptions Retention { get; init; } = new();
    /// <summary>The <c>http</c> job type: deny-all until hosts are allowed.</summary>
    public HttpJobSettings Http { get; init; } = new();
    /// <summary>The <c>llm</c> job type: off until an endpoint is set.</summary>
    public LlmSettings Llm { get; init; } = new();
    /// <summary>The <c>script</c> job type: its sandbox worker processes and a script's limits.</summary>
    public SandboxSettings Sandbox { get; init; } = new();
}
