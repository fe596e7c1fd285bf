using Jobs.Messages;

namespace Jobs.Actors.ReadModel;

public sealed record JobPage(IReadOnlyList<JobView> Items, string? NextCursor);
