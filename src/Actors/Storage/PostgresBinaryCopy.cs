using LinqToDB.Data;
using LinqToDB.DataProvider.PostgreSQL;

namespace Jobs.Actors.Storage;

/// <summary>
/// Makes Akka.Persistence.Sql write journal batches to PostgreSQL with Npgsql's binary COPY.
/// The plugin hands every batch of more than <c>max-row-by-row-size</c> rows to linq2db's
/// <c>BulkCopyType.Default</c>, which for PostgreSQL means the provider's default: multi-row
/// INSERT text (that PostgreSQL must parse: most of its CPU in a profile at full load) unless
/// the process-wide default says <c>ProviderSpecific</c> (binary COPY, no SQL to parse).
/// Same rows, same transaction per batch, same unique key: a second writer's batch still fails
/// whole. Process-wide because linq2db reads it from a static default when the plugin bulk-copies.
/// </summary>
public static class PostgresBinaryCopy
{
    public static void Enable()
    {
        if (PostgreSQLOptions.Default.BulkCopyType != BulkCopyType.ProviderSpecific)
            PostgreSQLOptions.Default = PostgreSQLOptions.Default with { BulkCopyType = BulkCopyType.ProviderSpecific };
    }
}
