using System.Text.Json;
using Jobs.Actors.Attempts;
using Jobs.Handlers;
using Jobs.Handlers.BuiltIn;
using Jobs.Handlers.Testing;
using Xunit;

namespace Jobs.Tests.Handlers;

public sealed class NoopHandlerTests
{
    [Fact]
    public async Task Delay_keeps_the_attempt_running_until_cancelled()
    {
        using var cts = new CancellationTokenSource();
        var run = HandlerTestKit.RunAsync(NoopHandler.Instance, new { delayMs = NoopHandler.MaxDelayMs }, cancellationToken: cts.Token);
        Assert.False(run.IsCompleted);
        await cts.CancelAsync();
        Assert.IsAssignableFrom<OperationCanceledException>((await run.WaitAsync(TimeSpan.FromSeconds(10))).Error);
    }

    [Fact]
    public async Task Without_a_delay_it_completes_at_once()
    {
        var run = await HandlerTestKit.RunAsync(NoopHandler.Instance, payloadJson: null);
        Assert.Null(run.Error);
        Assert.Null(run.Result);
    }

    [Theory]
    [InlineData("{\"delayMs\":-1}")]
    [InlineData("{\"delayMs\":600001}")]
    [InlineData("{\"delayMs\":\"soon\"}")]
    public async Task Bad_delay_is_refused_at_submission_and_permanent_when_run(string payload)
    {
        using var doc = JsonDocument.Parse(payload);
        Assert.Contains("delayMs", NoopHandler.Instance.ValidatePayload(doc.RootElement));
        Assert.IsType<PermanentJobException>((await HandlerTestKit.RunAsync(NoopHandler.Instance, payload)).Error);
    }

    [Fact]
    public void Other_payloads_are_accepted()
    {
        using var doc = JsonDocument.Parse("{\"delayMs\":250,\"note\":\"x\"}");
        Assert.Null(NoopHandler.Instance.ValidatePayload(doc.RootElement));
        Assert.Null(NoopHandler.Instance.ValidatePayload(null));
        Assert.Equal(250, NoopHandler.DelayOf(doc.RootElement.GetRawText()));
    }
}
