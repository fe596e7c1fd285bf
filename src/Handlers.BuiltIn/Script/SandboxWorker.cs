using System.Diagnostics;
using System.Text;
using Jobs.Sandbox.Protocol;

namespace Jobs.Handlers.BuiltIn.Script;

/// <summary>
/// One sandbox worker process as the node sees it: its pipes, the frames it sends (checked by
/// <see cref="FrameCodec"/>; anything else is a broken worker), the tail of its stderr (what the
/// runtime prints when it dies), its RSS, and killing it.
/// </summary>
public sealed class SandboxWorker
{
    /// <summary>A worker answers with the script's value, its output and a little JSON around them.</summary>
    public static int MaxOutboundFrameBytes(int maxResultBytes, int maxOutputChars) => maxResultBytes + 8 * maxOutputChars + 64 * 1024;

    private readonly Process _process;
    private readonly StringBuilder _stderrTail = new();
    private readonly Task _stderrDrain;

    private SandboxWorker(Process process)
    {
        _process = process;
        _stderrDrain = DrainStderrAsync();
    }

    public int ProcessId => _process.Id;
    public int ScriptsRun { get; private set; }
    public DateTime IdleSince { get; private set; } = DateTime.UtcNow;
    public bool HasExited => _process.HasExited;

    /// <summary>Starts a worker and waits for its <see cref="WorkerReady"/>; kills it if that does not come in time.</summary>
    public static async Task<SandboxWorker> StartAsync(ProcessSpawner spawner, ProcessStartInfo info, TimeSpan readyWithin)
    {
        var worker = new SandboxWorker(await spawner.StartAsync(info));
        using var deadline = new CancellationTokenSource(readyWithin);
        try
        {
            var first = await FrameCodec.ReadAsync(worker._process.StandardOutput.BaseStream, 64 * 1024, deadline.Token);
            if (first is WorkerReady) return worker;
            throw new InvalidOperationException(first is null ? "the sandbox worker exited at start: " + await worker.StderrTailAsync() : $"the sandbox worker sent {first.GetType().Name} before it was ready");
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidFrameException or IOException)
        {
            await worker.KillAsync();
            throw new InvalidOperationException($"the sandbox worker did not start within {readyWithin.TotalSeconds:0} s: {e.Message} {await worker.StderrTailAsync()}".Trim(), e);
        }
        catch
        {
            await worker.KillAsync();
            throw;
        }
    }

    /// <summary>Sends the script and reads frames until its outcome; progress goes to <paramref name="progress"/>. Null: the worker's output ended (it died).</summary>
    public async Task<SandboxMessage?> RunAsync(RunScript run, Action<ScriptProgress> progress, CancellationToken ct)
    {
        ScriptsRun++;
        var input = _process.StandardInput.BaseStream;
        await input.WriteAsync(FrameCodec.Encode(run), ct);
        await input.FlushAsync(ct);
        var max = MaxOutboundFrameBytes(run.MaxResultBytes, run.MaxOutputChars);
        while (true)
        {
            var message = await FrameCodec.ReadAsync(_process.StandardOutput.BaseStream, max, ct);
            switch (message)
            {
                case null:
                    return null;
                case ScriptProgress p:
                    progress(p);
                    continue;
                case ScriptDone or ScriptFailed:
                    IdleSince = DateTime.UtcNow;
                    return message;
                default:
                    throw new InvalidFrameException($"{message.GetType().Name} while a script runs");
            }
        }
    }

    /// <summary>The worker's resident memory, from /proc (0 once it is gone).</summary>
    public long RssBytes()
    {
        try
        {
            var fields = File.ReadAllText($"/proc/{_process.Id}/statm").Split(' ');
            return long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) * Environment.SystemPageSize;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 0;
        }
    }

    private Task? _killed;

    /// <summary>Kills the worker (if it runs) and waits until it is gone: after this no script of it runs.</summary>
    public Task KillAsync()
    {
        lock (_stderrTail) return _killed ??= KillOnceAsync();
    }

    private async Task KillOnceAsync()
    {
        try
        {
            if (!_process.HasExited) _process.Kill();
        }
        catch (InvalidOperationException)
        {
            // exited meanwhile
        }
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    /// <summary>The last lines the worker wrote to stderr (the runtime's word on why it died), once it has exited.</summary>
    public async Task<string> StderrTailAsync()
    {
        await Task.WhenAny(_stderrDrain, Task.Delay(TimeSpan.FromSeconds(1)));
        lock (_stderrTail) return _stderrTail.ToString().Trim();
    }

    /// <summary>Closes its stdin: an idle worker exits by itself.</summary>
    public void Retire()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
            // already gone
        }
    }

    private async Task DrainStderrAsync()
    {
        try
        {
            var buffer = new char[4096];
            int n;
            while ((n = await _process.StandardError.ReadAsync(buffer)) > 0)
                lock (_stderrTail)
                {
                    _stderrTail.Append(buffer, 0, n);
                    if (_stderrTail.Length > 4096) _stderrTail.Remove(0, _stderrTail.Length - 4096);
                }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // the process is gone
        }
    }
}
