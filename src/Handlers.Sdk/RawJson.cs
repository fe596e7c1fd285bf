namespace Jobs.Handlers;

/// <summary>A result that is already JSON text: stored as it is (the engine checks that it is JSON).</summary>
public sealed record RawJson(string Json);
