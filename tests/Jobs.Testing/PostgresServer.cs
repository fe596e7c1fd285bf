using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Jobs.Testing;

/// <summary>
/// A real PostgreSQL 15 server started for the tests: initdb + pg_ctl (as the postgres user when
/// running as root) in a temp directory, on a free loopback port; stopped and removed afterwards.
/// </summary>
public class PostgresServer
{
    public const string BinDir = "/usr/lib/postgresql/15/bin";
    private readonly string _dir = TestPaths.NewTempDir("pg");
    private int _databases;

    public int Port { get; } = FreePort();

    /// <summary>The server's log file (statements appear in it for a database with log_statement set).</summary>
    public string LogPath => Path.Combine(_dir, "server.log");

    /// <summary>Extra server options for experiments (the bench's <c>BENCH_PG_OPTIONS</c>, e.g. <c>-c shared_preload_libraries=pg_stat_statements</c>).</summary>
    public string ExtraOptions { get; init; } = "";

    public async Task InitializeAsync()
    {
        if (!File.Exists(Path.Combine(BinDir, "pg_ctl")))
            throw new InvalidOperationException($"PostgreSQL 15 is not installed ({BinDir}/pg_ctl missing): apt-get install postgresql");
        if (IsRoot) await Run("chown", "-R", "postgres:postgres", _dir);
        await RunAsPostgres(Path.Combine(BinDir, "initdb"), "-D", DataDir, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync");
        await RunAsPostgres(Path.Combine(BinDir, "pg_ctl"), "-D", DataDir, "-l", LogPath, "-w", "-t", "60",
            "-o", $"-p {Port} -k {_dir} -c listen_addresses=127.0.0.1 -c max_connections=300 {ExtraOptions}", "start");
    }

    /// <summary>A fresh, empty database on this server.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"jobs_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}"[..20];
        await using var c = new NpgsqlConnection(ConnectionString("postgres"));
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", c);
        await cmd.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Maximum Pool Size=50;Timeout=30;Command Timeout=60";

    public async Task DisposeAsync()
    {
        try
        {
            await RunAsPostgres(Path.Combine(BinDir, "pg_ctl"), "-D", DataDir, "-m", "immediate", "-w", "stop");
        }
        finally
        {
            try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private string DataDir => Path.Combine(_dir, "data");

    private static bool IsRoot => Environment.UserName == "root";

    private static Task RunAsPostgres(string exe, params string[] args) =>
        IsRoot ? Run("runuser", ["-u", "postgres", "--", exe, .. args]) : Run(exe, args);

    private static async Task Run(string exe, params string[] args)
    {
        var psi = new ProcessStartInfo(exe, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await p.WaitForExitAsync(cts.Token);
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{exe} {string.Join(' ', args)} exited {p.ExitCode}: {await stdout} {await stderr}");
    }

    public static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}

