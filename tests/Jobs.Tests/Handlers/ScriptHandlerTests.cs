using System.Text.Json;
using Jobs.Actors.Attempts;
using Jobs.Handlers;
using Jobs.Handlers.BuiltIn.Script;
using Jobs.Handlers.Testing;
using Xunit;

namespace Jobs.Tests.Handlers;

/// <summary>Real sandbox worker processes for a test class, killed when it ends.</summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    public SandboxPool Pool { get; } = new(new SandboxSettings { MaxOutputChars = 1000, WarmWorkers = 1 }, defaultWorkers: 2);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await Pool.DisposeAsync();
}

/// <summary>The <c>script</c> handler against real sandbox workers: what a script sees, and how each way of failing is classified.</summary>
public sealed class ScriptHandlerTests(SandboxFixture sandbox) : IClassFixture<SandboxFixture>
{
    private ScriptHandler Handler => new(sandbox.Pool);

    private Task<HandlerRun> Run(string code, int attempt = 1, int? timeoutMs = null, CancellationToken ct = default) =>
        HandlerTestKit.RunAsync(Handler, new { code, timeoutMs }, attempt, ct);

    [Fact]
    public async Task Result_has_stdout_stderr_and_the_completion_value()
    {
        var run = await Run("console.log('hello', 1, {a: 2}); console.error('oops'); job.attempt * 21");
        Assert.Null(run.Error);
        using var doc = JsonDocument.Parse(run.ResultJson!);
        Assert.Equal("hello 1 {\"a\":2}\n", doc.RootElement.GetProperty("stdout").GetString());
        Assert.Equal("oops\n", doc.RootElement.GetProperty("stderr").GetString());
        Assert.Equal(21, doc.RootElement.GetProperty("value").GetInt32());
    }

    [Fact]
    public async Task Attempt_number_and_progress_are_visible_to_the_script()
    {
        var run = await Run("if (job.attempt < 3) throw new Error('not yet'); progress(50, 'half'); 'done'", attempt: 3);
        Assert.Null(run.Error);
        Assert.Equal(50, Assert.Single(run.Progress).Percent);
        Assert.Contains("\"value\":\"done\"", run.ResultJson);
    }

    [Fact]
    public async Task Endless_loop_ends_as_a_timeout() =>
        Assert.IsType<JobTimeoutException>((await Run("while(true){}", timeoutMs: 300)).Error);

    [Fact]
    public async Task Syntax_error_is_permanent()
    {
        var error = Assert.IsType<PermanentJobException>((await Run("console.log(")).Error);
        Assert.StartsWith("SyntaxError", error.Message);
    }

    [Fact]
    public async Task Thrown_error_is_transient() =>
        Assert.Contains("script threw: x", Assert.IsType<TransientJobException>((await Run("throw new Error('x')")).Error).Message);

    [Theory]
    [InlineData("typeof System")]
    [InlineData("typeof importNamespace")]
    [InlineData("typeof require")]
    [InlineData("typeof fetch")]
    [InlineData("typeof XMLHttpRequest")]
    [InlineData("typeof __out")]
    public async Task No_clr_module_network_or_host_internals_are_reachable(string probe) =>
        Assert.Contains("\"value\":\"undefined\"", (await Run(probe)).ResultJson);

    [Fact]
    public async Task Host_functions_do_not_leak_the_clr()
    {
        var run = await Run("console.log.constructor('return this')().System === undefined && typeof console.log.getType === 'undefined'");
        Assert.Contains("\"value\":true", run.ResultJson);
    }

    [Fact]
    public async Task Memory_hog_is_stopped_as_a_crash()
    {
        var error = Assert.IsType<CrashedJobException>((await Run("let a = []; while (true) { a.push('x'.repeat(1000)); }", timeoutMs: 20_000)).Error);
        Assert.Contains("memory", error.Message);
    }

    [Fact]
    public async Task Deep_recursion_is_stopped_permanently()
    {
        var error = Assert.IsType<PermanentJobException>((await Run("function f(n) { return f(n + 1); } f(0)")).Error);
        Assert.Contains("recursion", error.Message);
    }

    [Fact]
    public async Task Output_beyond_the_limit_is_truncated_and_flagged()
    {
        var run = await Run("for (let i = 0; i < 1000; i++) console.log('0123456789'); 1");
        using var doc = JsonDocument.Parse(run.ResultJson!);
        Assert.Equal(1000, doc.RootElement.GetProperty("stdout").GetString()!.Length);
        Assert.True(doc.RootElement.GetProperty("truncated").GetBoolean());
    }

    [Fact]
    public async Task Cancellation_stops_a_sleeping_script()
    {
        using var cts = new CancellationTokenSource();
        var running = Run("sleep(60000); 1", timeoutMs: 120_000, ct: cts.Token);
        cts.Cancel();
        Assert.IsAssignableFrom<OperationCanceledException>((await running).Error);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("{\"code\": 5}")]
    [InlineData("{\"code\": \"1\", \"timeoutMs\": 0}")]
    [InlineData("{\"code\": \"1\", \"timeoutMs\": \"fast\"}")]
    public void Bad_payloads_are_rejected_before_submission(string payload)
    {
        using var doc = JsonDocument.Parse(payload);
        Assert.NotNull(Handler.ValidatePayload(doc.RootElement.ValueKind == JsonValueKind.Null ? null : doc.RootElement));
    }
}
