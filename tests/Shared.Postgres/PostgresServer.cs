using System.Diagnostics;
using Agentic.Testing;

namespace Agentic.Tests;

/// <summary>
/// The PostgreSQL server the tests use: the one <c>AGENTIC_POSTGRES</c> names (CI starts it with scripts/postgres.sh),
/// or one this fixture starts with the same script for the test run. No server is a failure, never a skip.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string Variable = "AGENTIC_POSTGRES";
    private string? _dir;

    public string ConnectionString { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } given)
        {
            ConnectionString = given;
            return;
        }

        // Under /tmp itself: as root the server runs as an unprivileged user, who must be able to reach the folder.
        _dir = Path.Combine("/tmp", "agentic-pg-" + Guid.NewGuid().ToString("N")[..12]);
        var (exit, stdout, stderr) = await Script("start", _dir);
        if (exit != 0)
        {
            throw new InvalidOperationException(
                $"the PostgreSQL tests need a server: set {Variable} to a connection string, or install PostgreSQL's server (apt-get install postgresql) so that scripts/postgres.sh can start one. It said: {stderr.Trim()}");
        }

        ConnectionString = stdout.Trim();
    }

    public async Task DisposeAsync()
    {
        if (_dir is not null)
        {
            await Script("stop", _dir);
        }
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> Script(string command, string dir)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "scripts", "postgres.sh"));
        start.ArgumentList.Add(command);
        start.ArgumentList.Add(dir);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
