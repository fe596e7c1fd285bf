using System.Collections.Concurrent;
using System.Diagnostics;

namespace Jobs.Handlers.BuiltIn.Script;

/// <summary>
/// Starts processes from one thread that lives as long as the spawner. A sandbox worker asks the
/// kernel to kill it when the thread that started it ends (PR_SET_PDEATHSIG follows the thread,
/// not the process), so workers must not be started from pool threads that come and go.
/// </summary>
public sealed class ProcessSpawner : IDisposable
{
    private readonly BlockingCollection<(ProcessStartInfo Info, TaskCompletionSource<Process> Started)> _requests = new();
    private readonly Thread _thread;

    public ProcessSpawner()
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = "sandbox-spawner" };
        _thread.Start();
    }

    public Task<Process> StartAsync(ProcessStartInfo info)
    {
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests.Add((info, started));
        return started.Task;
    }

    private void Loop()
    {
        foreach (var (info, started) in _requests.GetConsumingEnumerable())
        {
            try
            {
                started.TrySetResult(Process.Start(info) ?? throw new InvalidOperationException($"{info.FileName} did not start"));
            }
            catch (Exception e)
            {
                started.TrySetException(e);
            }
        }
    }

    public void Dispose() => _requests.CompleteAdding();
}
