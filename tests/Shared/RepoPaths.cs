namespace Agentic.Testing;

/// <summary>Locates the repository root (the folder holding Orleans.Agentic.sln) from a test's output folder.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = Find();

    public static string Sample(string name) => Path.Combine(Root, "samples", name, "graph.yaml");

    private static string Find()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Orleans.Agentic.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("cannot find the repository root (Orleans.Agentic.sln) above " + AppContext.BaseDirectory);
    }
}
