using System.Text.Json;
using Jobs.Tests.Node;
using Jobs.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace Jobs.Tests.Schedules;

/// <summary>jobctl schedules against a real node.</summary>
[Collection(NodeCollection.Name)]
public sealed class ScheduleCliTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Jobctl_creates_lists_shows_pauses_resumes_and_deletes_a_schedule()
    {
        await using var node = await NodeProcess.StartAsync(TestPaths.NewTempDir("sched-cli"), output);
        Task<(int Code, string Out, string Err)> Jobctl(params string[] args) => JobctlRunner.RunAsync(node, output, args);

        var (code, text, err) = await Jobctl("schedules", "create", "nightly", "30 2 * * *", "noop", "--payload", """{"n":1}""",
            "--time-zone", "Europe/Berlin", "--misfire", "all", "--max-catch-up", "3");
        Assert.True(code == 0, err);
        Assert.Contains("schedule nightly", text);
        Assert.Contains("30 2 * * * (Europe/Berlin), misfire all", text);

        (code, text, _) = await Jobctl("schedules", "list");
        Assert.Equal(0, code);
        Assert.Contains("nightly", text);
        Assert.Contains("Europe/Berlin", text);

        (code, text, _) = await Jobctl("--json", "schedules", "show", "nightly");
        Assert.Equal(0, code);
        var view = JsonDocument.Parse(text).RootElement;
        Assert.Equal(3, view.GetProperty("maxCatchUp").GetInt32());
        Assert.Equal(1, view.GetProperty("job").GetProperty("payload").GetProperty("n").GetInt32());

        (code, text, _) = await Jobctl("schedules", "pause", "nightly");
        Assert.Equal(0, code);
        Assert.Contains("paused", text);
        (code, text, _) = await Jobctl("--json", "schedules", "resume", "nightly");
        Assert.Equal(0, code);
        Assert.False(JsonDocument.Parse(text).RootElement.GetProperty("paused").GetBoolean());

        (code, text, _) = await Jobctl("schedules", "delete", "nightly");
        Assert.Equal(0, code);
        Assert.Contains("nightly deleted", text);
        (code, _, err) = await Jobctl("schedules", "show", "nightly");
        Assert.NotEqual(0, code);
        Assert.Contains("no schedule 'nightly'", err);

        (code, _, err) = await Jobctl("schedules", "create", "bad", "61 * * * *", "noop");
        Assert.NotEqual(0, code);
        Assert.Contains("cron", err);
    }
}
