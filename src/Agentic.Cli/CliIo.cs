using Spectre.Console;

namespace Agentic.Cli;

/// <summary>The writers of one invocation: plain text for machine output, Spectre consoles for people.</summary>
internal sealed class CliIo
{
    public CliIo(TextWriter output, TextWriter error)
    {
        Output = output;
        Error = error;
        Console = Create(output, System.Console.Out, System.Console.IsOutputRedirected);
        ErrorConsole = Create(error, System.Console.Error, System.Console.IsErrorRedirected);
    }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    public IAnsiConsole Console { get; }

    public IAnsiConsole ErrorConsole { get; }

    private readonly List<TrailingSpaceTrimmingWriter> _trimmed = [];

    /// <summary>Writes out what the trimming writers still hold (a last line without a line break).</summary>
    public void Flush()
    {
        foreach (var writer in _trimmed)
        {
            writer.Flush();
        }
    }

    private TrailingSpaceTrimmingWriter Trimmed(TextWriter writer)
    {
        var trimmed = new TrailingSpaceTrimmingWriter(writer);
        _trimmed.Add(trimmed);
        return trimmed;
    }

    private IAnsiConsole Create(TextWriter writer, TextWriter terminal, bool redirected)
    {
        var isTerminal = ReferenceEquals(writer, terminal) && !redirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(isTerminal ? writer : Trimmed(writer)),
            Ansi = isTerminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = isTerminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!isTerminal)
        {
            // Piped or captured output is read by tools and logs: never wrap a line (an error message split over two
            // lines breaks grep). Nothing here expands to the width, so a wide profile pads nothing.
            console.Profile.Width = 32_768;
        }

        return console;
    }

    public int Fail(int code, string message)
    {
        ErrorConsole.MarkupLine("[red]error:[/] " + Markup.Escape(message));
        return code;
    }
}
