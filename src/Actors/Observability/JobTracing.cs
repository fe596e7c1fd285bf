using System.Diagnostics;

namespace Jobs.Actors.Observability;

/// <summary>One span per job attempt (<c>job.attempt</c>): the handler's own spans (HTTP calls…) become its children.</summary>
public static class JobTracing
{
    public const string SourceName = "Jobs";

    /// <summary>An <see cref="ActivitySource"/> is a name listeners subscribe to, not state: one per library, as .NET's own.</summary>
    public static readonly ActivitySource Source = new(SourceName);
}
