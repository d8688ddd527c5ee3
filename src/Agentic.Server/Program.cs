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
catch (InvalidOperationException ex)
{
    Console.Error.WriteLine($"agentic-server: {ex.Message}");
    return 2;
}
