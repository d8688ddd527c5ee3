using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Agentic.Server.Tests;

/// <summary>The silo host as a real process (its own ports, a working folder of its own), as an operator runs it.</summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process, int httpPort, int gatewayPort)
    {
        _process = process;
        HttpPort = httpPort;
        GatewayPort = gatewayPort;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int HttpPort { get; }

    public int GatewayPort { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public int Id => _process.Id;

    public static ServerProcess Start(string workingDirectory, int siloPort, int gatewayPort, params string[] settings) =>
        Start(workingDirectory, siloPort, gatewayPort, null, settings);

    public static ServerProcess Start(string workingDirectory, int siloPort, int gatewayPort, IReadOnlyDictionary<string, string>? environment, params string[] settings)
    {
        var httpPort = FreePort();
        var server = Path.Combine(AppContext.BaseDirectory, "Agentic.Server.dll");
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        start.ArgumentList.Add(server);
        foreach (var arg in new[] { $"--Urls=http://127.0.0.1:{httpPort}", $"--Agentic:SiloPort={siloPort}", $"--Agentic:GatewayPort={gatewayPort}" }.Concat(settings))
        {
            start.ArgumentList.Add(arg);
        }

        return new ServerProcess(Process.Start(start) ?? throw new InvalidOperationException("the server did not start"), httpPort, gatewayPort);
    }

    public async Task<bool> WaitReadyAsync(TimeSpan within)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                if ((await http.GetAsync(new Uri($"http://127.0.0.1:{HttpPort}/health/ready"))).StatusCode == HttpStatusCode.OK)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        return false;
    }

    /// <summary>SIGKILL: no shutdown code runs.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM, as Kubernetes and docker stop send it.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public Task WaitForExitAsync(TimeSpan within) => _process.WaitForExitAsync().WaitAsync(within);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    public static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
