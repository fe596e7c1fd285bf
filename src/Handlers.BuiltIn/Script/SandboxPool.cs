using System.Diagnostics;
using System.Runtime.InteropServices;
using Jobs.Sandbox.Protocol;

namespace Jobs.Handlers.BuiltIn.Script;

/// <summary>How a script run in the sandbox ended, as the node saw it.</summary>
public abstract record SandboxOutcome
{
    /// <summary>The worker answered (done or failed); it is back in the pool unless it had to be replaced.</summary>
    public sealed record Answered(SandboxMessage Message) : SandboxOutcome;

    /// <summary>The script ran past its time limit and the interpreter did not stop it: the worker was killed.</summary>
    public sealed record KilledAtTimeLimit : SandboxOutcome;

    /// <summary>The worker used more memory than allowed: it was killed.</summary>
    public sealed record KilledOverMemory(long RssBytes) : SandboxOutcome;

    /// <summary>The worker died on its own (a stack overflow, the runtime's out-of-memory abort…).</summary>
    public sealed record Died(string Reason) : SandboxOutcome;

    /// <summary>The worker sent something that is not the protocol: it was killed.</summary>
    public sealed record BrokeProtocol(string Detail) : SandboxOutcome;
}

/// <summary>
/// The node's sandbox worker processes for <c>script</c> jobs (docs/architecture.md, "Scripts
/// run outside the node"). At most <see cref="MaxWorkers"/> live at once — idle, starting or
/// running — so no more scripts execute than that; a few are kept warm. A run takes an idle
/// worker (or starts one, or waits), sends the script, and watches it: past the time limit plus
/// the kill grace, or above the memory limit, the worker is killed; a worker that dies, breaks the
/// protocol or ran out of memory is replaced. A run returns only once its worker is back in the
/// pool or gone, so a job's slot never outlives its script.
/// </summary>
public sealed class SandboxPool : IAsyncDisposable
{
    /// <summary>How often a running worker's RSS is checked.</summary>
    public static readonly TimeSpan MemoryCheckInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>How long a new worker may take to say it is ready (the runtime's start and a warm-up script).</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly SandboxSettings _settings;
    private readonly ProcessSpawner _spawner = new();
    private readonly Stack<SandboxWorker> _idle = new();
    private readonly HashSet<SandboxWorker> _all = [];
    private readonly Queue<TaskCompletionSource<SandboxWorker?>> _waiting = new();
    private readonly object _lock = new();
    private readonly Timer _retirement;
    private int _live;
    private bool _disposed;

    private readonly Func<ProcessStartInfo> _workerStart;

    /// <param name="defaultWorkers">the number of workers when the settings name none (the node's capacity).</param>
    /// <param name="workerStart">how a worker is started; by default the sandbox program beside the node (tests start stand-ins).</param>
    public SandboxPool(SandboxSettings settings, int defaultWorkers, Func<ProcessStartInfo>? workerStart = null)
    {
        _settings = settings;
        _workerStart = workerStart ?? WorkerStartInfo;
        MaxWorkers = settings.Workers ?? Math.Max(1, defaultWorkers);
        _retirement = new Timer(_ => RetireIdle(), null, settings.IdleTimeout, settings.IdleTimeout);
    }

    public int MaxWorkers { get; }

    public SandboxSettings Settings => _settings;

    /// <summary>Workers alive now (idle, starting or running).</summary>
    public int Live
    {
        get
        {
            lock (_lock) return _live;
        }
    }

    /// <summary>Starts the warm workers (at node start) without waiting for them.</summary>
    public void Warm()
    {
        var start = 0;
        lock (_lock)
        {
            while (_live < Math.Min(_settings.WarmWorkers, MaxWorkers))
            {
                _live++;
                start++;
            }
        }
        for (var i = 0; i < start; i++) _ = StartIntoPoolAsync();
    }

    /// <summary>Runs one script; cancellation (the job's cancel or timeout) kills its worker and throws once the worker is gone.</summary>
    public async Task<SandboxOutcome> RunAsync(RunScript run, Action<ScriptProgress> progress, CancellationToken ct)
    {
        var worker = await AcquireAsync(ct);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(TimeSpan.FromMilliseconds(run.TimeoutMs) + _settings.KillGrace);
        long overMemory = 0;
        using var watch = new Timer(_ =>
        {
            var rss = worker.RssBytes();
            if (rss <= _settings.RssLimitBytes) return;
            Interlocked.Exchange(ref overMemory, rss);
            try
            {
                limit.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // the run ended meanwhile
            }
        }, null, MemoryCheckInterval, MemoryCheckInterval);

        // Past the limit (or on cancel) the worker is killed: its output ends and the run returns,
        // whether or not a pipe read honours the token.
        using var killOnLimit = limit.Token.Register(() => _ = worker.KillAsync());
        SandboxMessage? answer = null;
        string? brokeProtocol = null;
        try
        {
            answer = await worker.RunAsync(run, progress, limit.Token);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
        }
        catch (InvalidFrameException e)
        {
            brokeProtocol = e.Message;
        }
        catch (IOException)
        {
            // its pipes broke: the worker died
        }
        killOnLimit.Dispose();
        await watch.DisposeAsync();

        if (answer is not null && brokeProtocol is null)
        {
            // back to the pool clean, unless it may have been killed meanwhile, ran out of memory or has run enough
            var keep = !limit.IsCancellationRequested && answer is not ScriptFailed { Kind: FailureKinds.Memory }
                       && worker.ScriptsRun < _settings.MaxScriptsPerWorker;
            if (keep) Release(worker);
            else await DiscardAsync(worker);
            return new SandboxOutcome.Answered(answer);
        }

        var died = answer is null && brokeProtocol is null && !limit.IsCancellationRequested;
        var reason = died ? DeathReason(await worker.StderrTailAsync()) : null;
        await DiscardAsync(worker);
        ct.ThrowIfCancellationRequested();
        if (Interlocked.Read(ref overMemory) is var rss and > 0) return new SandboxOutcome.KilledOverMemory(rss);
        if (brokeProtocol is not null) return new SandboxOutcome.BrokeProtocol(brokeProtocol);
        if (reason is not null) return new SandboxOutcome.Died(reason);
        return new SandboxOutcome.KilledAtTimeLimit();
    }

    private static string DeathReason(string stderr) =>
        stderr.Contains("Stack overflow", StringComparison.OrdinalIgnoreCase) ? "stack overflow"
        : stderr.Contains("OutOfMemory", StringComparison.OrdinalIgnoreCase) || stderr.Contains("out of memory", StringComparison.OrdinalIgnoreCase) ? "out of memory"
        : stderr.Length == 0 ? "it exited without a word"
        : stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[0];

    /// <summary>An idle worker, else a new one if there is room, else the next worker released (or the place of one that died).</summary>
    private async Task<SandboxWorker> AcquireAsync(CancellationToken ct)
    {
        var waiter = new TaskCompletionSource<SandboxWorker?>(TaskCreationOptions.RunContinuationsAsynchronously);
        bool wait;
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_idle.TryPop(out var idle)) return idle;
            wait = _live >= MaxWorkers;
            if (wait) _waiting.Enqueue(waiter);
            else _live++;
        }
        if (!wait) return await StartOrGiveBackAsync();
        using (ct.Register(() => waiter.TrySetCanceled(ct)))
        {
            // null: a worker died and its place is this waiter's to fill
            return await waiter.Task ?? await StartOrGiveBackAsync();
        }
    }

    private async Task<SandboxWorker> StartOrGiveBackAsync()
    {
        try
        {
            return Track(await SandboxWorker.StartAsync(_spawner, _workerStart(), StartTimeout));
        }
        catch
        {
            Forget();
            throw;
        }
    }

    private async Task StartIntoPoolAsync()
    {
        try
        {
            Release(Track(await SandboxWorker.StartAsync(_spawner, _workerStart(), StartTimeout)));
        }
        catch (Exception)
        {
            Forget();
        }
    }

    private SandboxWorker Track(SandboxWorker worker)
    {
        lock (_lock) _all.Add(worker);
        return worker;
    }

    /// <summary>A worker back in the pool, clean: to a waiting run, else idle.</summary>
    private void Release(SandboxWorker worker)
    {
        lock (_lock)
        {
            while (_waiting.TryDequeue(out var waiter))
                if (waiter.TrySetResult(worker)) return;
            if (!_disposed)
            {
                _idle.Push(worker);
                return;
            }
        }
        _ = DiscardAsync(worker);
    }

    /// <summary>Kills a worker and waits until it is gone; its place goes to a waiting run (which starts a new one).</summary>
    private async Task DiscardAsync(SandboxWorker worker)
    {
        await worker.KillAsync();
        lock (_lock) _all.Remove(worker);
        Forget();
    }

    /// <summary>A worker is gone (or never started): its place is free.</summary>
    private void Forget()
    {
        lock (_lock)
        {
            while (_waiting.TryDequeue(out var waiter))
                if (waiter.TrySetResult(null)) return; // the waiter keeps the place and starts a worker
            _live--;
        }
    }

    private void RetireIdle()
    {
        var retiring = new List<SandboxWorker>();
        lock (_lock)
        {
            var keep = _idle.Reverse().ToList();
            _idle.Clear();
            foreach (var w in keep)
            {
                if (_live - retiring.Count > _settings.WarmWorkers && DateTime.UtcNow - w.IdleSince > _settings.IdleTimeout) retiring.Add(w);
                else _idle.Push(w);
            }
        }
        foreach (var w in retiring) _ = DiscardAsync(w);
    }

    private ProcessStartInfo WorkerStartInfo()
    {
        var info = new ProcessStartInfo(DotnetHost(), [SandboxDll(), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _settings.AddressSpaceMb.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        // Nothing of the node's environment (database, keys) reaches a script's process.
        info.Environment.Clear();
        info.Environment["DOTNET_GCHeapHardLimit"] = "0x" + _settings.MemoryBytes.ToString("X", System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["DOTNET_EnableDiagnostics"] = "0";
        info.Environment["DOTNET_TieredPGO"] = "0";
        return info;
    }

    /// <summary>The worker's assembly, beside the node's own.</summary>
    public static string SandboxDll() => Path.Combine(AppContext.BaseDirectory, "Jobs.Sandbox.dll");

    /// <summary>The dotnet host that runs this process (the node may run under its own apphost).</summary>
    public static string DotnetHost()
    {
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet") return self;
        // shared/Microsoft.NETCore.App/<version>/ → the dotnet root
        var root = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        return Path.Combine(root, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
    }

    public async ValueTask DisposeAsync()
    {
        List<SandboxWorker> all;
        lock (_lock)
        {
            _disposed = true;
            all = _all.ToList();
            _idle.Clear();
            while (_waiting.TryDequeue(out var waiter)) waiter.TrySetCanceled();
        }
        await _retirement.DisposeAsync();
        await Task.WhenAll(all.Select(w => w.KillAsync()));
        _spawner.Dispose();
    }
}
