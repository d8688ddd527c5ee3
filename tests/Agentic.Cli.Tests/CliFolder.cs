using Microsoft.Data.Sqlite;

namespace Agentic.Cli.Tests;

/// <summary>A test's own folder (deleted afterwards) with a journal path in it, and the CLI run in-process.</summary>
public abstract class CliFolder : IDisposable
{
    protected CliFolder(string prefix) => Folder = Directory.CreateTempSubdirectory(prefix).FullName;

    protected string Folder { get; }

    protected string Db => Path.Combine(Folder, "agentic.db");

    protected static string Sample(string name) => Path.Combine(RepoPaths.Root, "samples", name, "graph.yaml");

    protected static async Task<(int Code, string Out, string Err)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await AgenticCli.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    protected string WriteFile(string name, string text)
    {
        var path = Path.Combine(Folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
        GC.SuppressFinalize(this);
    }
}
