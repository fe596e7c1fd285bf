using System.Diagnostics;
using Microsoft.Playwright;
using Xunit;

namespace Jobs.Tests.Support;

/// <summary>
/// A real headless Chromium (Debian's, /usr/bin/chromium) driven by Playwright: no browser is
/// downloaded. When it is missing and the tests run as root, it is installed with apt-get first,
/// so the test command works on a fresh machine of this kind.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    public const string Executable = "/usr/bin/chromium";
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(Executable)) await InstallAsync();
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Executable,
            Headless = true,
            Args = ["--no-sandbox"], // root in a container has no user namespaces for chromium's own sandbox
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
    }

    private static async Task InstallAsync()
    {
        if (Environment.UserName != "root")
            throw new InvalidOperationException($"{Executable} is missing: apt-get install chromium");
        foreach (var args in new[] { "update -qq", "install -y -qq chromium" })
        {
            var psi = new ProcessStartInfo("apt-get", args) { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.Environment["DEBIAN_FRONTEND"] = "noninteractive";
            using var p = Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEndAsync();
            var errors = p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            if (p.ExitCode != 0) throw new InvalidOperationException($"apt-get {args} failed ({p.ExitCode}): {await errors}{await output}");
        }
    }
}
