namespace Jobs.Actors.Partitions;

/// <summary>A partition's journal write was refused (not stored); the partition restarts from its journal.</summary>
public sealed class JournalRowRejectedException(int partitionId, long sequenceNr, Exception cause)
    : Exception($"partition {partitionId}: the journal refused row {sequenceNr}: {cause.Message}", cause);
