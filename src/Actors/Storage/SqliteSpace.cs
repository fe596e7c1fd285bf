using Microsoft.Data.Sqlite;

namespace Jobs.Actors.Storage;

/// <summary>
/// Returns the free pages of a SQLite file (<c>PRAGMA incremental_vacuum</c>) after rows were
/// deleted, at most once per <see cref="Every"/> however many partitions ask, on the thread pool.
/// A file without incremental auto-vacuum reuses its free pages for new rows instead (the pragma
/// does nothing there).
/// </summary>
public sealed class SqliteSpace(string connectionString)
{
    /// <summary>Requests closer together than this are one vacuum (partitions trim after each snapshot).</summary>
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(10);

    private long _lastTicks = long.MinValue / 2;
    private int _running;

    public void Reclaim()
    {
        var now = Environment.TickCount64;
        if (now - Interlocked.Read(ref _lastTicks) < (long)Every.TotalMilliseconds) return;
        if (Interlocked.Exchange(ref _running, 1) == 1) return;
        Interlocked.Exchange(ref _lastTicks, now);
        _ = Task.Run(() =>
        {
            try
            {
                using var c = new SqliteConnection(connectionString);
                c.Open();
                using var cmd = c.CreateCommand();
                cmd.CommandText = "PRAGMA incremental_vacuum;";
                cmd.ExecuteNonQuery();
            }
            catch (SqliteException)
            {
                // busy: the next trim asks again
            }
            finally
            {
                Interlocked.Exchange(ref _running, 0);
            }
        });
    }
}
