using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Agentic.Testing;

namespace Agentic.Server.Tests;

/// <summary>
/// The server process configured with the standard OTLP settings sends its spans and metrics to the collector named:
/// here a local HTTP receiver standing in for one (OTLP over HTTP/protobuf), which checks what arrived.
/// </summary>
public sealed class OtlpExportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("agentic-otlp-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ALifetimesSpansAndTheRuntimesAndOrleansMetrics_ReachTheOtlpEndpoint()
    {
        var port = ServerProcess.FreePort();
        using var receiver = new HttpListener();
        receiver.Prefixes.Add($"http://127.0.0.1:{port}/");
        receiver.Start();
        var received = new ConcurrentBag<(string Path, byte[] Body)>();
        _ = Task.Run(async () =>
        {
            while (receiver.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await receiver.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                received.Add((context.Request.Url!.AbsolutePath, body.ToArray()));
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        });

        var environment = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{port}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        };
        using var server = ServerProcess.Start(_dir, ServerProcess.FreePort(), ServerProcess.FreePort(), environment, "--Agentic:Journal=memory", "--Agentic:Server:AdminKey=otlp-admin");
        Assert.True(await server.WaitReadyAsync(TimeSpan.FromSeconds(60)), server.Output);
        var (_, http, _) = await ServerTenant.CreateAsync(server, "otlp-admin");
        using var _h = http;
        (await http.PostAsync("/v1/graphs", new StringContent(File.ReadAllText(RepoPaths.Sample("hello")), Encoding.UTF8, "application/yaml"))).EnsureSuccessStatusCode();
        var started = await (await http.PostAsJsonAsync("/v1/lifetimes", new { graph = "hello", version = "1.0.0", input = new { count = 0 } })).Content.ReadFromJsonAsync<JsonElement>();
        var id = Encoding.UTF8.GetBytes(started.GetProperty("id").GetString()!);

        bool Sent(string path, params string[] texts) => received.Any(r => r.Path == path && texts.All(t => r.Body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(t)) >= 0));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(received.Any(r => r.Path == "/v1/traces" && r.Body.AsSpan().IndexOf(id) >= 0 && r.Body.AsSpan().IndexOf("execute work"u8) >= 0)
            && Sent("/v1/metrics", "agentic.execution.duration") && Sent("/v1/metrics", "agentic.lifetimes.ended") && Sent("/v1/metrics", "agentic.lifetimes.active")
            && received.Any(r => r.Path == "/v1/logs")))
        {
            Assert.True(DateTime.UtcNow < deadline, $"not everything reached the OTLP endpoint in 30 s; received: {string.Join(", ", received.Select(r => $"{r.Path} {r.Body.Length} B"))}\n{server.Output}");
            await Task.Delay(100);
        }

        Assert.True(received.Any(r => r.Path == "/v1/metrics" && r.Body.AsSpan().IndexOf("orleans"u8) >= 0), "Orleans' own meters are exported too");
    }
}
