using System.Text;
using Agentic.Testing;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Agentic.Server.Tests;

/// <summary>
/// The dashboard in a real headless browser (Debian's chromium, driven by Playwright; AGENTIC_CHROMIUM names another):
/// sign in with a tenant key, start a lifetime and watch it complete, answer a human input from the page, see the
/// graph drawn with the path taken; a screenshot is saved beside the test binaries.
/// </summary>
public sealed class DashboardBrowserTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("agentic-dashboard-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Chromium() =>
        Environment.GetEnvironmentVariable("AGENTIC_CHROMIUM") is { Length: > 0 } given ? given
        : new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
          ?? throw new InvalidOperationException("no chromium: apt-get install chromium (CI does), or set AGENTIC_CHROMIUM");

    [Fact]
    public async Task ATenantStartsWatchesAndAnswersLifetimes_FromThePage()
    {
        using var server = ServerProcess.Start(_dir, ServerProcess.FreePort(), ServerProcess.FreePort(), "--Agentic:Journal=memory", "--Agentic:Server:AdminKey=ui-admin");
        Assert.True(await server.WaitReadyAsync(TimeSpan.FromSeconds(60)), server.Output);
        var (url, http, key) = await ServerTenant.CreateAsync(server, "ui-admin");
        using var _h = http;
        foreach (var sample in new[] { "hello", "approval" })
        {
            (await http.PostAsync("/v1/graphs", new StringContent(File.ReadAllText(RepoPaths.Sample(sample)), Encoding.UTF8, "application/yaml"))).EnsureSuccessStatusCode();
        }

        // The tenant's own policy (it never holds here), listed among those in force.
        (await http.PutAsync("/v1/policies", new StringContent("policies:\n  - { name: cap, scope: lifetime, when: \"count() > 1000\", action: pause_lifetime }\n", Encoding.UTF8, "application/yaml"))).EnsureSuccessStatusCode();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium(), Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var consoleErrors = new List<string>();
        page.Console += (_, message) => { if (message.Type == "error") { consoleErrors.Add($"{message.Text} ({message.Location})"); } };
        page.SetDefaultTimeout(30_000);
        // CI runs the test projects side by side on 2 cores: give the page's live updates time.
        Assertions.SetDefaultExpectTimeout(30_000);

        await page.GotoAsync(url + "/");
        await page.FillAsync("#key", "agk_wrong");
        await page.ClickAsync("#signin");
        await Assertions.Expect(page.Locator(".error")).ToContainTextAsync("refused");
        await page.FillAsync("#key", key);
        await page.ClickAsync("#signin");

        // hello: started from the form, followed live to its end.
        await page.FillAsync("#start-graph", "hello");
        await page.FillAsync("#start-input", """{"count": 0}""");
        await page.ClickAsync("#start");
        await Assertions.Expect(page.Locator("#summary")).ToContainTextAsync("20 executions");
        await Assertions.Expect(page.Locator("#result")).ToHaveTextAsync("""{"count":10}""");
        await Assertions.Expect(page.Locator("h2 .phase")).ToHaveTextAsync("completed");
        await Assertions.Expect(page.Locator("g.node.done[data-node='work']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#timeline tr")).ToHaveCountAsync(22);

        // approval: waits for a person; answered from the page, it completes.
        await page.GotoAsync(url + "/dashboard/#/lifetimes");
        await page.FillAsync("#start-graph", "approval");
        await page.ClickAsync("#start");
        await Assertions.Expect(page.Locator("h2 .phase")).ToHaveTextAsync("waiting");
        await Assertions.Expect(page.Locator("g.node.current[data-node='approve']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".awaiting h2")).ToContainTextAsync("Publish these release notes?");
        await page.FillAsync("textarea.answer", """{"ok": true}""");
        await page.ClickAsync(".answer-button");
        await Assertions.Expect(page.Locator("h2 .phase")).ToHaveTextAsync("completed");
        await Assertions.Expect(page.Locator("g.node.done[data-node='approve']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator(".awaiting")).ToHaveCountAsync(0);

        // The list shows both, completed; the spend chart reads the tenant's usage.
        await page.GotoAsync(url + "/dashboard/#/lifetimes");
        await Assertions.Expect(page.Locator("#lifetimes tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#lifetimes .phase[data-phase='completed']")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("#spend-total")).ToContainTextAsync("in 2 lifetimes");
        await Assertions.Expect(page.Locator("#policies li.own")).ToContainTextAsync("/cap");

        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(AppContext.BaseDirectory, "dashboard-list.png"), FullPage = true });
        var screenshot = Path.Combine(AppContext.BaseDirectory, "dashboard.png");
        await page.ClickAsync($"#lifetimes tr:last-child a");
        await Assertions.Expect(page.Locator("#graph")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true });
        output.WriteLine($"screenshot: {screenshot}");
        // The wrong key's 401 is the only error the page may have logged.
        Assert.True(consoleErrors.All(e => e.Contains("401", StringComparison.Ordinal)), string.Join("\n", consoleErrors));
    }
}
