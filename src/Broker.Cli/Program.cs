using Broker.Cli.Commands;
using Broker.Cli.Output;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Broker.Cli;

/// <summary>
/// <c>broker &lt;command&gt; [options]</c>: the operator's command line over the management API of a broker-server
/// (<c>--server</c>) or an embedded data directory (<c>--data</c>). docs/cli.md has every command, an example of each,
/// and the exit codes (<see cref="ExitCodes"/>).
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var terminal = Terminal.ForProcess(Environment.GetEnvironmentVariable);
        using var interrupt = new CancellationTokenSource();
        // The first Ctrl+C cancels the command, which stops between two steps and says how far it got; the process
        // is not killed mid-call.
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = !interrupt.IsCancellationRequested;
            interrupt.Cancel();
        };
        var app = Create(terminal);
        return await app.RunAsync(args, interrupt.Token).ConfigureAwait(false);
    }

    /// <summary>The command line's commands, writing to <paramref name="terminal"/>.</summary>
    public static BrokerApp Create(Terminal terminal)
    {
        ArgumentNullException.ThrowIfNull(terminal);
        var app = new CommandApp();
        var broker = new BrokerApp(app);
        app.Configure(config =>
        {
            config.SetApplicationName("broker");
            config.SetApplicationVersion(Version);
            config.ConfigureConsole(terminal.Out);
            config.Settings.Registrar.RegisterInstance(terminal);
            config.Settings.StrictParsing = true;
            config.CancellationExitCode(ExitCodes.Interrupted);
            config.SetExceptionHandler((exception, _) =>
            {
                broker.Handled = true;
                var (code, message) = ExitCodeMapping.For(exception);
                terminal.Error.MarkupLineInterpolated($"[red]broker:[/] {Formats.Printable(message)}");
                return code;
            });

            config.AddCommand<ChannelsCommand>("channels")
                .WithDescription("Every channel's ready, delayed, in-flight and dead-letter counts, rates and oldest message.")
                .WithExample("channels", "--server", "127.0.0.1:8811")
                .WithExample("channels", "orders/*", "--data", "./broker-data", "--sort", "dead-letters");
            config.AddCommand<PeekCommand>("peek")
                .WithDescription("A channel's unfinished messages as JSON, with ids, states and headers. Never consumes.")
                .WithExample("peek", "orders", "--limit", "5", "--server", "127.0.0.1:8811");
            config.AddBranch("dead-letters", branch =>
            {
                branch.SetDescription("Read, re-drive and delete a channel's dead letters.");
                branch.AddCommand<DeadLetterListCommand>("list")
                    .WithDescription("A channel's dead letters with their tries and error.")
                    .WithExample("dead-letters", "list", "orders", "--server", "127.0.0.1:8811");
                branch.AddCommand<DeadLetterShowCommand>("show")
                    .WithDescription("One dead letter: its whole error, headers and payload.")
                    .WithExample("dead-letters", "show", "orders", "42", "--server", "127.0.0.1:8811");
                branch.AddCommand<DeadLetterRedriveCommand>("redrive")
                    .WithDescription("Move dead letters back onto their channel with a fresh attempt budget.")
                    .WithExample("dead-letters", "redrive", "orders", "42", "43", "--server", "127.0.0.1:8811")
                    .WithExample("dead-letters", "redrive", "orders", "--error-contains", "timeout", "--yes", "--server", "127.0.0.1:8811");
                branch.AddCommand<DeadLetterDeleteCommand>("delete")
                    .WithDescription("Delete dead letters for good.")
                    .WithExample("dead-letters", "delete", "orders", "--all", "--server", "127.0.0.1:8811");
            });
            config.AddCommand<PurgeCommand>("purge")
                .WithDescription("Remove a channel's ready and delayed messages for good (in-flight ones and dead letters stay).")
                .WithExample("purge", "orders", "--server", "127.0.0.1:8811");
            config.AddCommand<StatsCommand>("stats")
                .WithDescription("The broker's figures: connections, channels, throughput, log size and fsync latency.")
                .WithExample("stats", "--server", "127.0.0.1:8811");
        });
        return broker;
    }

    /// <summary>The tool's version, as <c>broker --version</c> prints it.</summary>
    public static string Version =>
        typeof(Program).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}

/// <summary>
/// The command line ready to run. Spectre answers a branch given without its command (<c>broker dead-letters</c>) with
/// its help and exit code 1; that is a usage error here (2), as every other incomplete command line is.
/// </summary>
internal sealed class BrokerApp(CommandApp app)
{
    /// <summary>Whether the exception handler ran: a code it returned is already one of <see cref="ExitCodes"/>.</summary>
    public bool Handled { get; set; }

    /// <summary>Runs the command line; the exit code.</summary>
    public async Task<int> RunAsync(IEnumerable<string> args, CancellationToken cancellationToken = default)
    {
        var code = await app.RunAsync(args, cancellationToken).ConfigureAwait(false);
        return code == ExitCodes.Failure && !Handled ? ExitCodes.Usage : code;
    }
}
