using System.ComponentModel.DataAnnotations;

namespace Jobs.Actors.Settings;

/// <summary>Where the journal, snapshots and read model live.</summary>
public sealed record StorageOptions : IValidatableObject
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary>SQLite files (journal.db, readmodel.db) go here.</summary>
    public string DataDir { get; init; } = "./data";

    /// <summary><c>sqlite</c> (embedded, one node) or <c>postgres</c> (the multi-node store).</summary>
    [AllowedValues(Sqlite, Postgres)]
    public string Persistence { get; init; } = Sqlite;

    /// <summary>PostgreSQL connection string (Npgsql format); needed with <c>postgres</c>.</summary>
    public string? Db { get; init; }

    /// <summary>
    /// PostgreSQL's compression of large values (journal rows, snapshots) in the engine's sessions:
    /// group-commit rows are large and lz4 costs the server far less CPU than pglz; <c>default</c>
    /// leaves the server's own setting.
    /// </summary>
    [AllowedValues("lz4", "pglz", "default")]
    public string DbCompression { get; init; } = "lz4";

    public bool IsPostgres => Persistence == Postgres;
    public string JournalPath => Path.GetFullPath(Path.Combine(DataDir, "journal.db"));
    public string ReadModelPath => Path.GetFullPath(Path.Combine(DataDir, "readmodel.db"));

    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (IsPostgres && string.IsNullOrWhiteSpace(Db))
            yield return new ValidationResult("postgres needs a connection string", [nameof(Db)]);
    }
}
