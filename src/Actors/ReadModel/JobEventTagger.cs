using System.Collections.Immutable;
using Akka.Persistence.Journal;
using Jobs.Messages;

namespace Jobs.Actors.ReadModel;

/// <summary>Write adapter: tags every job event and every <see cref="JobEventBatch"/> row with <see cref="Tag"/> for the read-model projection.</summary>
public sealed class JobEventTagger : IWriteEventAdapter
{
    public const string Tag = "job";
    private static readonly ImmutableHashSet<string> Tags = ImmutableHashSet.Create(Tag);

    public string Manifest(object evt) => string.Empty;

    public object ToJournal(object evt) => evt is IJobEvent or JobEventBatch ? new Tagged(evt, Tags) : evt;
}
