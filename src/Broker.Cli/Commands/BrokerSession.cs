using System.Text.Json.Serialization.Metadata;
using Broker.Cli.Connecting;
using Broker.Cli.Output;
using Broker.Management;

namespace Broker.Cli.Commands;

/// <summary>What a command works with once the broker is open: its management API, where to write, and how.</summary>
internal sealed class BrokerSession(IBrokerManagement broker, Target target, Terminal terminal, bool json, bool readOnly)
{
    /// <summary>The broker.</summary>
    public IBrokerManagement Broker { get; } = broker;

    /// <summary>Which broker it is, for messages.</summary>
    public Target Target { get; } = target;

    /// <summary>Where to write.</summary>
    public Terminal Terminal { get; } = terminal;

    /// <summary>Whether to print one JSON document instead of tables.</summary>
    public bool Json { get; } = json;

    /// <summary>
    /// Whether the broker is a read-only view. A change is then not confirmed first: it is tried, and refused with the
    /// broker's own explanation (exit code <see cref="ExitCodes.ReadOnly"/>), rather than asking a question whose
    /// answer cannot matter.
    /// </summary>
    public bool ReadOnly { get; } = readOnly;

    /// <summary>The channel's counts.</summary>
    /// <exception cref="CliException">The broker has no such channel (exit code <see cref="ExitCodes.NotFound"/>).</exception>
    public async Task<ChannelSummary> RequireChannelAsync(string channel, CancellationToken cancellationToken) =>
        await Broker.GetChannelAsync(channel, cancellationToken).ConfigureAwait(false)
        ?? throw new CliException(ExitCodes.NotFound, $"The {Target.Name} has no channel '{channel}'. `broker channels` lists them.");

    /// <summary>
    /// Writes a sentence to standard output as it is: not wrapped at the table width, so a script or a log gets it on
    /// one line.
    /// </summary>
    public void Say(string sentence)
    {
        Terminal.RawOut.WriteLine(sentence);
        Terminal.RawOut.Flush();
    }

    /// <summary>Writes the command's JSON document to standard output.</summary>
    public void WriteJson<T>(T document, JsonTypeInfo<T> type) => JsonOutput.Write(Terminal.RawOut, document, type);
}
