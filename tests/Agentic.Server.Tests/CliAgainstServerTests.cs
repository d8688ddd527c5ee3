using System.Diagnostics;
using System.Text.Json;
using Agentic.Testing;

namespace Agentic.Server.Tests;

/// <summary>The `agentic` command with --server, as a process, against a server process: the same run, on the server.</summary>
public sealed class CliAgainstServerTests : IDisposable
{
    private const string AdminKey = "cli-admin";
    private readonly string _dir = Directory.CreateTempSubdirectory("agentic-cli-server-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task RunWithServer_PublishesStartsAndFollowsTheLifetime_WithTheEmbeddedRunsOutputAndExitCodes()
    {
        using var server = ServerProcess.Start(_dir, ServerProcess.FreePort(), ServerProcess.FreePort(), "--Agentic:Journal=memory", "--Agentic:Server:AdminKey=" + AdminKey);
        Assert.True(await server.WaitReadyAsync(TimeSpan.FromSeconds(60)), server.Output);
        var (url, tenant, key) = await ServerTenant.CreateAsync(server, AdminKey);
        tenant.Dispose();

        var (code, output, _) = await CliAsync(key, "run", RepoPaths.Sample("hello"), "--server", url, "--output", "json");
        Assert.Equal(0, code);
        using (var done = JsonDocument.Parse(output))
        {
            Assert.Equal(("completed", 10), (done.RootElement.GetProperty("status").GetString(), done.RootElement.GetProperty("result").GetProperty("count").GetInt32()));
        }

        (code, output, _) = await CliAsync(key, "run", RepoPaths.Sample("approval"), "--server", url);
        Assert.Equal(3, code);
        Assert.Contains("waits for input to approve", output, StringComparison.Ordinal);
        Assert.Contains(" task    draft ", output, StringComparison.Ordinal);

        var (refused, _, error) = await CliAsync("agk_" + new string('x', 43), "run", RepoPaths.Sample("hello"), "--server", url);
        Assert.Equal(2, refused);
        Assert.Contains("server: 401", error, StringComparison.Ordinal);
        var (noKey, _, noKeyError) = await CliAsync(null, "run", RepoPaths.Sample("hello"), "--server", url);
        Assert.Equal(2, noKey);
        Assert.Contains("AGENTIC_API_KEY", noKeyError, StringComparison.Ordinal);
        var (badUrl, _, badUrlError) = await CliAsync(key, "run", RepoPaths.Sample("hello"), "--server", "ftp://x");
        Assert.Equal((2, true), (badUrl, badUrlError.Contains("not an http or https URL", StringComparison.Ordinal)));
    }

    private async Task<(int Code, string Out, string Err)> CliAsync(string? apiKey, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = _dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "agentic.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("AGENTIC_API_KEY");
        if (apiKey is not null)
        {
            start.Environment["AGENTIC_API_KEY"] = apiKey;
        }

        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (process.ExitCode, await output, await error);
    }
}
