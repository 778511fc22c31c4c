using Spectre.Console;

namespace Broker.Cli.Output;

/// <summary>
/// Where the command writes: tables and text on standard output, notices, errors, prompts and progress on standard
/// error (so <c>--json</c> and a redirected table stay clean). Colours are on only for a stream that is a terminal
/// while <c>NO_COLOR</c> is unset; a redirected stream gets plain text, 80 columns wide unless <c>COLUMNS</c> says
/// otherwise.
/// </summary>
internal sealed class Terminal
{
    private const int UnwrappedWidth = 4096;

    private Terminal(IAnsiConsole output, IAnsiConsole error, TextWriter rawOutput, bool inputIsTerminal, bool errorIsTerminal)
    {
        Out = output;
        Error = error;
        RawOut = rawOutput;
        CanAsk = inputIsTerminal && errorIsTerminal;
        ShowsProgress = errorIsTerminal;
    }

    /// <summary>Standard output, for tables and text.</summary>
    public IAnsiConsole Out { get; }

    /// <summary>Standard error, for notices, errors, prompts and progress.</summary>
    public IAnsiConsole Error { get; }

    /// <summary>Standard output without rendering: JSON documents and payloads, written as they are.</summary>
    public TextWriter RawOut { get; }

    /// <summary>Whether a question can be asked: standard input and standard error are a terminal.</summary>
    public bool CanAsk { get; }

    /// <summary>Whether a progress bar can be drawn: standard error is a terminal.</summary>
    public bool ShowsProgress { get; }

    /// <summary>The terminal of this process.</summary>
    /// <param name="environment">Reads an environment variable.</param>
    public static Terminal ForProcess(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var noColor = environment("NO_COLOR") is { Length: > 0 };
        var columns = int.TryParse(environment("COLUMNS"), out var width) && width is >= 20 and <= 1000 ? width : (int?)null;
        var output = Create(Console.Out, Console.IsOutputRedirected, noColor, columns, interactive: false);
        // Redirected errors go to a log or a script: one line each, never wrapped at 80 columns.
        var error = Create(Console.Error, Console.IsErrorRedirected, noColor, Console.IsErrorRedirected ? UnwrappedWidth : columns, interactive: !Console.IsInputRedirected && !Console.IsErrorRedirected);
        return new Terminal(output, error, Console.Out, !Console.IsInputRedirected, !Console.IsErrorRedirected);
    }

    /// <summary>A terminal over writers, for tests: plain text, never asks, no progress.</summary>
    public static Terminal ForWriters(TextWriter output, TextWriter error, int width = 80)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        return new Terminal(Create(output, redirected: true, noColor: true, width, false), Create(error, redirected: true, noColor: true, UnwrappedWidth, false), output, false, false);
    }

    private static IAnsiConsole Create(TextWriter writer, bool redirected, bool noColor, int? columns, bool interactive)
    {
        var plain = redirected || noColor;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = plain ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (columns is { } width)
            console.Profile.Width = width;
        else if (redirected)
            console.Profile.Width = 80;
        return console;
    }
}
