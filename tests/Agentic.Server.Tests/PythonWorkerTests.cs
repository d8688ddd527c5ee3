using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Agentic.Testing;

namespace Agentic.Server.Tests;

/// <summary>samples/python-worker as a real Python process serving a queue inside a graph, on a server process.</summary>
public sealed class PythonWorkerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("agentic-python-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ThePythonWorker_ServesTheQueue_AndTheLifetimeCompletesWithItsResult_OrFailsWithItsError()
    {
        using var server = ServerProcess.Start(_dir, ServerProcess.FreePort(), ServerProcess.FreePort(), "--Agentic:Journal=memory", "--Agentic:Server:AdminKey=py-admin");
        Assert.True(await server.WaitReadyAsync(TimeSpan.FromSeconds(60)), server.Output);
        var (url, http, key) = await ServerTenant.CreateAsync(server, "py-admin");
        using var _h = http;
        var graph = File.ReadAllText(Path.Combine(RepoPaths.Root, "samples", "python-worker", "graph.yaml"));
        (await http.PostAsync("/v1/graphs", new StringContent(graph, Encoding.UTF8, "application/yaml"))).EnsureSuccessStatusCode();
        var failing = graph.Replace("graph: polyglot", "graph: polyglot-fails", StringComparison.Ordinal).Replace("lease_seconds: 10 }", "lease_seconds: 10, fail: true }", StringComparison.Ordinal);
        (await http.PostAsync("/v1/graphs", new StringContent(failing, Encoding.UTF8, "application/yaml"))).EnsureSuccessStatusCode();

        var ok = await StartAsync(http, "polyglot", new { text = "hello from dotnet" });
        var bad = await StartAsync(http, "polyglot-fails", new { text = "x" });

        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "samples", "python-worker", "worker.py"));
        start.ArgumentList.Add("--queue");
        start.ArgumentList.Add("text");
        start.ArgumentList.Add("--once");
        start.ArgumentList.Add("2");
        start.Environment["AGENTIC_URL"] = url;
        start.Environment["AGENTIC_API_KEY"] = key;
        using var worker = Process.Start(start)!;
        var output = worker.StandardOutput.ReadToEndAsync();
        var error = worker.StandardError.ReadToEndAsync();
        await worker.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(worker.ExitCode == 0, $"python exited {worker.ExitCode}: {await output}\n{await error}");

        var done = await SettledAsync(http, ok);
        Assert.Equal("completed", done.GetProperty("phase").GetString());
        var result = done.GetProperty("result");
        Assert.Equal(("HELLO FROM DOTNET", 3, "python"), (result.GetProperty("upper").GetString(), result.GetProperty("words").GetInt32(), result.GetProperty("worker").GetString()));
        var failed = await SettledAsync(http, bad);
        Assert.Equal("failed", failed.GetProperty("phase").GetString());
        Assert.Contains("ValueError: config.fail is set", failed.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    private static async Task<string> StartAsync(HttpClient http, string graph, object input)
    {
        var started = await http.PostAsJsonAsync("/v1/lifetimes", new { graph, version = "1.0.0", input });
        return (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement> SettledAsync(HttpClient http, string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var lifetime = await http.GetFromJsonAsync<JsonElement>($"/v1/lifetimes/{id}");
            if (lifetime.GetProperty("phase").GetString() is "completed" or "failed")
            {
                return lifetime;
            }

            Assert.True(DateTime.UtcNow < deadline, $"lifetime {id} is still {lifetime.GetProperty("phase")}");
            await Task.Delay(50);
        }
    }
}
