using System.CommandLine;
using Agentic.Storage.Sqlite;

namespace Agentic.Cli;

/// <summary>Options several commands share; each command gets its own instances.</summary>
internal static class CliOptions
{
    public static Option<string> Db() => new("--db")
    {
        Description = $"SQLite journal file (default {SqliteJournalOptions.DefaultPath} under the working directory)",
        DefaultValueFactory = _ => SqliteJournalOptions.DefaultPath,
    };

    public static Option<string> Output() => new Option<string>("--output", "-o")
    {
        Description = "text (for people) or json (one JSON document)",
        DefaultValueFactory = _ => "text",
    }.AcceptOnlyFromAmong("text", "json");

    public static Option<string?> Reason() => new("--reason") { Description = "why (journaled with the command)" };

    public static Option<string> By() => new("--by")
    {
        Description = "who asks (journaled with the command; default: the OS user)",
        DefaultValueFactory = _ => Environment.UserName is { Length: > 0 } user ? user : "cli",
    };
}
