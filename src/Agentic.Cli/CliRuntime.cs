using Agentic.Runtime.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Agentic.Cli;

/// <summary>An embedded runtime on an existing journal database, for the commands that act on stored lifetimes.</summary>
internal sealed class CliRuntime : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private CliRuntime(ServiceProvider services)
    {
        _services = services;
        Runtime = services.GetRequiredService<AgenticRuntime>();
    }

    public AgenticRuntime Runtime { get; }

    public static CliRuntime Open(string dbPath)
    {
        if (!File.Exists(dbPath))
        {
            throw new CliInputException($"journal database '{dbPath}' does not exist (pass --db)");
        }

        return new CliRuntime(CliServices.Build(dbPath));
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
