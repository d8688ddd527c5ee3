using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace Agentic.Cli.Tests;

/// <summary>
/// The CLI under bad input and storage faults: one exit-code table for every command, one line naming what is wrong
/// (never a stack trace), nothing stored changed by a refused command.
/// </summary>
public sealed class CliHardeningTests() : CliFolder("agentic-hard-")
{
    private static void AssertOneLineError(string error)
    {
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", error, StringComparison.Ordinal);
        Assert.StartsWith("error", error.TrimStart(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExitCodes_FollowOneTable_AcrossCommands()
    {
        Assert.Equal(0, (await Run("run", Sample("hello"), "--db", Db)).Code);

        // Waiting for a person: parked (3), and the hint names the exact command with the execution id.
        var (waitCode, waitText, _) = await Run("run", Sample("approval"), "--db", Db);
        Assert.Equal(ExitCodes.Parked, waitCode);
        var hint = waitText.Split('\n').Single(l => l.Contains("waits for input", StringComparison.Ordinal));
        Assert.Matches(@"agentic input (\w+) \1\.\d+ '<json>'", hint);

        var (_, json, _) = await Run("run", Sample("approval"), "--db", Db, "--output", "json");
        var id = JsonDocument.Parse(json).RootElement.GetProperty("lifetime_id").GetString()!;
        Assert.Equal(0, (await Run("show", id, "--db", Db)).Code);
        Assert.Equal(0, (await Run("pause", id, "--db", Db)).Code);
        var (abortCode, _, abortErr) = await Run("abort", id, "--db", Db, "--reason", "not needed");
        Assert.True(abortCode == 0, $"a successful abort exits 0, got {abortCode}: {abortErr}");
        var (again, _, againErr) = await Run("abort", id, "--db", Db);
        Assert.Equal(ExitCodes.InvalidInput, again);
        AssertOneLineError(againErr);

        var (failCode, _, _) = await Run("run", WriteFile("fail.yaml", "graph: f\nversion: 1.0.0\nnodes:\n  - { name: t, kind: task, type: fail }\n  - { name: p, kind: plan, type: all }\nedges:\n  - { from: t, to: p }\n  - { from: p, to: end, kind: final }\n"), "--db", Db);
        Assert.Equal(ExitCodes.FailedOrAborted, failCode);

        foreach (var unknown in new[] { "show", "journal", "pause", "abort", "replay", "resume" })
        {
            var (code, _, err) = await Run(unknown, "nope", "--db", Db);
            Assert.True(code == ExitCodes.InvalidInput, $"{unknown} of an unknown id exits 2, got {code}: {err}");
            Assert.Contains("lifetime nope is not in the journal", err, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("run")]
    [InlineData("run", "--bogus", "x")]
    [InlineData("show")]
    [InlineData("frobnicate")]
    [InlineData("run", "g.yaml", "--count", "many")]
    [InlineData("run", "g.yaml", "--output", "xml")]
    public async Task UsageErrors_Exit64_WithTheErrorAndAPointer_NotTheWholeHelp(params string[] args)
    {
        var (code, output, error) = await Run(args);
        Assert.Equal(ExitCodes.UsageError, code);
        Assert.Contains("error:", error, StringComparison.Ordinal);
        Assert.Contains("--help", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Options:", output + error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("notes.db", "not SQLite", "is not a SQLite database")]
    [InlineData("folder", null, "is a directory")]
    public async Task UnusableJournal_Exits4_WithOneLine(string name, string? content, string expected)
    {
        var path = Path.Combine(Folder, name);
        if (content is null)
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            await File.WriteAllTextAsync(path, content + new string('.', 4000));
        }

        foreach (var command in new[] { new[] { "run", Sample("hello") }, ["lifetimes"], ["resume"] })
        {
            var (code, _, error) = await Run([.. command, "--db", path]);
            Assert.True(code == ExitCodes.JournalUnusable, $"{command[0]}: expected 4, got {code}: {error}");
            Assert.Contains(expected, error, StringComparison.Ordinal);
            AssertOneLineError(error);
        }

        if (content is not null)
        {
            Assert.StartsWith(content, await File.ReadAllTextAsync(path), StringComparison.Ordinal);
        }
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task ReadOnlyJournal_IsRefused_NotReportedAsPending()
    {
        Assert.Equal(0, (await Run("run", Sample("hello"), "--db", Db)).Code);
        SqliteConnection.ClearAllPools();
        var before = await File.ReadAllBytesAsync(Db);

        // Root writes any file, so the refusal is checked as an unprivileged user (nobody) when the tests run as root.
        File.SetUnixFileMode(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(Db, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        var (code, output, error) = await RunProcess(asUnprivileged: Environment.UserName == "root", "run", Sample("hello"), "--db", Db, "--output", "json");

        Assert.True(code == ExitCodes.JournalUnusable, $"expected 4, got {code}: {output} {error}");
        Assert.Contains("read-only", error, StringComparison.Ordinal);
        Assert.DoesNotContain("pending", output, StringComparison.Ordinal);
        AssertOneLineError(error);
        Assert.Equal(before, await File.ReadAllBytesAsync(Db));
        File.SetUnixFileMode(Db, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [Fact]
    public async Task FourProcesses_OnANewDatabase_AllSucceed_AndTheDatabaseStaysUsable()
    {
        var runs = Enumerable.Range(0, 4).Select(_ => RunProcess(false, "run", Sample("hello"), "--count", "50", "--db", Db, "--output", "json")).ToList();
        foreach (var (code, output, error) in await Task.WhenAll(runs))
        {
            Assert.True(code == 0, $"exit {code}: {output} {error}");
            Assert.Contains("\"completed\":50", output, StringComparison.Ordinal);
        }

        var (listCode, list, listErr) = await Run("lifetimes", "--db", Db, "--limit", "1000", "--output", "json");
        Assert.True(listCode == 0, listErr);
        Assert.Equal(200, JsonDocument.Parse(list).RootElement.GetArrayLength());
    }

    [Fact]
    public async Task ConcurrentInput_TheLoserGetsOneLine_AndTheWinnerIsRecordedOnce()
    {
        var (_, json, _) = await Run("run", Sample("approval"), "--db", Db, "--output", "json");
        var root = JsonDocument.Parse(json).RootElement;
        var id = root.GetProperty("lifetime_id").GetString()!;
        var execution = root.GetProperty("awaiting")[0].GetProperty("execution_id").GetString()!;

        var answers = await Task.WhenAll(
            RunProcess(false, "input", id, execution, """{"ok":true}""", "--db", Db, "--by", "ada"),
            RunProcess(false, "input", id, execution, """{"ok":false}""", "--db", Db, "--by", "bob"));

        Assert.Contains(answers, a => a.Code is 0 or ExitCodes.Parked);
        foreach (var loser in answers.Where(a => a.Code is not (0 or ExitCodes.Parked)))
        {
            Assert.Equal(ExitCodes.InvalidInput, loser.Code);
            AssertOneLineError(loser.Err);
        }

        var (_, journal, _) = await Run("journal", id, "--db", Db, "--output", "json");
        var inputs = JsonDocument.Parse(journal).RootElement.EnumerateArray()
            .Count(r => r.TryGetProperty("execution_id", out var e) && e.GetString() == execution && r.GetProperty("status").GetString() == "completed");
        Assert.Equal(1, inputs);
    }

    [Theory]
    [InlineData("flow.yaml", "graph: g\nversion: 1.0.0\nnodes:\n  - { name: t, kind: task, type: echo\n  - { name: p, kind: plan, type: all }\n", "flow.yaml:4:", "not closed")]
    [InlineData("tab.yaml", "graph: g\nversion: 1.0.0\nnodes:\n\t- { name: t, kind: task, type: echo }\n", "tab.yaml:4:1", "tab")]
    [InlineData("g.json", "{\"nope\": 1}", "g.json:1:1", "canonical JSON")]
    [InlineData("broken.json", "{\"nodes\": [", "broken.json:1:", "not valid JSON")]
    [InlineData("timeout.yaml", "graph: g\nversion: 1.0.0\nnodes:\n  - { name: t, kind: task, type: echo, timeout: 9999999999999999d }\n", "timeout.yaml:4:", "at most 24d")]
    [InlineData("cond.yaml", "graph: g\nversion: 1.0.0\nnodes:\n  - { name: t, kind: task, type: echo }\n  - { name: p, kind: plan, type: all }\nedges:\n  - { from: t, to: p }\n  - { from: p, to: end, kind: final, when: \"true and (\" }\n", "cond.yaml:8:", "expected")]
    public async Task BadGraphFiles_AreRefusedWithFileLineColumn(string name, string text, string where, string what)
    {
        var path = WriteFile(name, text);
        foreach (var command in new[] { new[] { "validate", path }, ["run", path, "--db", Db] })
        {
            var (code, _, error) = await Run(command);
            Assert.Equal(ExitCodes.InvalidInput, code);
            Assert.Contains(Path.Combine(Folder, where), error, StringComparison.Ordinal);
            Assert.Contains(what, error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        }

        Assert.False(File.Exists(Db), "a refused graph never creates the database");
    }

    [Fact]
    public async Task NonUtf8Graph_IsRefusedAtTheBadByte()
    {
        var path = Path.Combine(Folder, "latin1.yaml");
        await File.WriteAllBytesAsync(path, [.. "graph: caf"u8, 0xE9, .. "\nversion: 1.0.0\nnodes: []\nedges: []\n"u8]);
        var (code, _, error) = await Run("validate", path);
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("latin1.yaml:1:11", error, StringComparison.Ordinal);
        Assert.Contains("not UTF-8", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resume_RestoresThePoliciesAndPrices_TheLifetimeStartedWith()
    {
        var policies = Path.Combine(Folder, "policies");
        Directory.CreateDirectory(policies);
        File.Copy(Path.Combine(RepoPaths.Root, "samples", "policies", "guardrails.yaml"), Path.Combine(policies, "guardrails.yaml"));
        var (code, json, error) = await Run("run", Sample("hello"), "--db", Db, "--policies", policies, "--output", "json");
        Assert.True(code == ExitCodes.Parked, error);
        var id = JsonDocument.Parse(json).RootElement.GetProperty("lifetime_id").GetString()!;
        var iterations = JsonDocument.Parse(json).RootElement.GetProperty("iterations").GetInt32();

        // Resumed, it runs under the loop cap again (paused at once), not on to the end (count 10) unguarded and unpriced.
        var (resumed, resumedJson, resumedErr) = await Run("resume", id, "--db", Db, "--output", "json");
        Assert.True(resumed == ExitCodes.Parked, $"{resumed}: {resumedJson} {resumedErr}");
        var after = JsonDocument.Parse(resumedJson).RootElement;
        Assert.Equal("paused", after.GetProperty("status").GetString());
        Assert.InRange(after.GetProperty("iterations").GetInt32(), iterations, iterations + 1);

        // With the policy files gone it is refused, and left as it was.
        Directory.Delete(policies, recursive: true);
        var (gone, _, goneErr) = await Run("resume", id, "--db", Db);
        Assert.Equal(ExitCodes.InvalidInput, gone);
        Assert.Contains("no longer exist", goneErr, StringComparison.Ordinal);
        var (_, recovered, _) = await Run("resume", "--db", Db, "--output", "json");
        Assert.Contains("no longer exist", JsonDocument.Parse(recovered).RootElement.GetProperty("not_recovered")[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        var (_, show, _) = await Run("show", id, "--db", Db, "--output", "json");
        Assert.Equal("paused", JsonDocument.Parse(show).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task JsonOutput_IsNotEscapedForHtml()
    {
        var (_, json, _) = await Run("run", Sample("hello"), "--in-memory", "--output", "json", "--input", """{"note":"a+b > c's"}""");
        Assert.DoesNotContain("\\u00", json, StringComparison.Ordinal);
    }

    /// <summary>
    /// The CLI's files in a folder anyone may read: the checkout may sit under a folder user nobody cannot enter
    /// (/root). Only the assemblies, their JSON and this platform's native SQLite are copied.
    /// </summary>
    private static readonly Lazy<string> CopyForUnprivileged = new(() =>
    {
        var target = Directory.CreateTempSubdirectory("agentic-cli-copy-").FullName;
        var everyone = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(target, everyone);
        }

        var source = AppContext.BaseDirectory;
        foreach (var file in Directory.EnumerateFiles(source).Where(f => f.EndsWith(".dll", StringComparison.Ordinal) || f.EndsWith(".json", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        if (Directory.Exists(Path.Combine(source, "runtimes")))
        {
            foreach (var file in Directory.EnumerateDirectories(Path.Combine(source, "runtimes"), "linux*").SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories)))
            {
                var to = Path.Combine(target, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(to)!);
                File.Copy(file, to);
            }

            if (!OperatingSystem.IsWindows())
            {
                foreach (var dir in Directory.EnumerateDirectories(Path.Combine(target, "runtimes"), "*", SearchOption.AllDirectories).Prepend(Path.Combine(target, "runtimes")))
                {
                    File.SetUnixFileMode(dir, everyone);
                }
            }
        }

        return target;
    });

    private static async Task<(int Code, string Out, string Err)> RunProcess(bool asUnprivileged, params string[] args)
    {
        var dll = Path.Combine(asUnprivileged ? CopyForUnprivileged.Value : AppContext.BaseDirectory, "agentic.dll");
        var info = new ProcessStartInfo(asUnprivileged ? "setpriv" : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (asUnprivileged)
        {
            foreach (var a in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "dotnet" })
            {
                info.ArgumentList.Add(a);
            }

            info.Environment["HOME"] = Path.GetTempPath();
            info.Environment["DOTNET_CLI_HOME"] = Path.GetTempPath();
        }

        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }
}
