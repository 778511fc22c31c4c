namespace Broker.Cli;

/// <summary>
/// What <c>broker</c> exits with: the whole set, documented in docs/cli.md. A script tells the outcomes apart by these
/// numbers alone; the message on standard error is for people.
/// </summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>Anything the other codes do not name: an error of the broker or of this tool; the message says what.</summary>
    public const int Failure = 1;

    /// <summary>The command line is wrong: an unknown command or option, a missing argument, a value that does not parse.</summary>
    public const int Usage = 2;

    /// <summary>The channel, or a message id in it, does not exist.</summary>
    public const int NotFound = 3;

    /// <summary>A change was refused because the view is read-only (an embedded data directory another process holds).</summary>
    public const int ReadOnly = 4;

    /// <summary>The broker cannot be reached: the server does not answer or refuses the credentials, or the data directory cannot be opened.</summary>
    public const int CannotConnect = 5;

    /// <summary>A change was not confirmed: the answer was no, or there was no terminal to ask and <c>--yes</c> was not given.</summary>
    public const int NotConfirmed = 6;

    /// <summary>Interrupted (Ctrl+C), as shells report a SIGINT: 128 + 2.</summary>
    public const int Interrupted = 130;
}
