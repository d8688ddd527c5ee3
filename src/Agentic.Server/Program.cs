using Agentic.Runtime.Journal;
using Agentic.Server;

// One silo (and, later, the web API) configured from appsettings.json, Agentic__… environment variables and
// --Agentic:… arguments. SIGTERM stops it gracefully: the silo leaves the cluster (its lifetimes recover on the
// survivors), tenant charges reach their grains, the journal is flushed, within Agentic:ShutdownTimeout.
try
{
    var app = ServerHost.Build(args);
    await app.RunAsync();
    return 0;
}
catch (Exception ex) when (StartupFailure(ex) is { } reason)
{
    // A setting or the journal is unusable: one line that says which, exit 2 (the host has logged the details).
    Console.Error.WriteLine($"agentic-server: {reason}");
    return 2;
}

static string? StartupFailure(Exception ex) => ex switch
{
    JournalOpenException or Orleans.Runtime.OrleansConfigurationException or InvalidOperationException => ex.Message,
    AggregateException { InnerExceptions: [var inner] } => StartupFailure(inner),
    { InnerException: { } inner } => StartupFailure(inner),
    _ => null,
};

/// <summary>The server's entry point (public for WebApplicationFactory in the tests).</summary>
public partial class Program;
