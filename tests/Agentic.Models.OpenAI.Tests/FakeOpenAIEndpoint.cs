using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Agentic.Models.OpenAI.Tests;

/// <summary>
/// An OpenAI-compatible endpoint on 127.0.0.1 (HttpListener, a free port): answers POST /v1/chat/completions with a
/// scripted status and body, and keeps every request (path, authorization, JSON body) for the test to read.
/// </summary>
internal sealed class FakeOpenAIEndpoint : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;

    public FakeOpenAIEndpoint(Func<JsonElement, (int Status, string Body)> respond)
    {
        Port = FreePort();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = Task.Run(async () =>
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
                var body = JsonDocument.Parse(await reader.ReadToEndAsync()).RootElement.Clone();
                Requests.Enqueue((context.Request.HttpMethod + " " + context.Request.Url!.AbsolutePath, context.Request.Headers["Authorization"], body));
                var (status, reply) = respond(body);
                context.Response.StatusCode = status;
                context.Response.ContentType = "application/json";
                var bytes = Encoding.UTF8.GetBytes(reply);
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        });
    }

    public int Port { get; }

    public Uri Endpoint => new($"http://127.0.0.1:{Port}/v1");

    public ConcurrentQueue<(string Path, string? Authorization, JsonElement Body)> Requests { get; } = new();

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }
}
