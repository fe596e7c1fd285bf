namespace Jobs.Actors.Batches;

/// <summary>The batch's key holds another tenant's batch (<see cref="Jobs.Messages.BatchIdTaken"/>): nothing was submitted.</summary>
public sealed class BatchIdTakenException(string batchId)
    : Exception($"batch id '{batchId}' cannot be used by this tenant; choose another id (or leave id out to get a fresh one)");
