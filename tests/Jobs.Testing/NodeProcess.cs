using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace Jobs.Testing;

/// <summary>A real Cluster.Node process on loopback (HTTP and remoting on free ports) with its own data directory.</summary>
public sealed partial class NodeProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(90);
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ITestOutputHelper? _output;

    private NodeProcess(string dataDir, IReadOnlyDictionary<string, string> env, ITestOutputHelper? output, string? nodeDll)
    {
        DataDir = dataDir;
        _output = output;
        var psi = new ProcessStartInfo("dotnet", [nodeDll ?? TestPaths.NodeDll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDir,
        };
        psi.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        psi.Environment["JOBS_DATA_DIR"] = dataDir;
        psi.Environment["JOBS_CLUSTER_HOST"] = "127.0.0.1";
        psi.Environment["JOBS_CLUSTER_PORT"] = "0";
        psi.Environment["JOBS_HANDLER_ASSEMBLIES"] = TestPaths.TestHandlersDll;
        psi.Environment["DOTNET_gcServer"] = "0";
        // no sandbox worker until a script needs one: most test nodes run none, and each warm worker costs a runtime's start
        psi.Environment["JOBS_SANDBOX_WARM"] = "0";
        foreach (var (k, v) in env) psi.Environment[k] = v;
        _process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => OnLine(e.Data);
        _process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string DataDir { get; }
    public HttpClient Http { get; private set; } = null!;
    public bool HasExited => _process.HasExited;

    /// <summary>Starts a node and waits until it listens; with <paramref name="waitReady"/>, until /readyz says ready.</summary>
    /// <param name="nodeDll">another build of the node (a benchmark comparing two builds); default: this build's.</param>
    public static async Task<NodeProcess> StartAsync(string dataDir, ITestOutputHelper? output = null,
        IReadOnlyDictionary<string, string>? env = null, bool waitReady = true, string? nodeDll = null)
    {
        var node = new NodeProcess(dataDir, env ?? new Dictionary<string, string>(), output, nodeDll);
        try
        {
            var exited = node._process.WaitForExitAsync();
            var first = await Task.WhenAny(node._listening.Task, exited, Task.Delay(StartDeadline));
            if (first != node._listening.Task)
                throw new InvalidOperationException($"node did not start listening within {StartDeadline.TotalSeconds}s (exited: {node.HasExited}).\n{node.Tail()}");
            node.Http = new HttpClient { BaseAddress = node._listening.Task.Result, Timeout = TimeSpan.FromSeconds(30) };
            if (waitReady) await node.WaitReadyAsync();
            return node;
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a node without waiting for anything (for a node expected to stop by itself); <see cref="Http"/> is unset.</summary>
    public static NodeProcess Launch(string dataDir, ITestOutputHelper? output, IReadOnlyDictionary<string, string> env) => new(dataDir, env, output, null);

    /// <summary>Everything the node has written to stdout and stderr so far.</summary>
    public string Log()
    {
        lock (_log) return File.Exists(Path.Combine(DataDir, "node.log")) ? File.ReadAllText(Path.Combine(DataDir, "node.log")) : "";
    }

    public async Task WaitReadyAsync() =>
        await Eventually.Until(async () =>
        {
            if (HasExited) throw new InvalidOperationException("node exited before it was ready\n" + Tail());
            try
            {
                return (await Http.GetAsync("/readyz")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, StartDeadline, "/readyz to answer 200");

    /// <summary>SIGKILL: no shutdown hooks run.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.WaitForExit(10_000);
    }

    /// <summary>Sends a POSIX signal (SIGSTOP, SIGCONT, SIGTERM) to the node.</summary>
    public void Signal(string signal) => Process.Start("kill", [$"-{signal}", _process.Id.ToString()])!.WaitForExit(10_000);

    public int ExitCode => _process.ExitCode;

    public int Pid => _process.Id;

    public async Task<bool> WaitForExitAsync(TimeSpan deadline)
    {
        using var cts = new CancellationTokenSource(deadline);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Submits a job. With <paramref name="retryBusy"/> (only for jobs with an idempotencyKey) a 503
    /// is retried, as a client should while partitions move after a node failure.
    /// </summary>
    public async Task<JsonElement> SubmitAsync(object job, bool retryBusy = false)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        var response = await Http.PostAsJsonAsync("/api/jobs", job);
        while (retryBusy && response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < until)
            response = await Http.PostAsJsonAsync("/api/jobs", job);
        var body = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode is not (200 or 202)) throw new InvalidOperationException($"submit answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task<JsonElement?> GetJobAsync(string id)
    {
        var response = await Http.GetAsync($"/api/jobs/{id}");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    /// <summary>One sample's value from the node's <c>/metrics</c> (0 when absent).</summary>
    public async Task<double> MetricAsync(string name) =>
        PrometheusText.Value(PrometheusText.Parse(await Http.GetStringAsync("/metrics")), name);

    public Task<JsonElement> WaitForStatusAsync(string id, string status, TimeSpan? deadline = null) =>
        Eventually.Until(async () => await GetJobAsync(id) ?? default, j => j.ValueKind == JsonValueKind.Object && j.GetProperty("status").GetString() == status,
            deadline ?? TimeSpan.FromSeconds(60), $"job {id} to be {status}");

    /// <summary>Rows the partitions have journaled (what "nothing was stored" is checked against).</summary>
    public long JournalRows()
    {
        using var c = new SqliteConnection($"Data Source={Path.Combine(DataDir, "journal.db")};Mode=ReadOnly");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'journal';";
        if ((long)cmd.ExecuteScalar()! == 0) return 0; // the journal creates its tables on first use
        cmd.CommandText = "SELECT COUNT(*) FROM journal WHERE persistence_id LIKE 'partition-%';";
        return (long)cmd.ExecuteScalar()!;
    }

    public string Tail() => string.Join('\n', _log.TakeLast(60));

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null) return;
        _log.Enqueue(line);
        lock (_log) File.AppendAllText(Path.Combine(DataDir, "node.log"), line + "\n");
        while (_log.Count > 400) _log.TryDequeue(out _);
        if (ListeningLine().Match(line) is { Success: true } m) _listening.TrySetResult(new Uri(m.Groups[1].Value));
        if (line.Contains("fail:", StringComparison.Ordinal) || line.Contains("crit:", StringComparison.Ordinal))
        {
            try { _output?.WriteLine("[node] " + line); } catch (InvalidOperationException) { /* test already finished */ }
        }
    }

    [GeneratedRegex(@"Now listening on: (http://[^\s'""]+)")]
    private static partial Regex ListeningLine();
}
