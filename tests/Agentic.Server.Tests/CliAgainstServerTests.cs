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

    [Fact]
    public async Task EveryLifetimeCommandWithServer_WorksOnTheServersLifetimes_AsTheKeysTenant()
    {
        using var server = ServerProcess.Start(_dir, ServerProcess.FreePort(), ServerProcess.FreePort(), "--Agentic:Journal=memory", "--Agentic:Server:AdminKey=" + AdminKey);
        Assert.True(await server.WaitReadyAsync(TimeSpan.FromSeconds(60)), server.Output);
        var (url, tenant, key) = await ServerTenant.CreateAsync(server, AdminKey);
        tenant.Dispose();

        // A lifetime waiting for a person: shown, paused, resumed, answered.
        var (code, output, error) = await CliAsync(key, "run", RepoPaths.Sample("approval"), "--server", url, "--output", "json");
        Assert.True(code == 3, error);
        var id = JsonDocument.Parse(output).RootElement.GetProperty("lifetime_id").GetString()!;
        (code, output, error) = await CliAsync(key, "show", id, "--server", url, "--output", "json");
        Assert.True(code == 0, error);
        var shown = JsonDocument.Parse(output).RootElement;
        Assert.Equal("waiting", shown.GetProperty("status").GetString());
        var awaited = shown.GetProperty("awaiting")[0].GetProperty("execution_id").GetString()!;
        Assert.Equal("lifetime_started", shown.GetProperty("timeline")[0].GetProperty("type").GetString());

        (code, output, error) = await CliAsync(key, "pause", id, "--server", url, "--reason", "lunch", "--output", "json");
        Assert.True(code == 0, error);
        Assert.Equal("paused", JsonDocument.Parse(output).RootElement.GetProperty("status").GetString());
        (code, output, error) = await CliAsync(key, "resume", id, "--server", url, "--output", "json");
        Assert.True(code == 3, error);
        Assert.Equal("waiting", JsonDocument.Parse(output).RootElement.GetProperty("status").GetString());
        (code, output, error) = await CliAsync(key, "input", id, awaited, "{\"approved\": true}", "--server", url);
        Assert.True(code == 0, error);
        Assert.Contains("completed", output, StringComparison.Ordinal);

        // Its journal (the local command's JSON), the listing, replay, a fork (then aborted), usage.
        (code, output, error) = await CliAsync(key, "journal", id, "--server", url, "--output", "json");
        Assert.True(code == 0, error);
        var records = JsonDocument.Parse(output).RootElement;
        Assert.Equal(("lifetime_started", "lifetime_ended"), (records[0].GetProperty("type").GetString(), records[records.GetArrayLength() - 1].GetProperty("type").GetString()));
        Assert.Contains(records.EnumerateArray(), r => r.TryGetProperty("reason", out var why) && why.GetString() == "lunch");
        (code, output, _) = await CliAsync(key, "journal", id, "--server", url);
        Assert.Contains("approve", output, StringComparison.Ordinal);
        Assert.Contains("pause by", output, StringComparison.Ordinal);
        (code, output, _) = await CliAsync(key, "lifetimes", "--server", url, "--status", "completed", "--output", "json");
        Assert.Equal(0, code);
        Assert.Contains(JsonDocument.Parse(output).RootElement.EnumerateArray(), l => l.GetProperty("lifetime_id").GetString() == id && l.GetProperty("status").GetString() == "completed");
        (code, output, _) = await CliAsync(key, "replay", id, "--server", url);
        Assert.Equal(0, code);
        Assert.StartsWith("identical", output, StringComparison.Ordinal);
        (code, output, error) = await CliAsync(key, "fork", id, "--from", "3", "--server", url, "--output", "json");
        Assert.True(code == 3, error);
        var fork = JsonDocument.Parse(output).RootElement.GetProperty("lifetime_id").GetString()!;
        Assert.NotEqual(id, fork);
        (code, output, error) = await CliAsync(key, "abort", fork, "--server", url, "--output", "json");
        Assert.True(code == 0, error);
        Assert.Equal("aborted", JsonDocument.Parse(output).RootElement.GetProperty("status").GetString());
        (code, output, _) = await CliAsync(key, "usage", "--server", url, "--output", "json");
        Assert.Equal(0, code);
        Assert.True(JsonDocument.Parse(output).RootElement.GetProperty("lifetimes").GetInt64() >= 2);

        // The tenant's own policies: uploaded, shown, enforced, removed.
        var cap = Path.Combine(_dir, "cap.yaml");
        await File.WriteAllTextAsync(cap, "policies:\n  - { name: cap, scope: lifetime, when: \"max(iteration_idx) >= 3\", action: abort_lifetime }\n");
        (code, _, error) = await CliAsync(key, "policy", "upload", cap, "--server", url);
        Assert.True(code == 0, error);
        (code, output, _) = await CliAsync(key, "policy", "show", "--server", url);
        Assert.Contains("/cap", output, StringComparison.Ordinal);
        (code, output, _) = await CliAsync(key, "run", RepoPaths.Sample("hello"), "--server", url, "--output", "json");
        Assert.Equal((1, "aborted"), (code, JsonDocument.Parse(output).RootElement.GetProperty("status").GetString()));
        (code, _, error) = await CliAsync(key, "policy", "remove", "--server", url);
        Assert.True(code == 0, error);
        (code, _, _) = await CliAsync(key, "run", RepoPaths.Sample("hello"), "--server", url);
        Assert.Equal(0, code);

        // Refusals: another tenant's (or no) lifetime, a server-only command without a server, a key without a server.
        (code, _, error) = await CliAsync(key, "show", "lt_" + Guid.NewGuid().ToString("N"), "--server", url);
        Assert.Equal((2, true), (code, error.Contains("server: 404", StringComparison.Ordinal)));
        (code, _, error) = await CliAsync(key, "policy", "show");
        Assert.Equal((2, true), (code, error.Contains("give --server", StringComparison.Ordinal)));
        (code, _, error) = await CliAsync(null, "lifetimes", "--api-key", key);
        Assert.Equal((2, true), (code, error.Contains("--api-key is for --server", StringComparison.Ordinal)));
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
