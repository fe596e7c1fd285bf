using System.Globalization;
using Jobs.Sandbox;
using Jobs.Sandbox.Protocol;

// A sandbox worker: `Jobs.Sandbox <node pid> <address space MiB beyond the runtime's>`. Reads
// RunScript frames on stdin, runs each on a thread of its own, answers on stdout. Exits when
// stdin closes (the node stopped or dropped it) and, through PR_SET_PDEATHSIG, when the node dies.
var nodePid = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 0;
var extraMb = args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : 0;
ProcessLimits.Apply(nodePid, extraMb * 1024 * 1024);

var input = Console.OpenStandardInput();
var output = Console.OpenStandardOutput();
var writeLock = new object();
void Send(SandboxMessage message)
{
    var frame = FrameCodec.Encode(message);
    lock (writeLock)
    {
        output.Write(frame);
        output.Flush();
    }
}

// JIT the interpreter before the first job waits for it.
ScriptRunner.Run(new RunScript("warm-up", 1, "JSON.stringify({a: [1, 2, 3]}) + 'x'.repeat(3)", 1000, 1024, 1024), (_, _) => { });
Send(new WorkerReady(Environment.ProcessId));

var busy = 0;
while (true)
{
    SandboxMessage? message;
    try
    {
        message = await FrameCodec.ReadAsync(input, Limits.MaxInboundFrameBytes);
    }
    catch (InvalidFrameException)
    {
        return 2;
    }
    if (message is null) return 0; // the node closed the pipe
    if (message is not RunScript run || Interlocked.Exchange(ref busy, 1) == 1) return 2; // only one run at a time
    var thread = new Thread(() =>
    {
        var outcome = ScriptRunner.Run(run, (percent, text) => Send(new ScriptProgress(percent, text)));
        Volatile.Write(ref busy, 0);
        Send(outcome);
    }, Limits.ScriptStackBytes)
    { IsBackground = true, Name = "script" };
    thread.Start();
}
