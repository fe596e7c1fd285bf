using Akka.Actor;

namespace Jobs.Node.Api;

/// <summary>A node's actor hierarchy, depth-bounded, for GET /api/actors (a snapshot: children come and go).</summary>
public sealed record ActorTree(string Path, string Name, int? More, IReadOnlyList<ActorTree> Children)
{
    public const int MaxChildren = 200;

    public static ActorTree Of(IActorRef actor, int depth)
    {
        var children = depth > 1 && actor is ActorRefWithCell cell
            ? cell.Children.OrderBy(c => c.Path.Name, StringComparer.Ordinal).ToList()
            : [];
        var shown = children.Take(MaxChildren).Select(c => Of(c, depth - 1)).ToList();
        return new ActorTree(actor.Path.ToStringWithoutAddress(), actor.Path.Name,
            children.Count > MaxChildren ? children.Count - MaxChildren : null, shown);
    }
}
