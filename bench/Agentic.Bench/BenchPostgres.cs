using System.Diagnostics;

namespace Agentic.Bench;

/// <summary>
/// The PostgreSQL server of workloads C and X: the one <c>AGENTIC_POSTGRES</c> names, or a throwaway one started with
/// scripts/postgres.sh (the script the tests and CI use) and stopped when the harness ends.
/// </summary>
internal static class BenchPostgres
{
    private static string? s_started;
    private static string? s_connectionString;

    public static async Task<string> ConnectionStringAsync(string scratch)
    {
        if (s_connectionString is not null)
        {
            return s_connectionString;
        }

        if (Environment.GetEnvironmentVariable("AGENTIC_POSTGRES") is { Length: > 0 } given)
        {
            return s_connectionString = given;
        }

        // Under /tmp itself: as root the server runs as an unprivileged user, who must be able to reach the folder.
        var dir = Path.Combine("/tmp", "agentic-bench-pg-" + Path.GetFileName(scratch));
        var (exit, output) = await ScriptAsync("start", dir);
        if (exit != 0)
        {
            throw new InvalidOperationException($"workload C needs PostgreSQL: set AGENTIC_POSTGRES, or install its server (apt-get install postgresql). scripts/postgres.sh said: {output}");
        }

        s_started = dir;
        Console.Error.WriteLine($"[postgres] started a throwaway server: {output}");
        return s_connectionString = output;
    }

    public static async Task StopAsync()
    {
        if (s_started is { } dir)
        {
            await ScriptAsync("stop", dir);
            s_started = null;
        }
    }

    private static async Task<(int Exit, string Output)> ScriptAsync(string command, string dir)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Orleans.Agentic.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("cannot find the repository root (scripts/postgres.sh)");
        }

        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(root, "scripts", "postgres.sh"));
        start.ArgumentList.Add(command);
        start.ArgumentList.Add(dir);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, process.ExitCode == 0 ? (await stdout).Trim() : (await stderr).Trim());
    }
}
