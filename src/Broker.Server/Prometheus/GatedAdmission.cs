using Broker.Server.Diagnostics;
using Broker.Server.Security;
using Microsoft.AspNetCore.Connections;

namespace Broker.Server.Prometheus;

/// <summary>
/// The connection middleware both of broker-server's HTTP endpoints (<c>--metrics</c>, <c>--http</c>) put in front of
/// Kestrel: a connection is served once it has a slot of the <see cref="ConnectionGate"/> (waiting a while for one),
/// else closed, the refusal logged a few times per source and then summarised.
/// </summary>
/// <param name="gate">The endpoint's slots.</param>
/// <param name="slotWait">How long a connection that found no slot waits for one.</param>
/// <param name="refusedLines">Limits the refusal lines per source address.</param>
/// <param name="logRefused">Writes one refusal line: the remote end point and why.</param>
internal sealed class GatedAdmission(ConnectionGate gate, TimeSpan slotWait, LogRateLimiter refusedLines, Action<string, string> logRefused)
{
    /// <summary>Serves <paramref name="connection"/> through <paramref name="next"/> once it has a slot, else closes it.</summary>
    public async Task AdmitAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var source = ClientAddress.SourceOf(connection.RemoteEndPoint);
        ConnectionGate.Refusal refusal;
        try
        {
            refusal = await gate.EnterAsync(source, slotWait, connection.ConnectionClosed).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The client gave up waiting.
            return;
        }
        if (refusal != ConnectionGate.Refusal.None)
        {
            if (refusedLines.TryAcquire(ClientAddress.Describe(source)))
            {
                var reason = refusal == ConnectionGate.Refusal.SourceFull
                    ? $"{gate.MaxPerSource} connections from its address were open, the most one address may hold"
                    : $"all {gate.MaxConnections} connections were open";
                logRefused(connection.RemoteEndPoint?.ToString() ?? "?", reason);
            }
            // Returning without serving closes the connection.
            return;
        }
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            gate.Exit(source);
        }
    }
}
