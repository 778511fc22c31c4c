using Microsoft.Extensions.Hosting;

namespace Broker.Embedded.Tests.Processes;

/// <summary>
/// Prints the child's role (<c>HOST</c> or <c>CLIENT</c>) once it is decided and again at every change, polling
/// <see cref="SharedEmbeddedTransport.IsHost"/> every 2 ms: the transport raises no event, and the poll's period is the
/// error it adds to the takeover times the tests measure.
/// </summary>
internal sealed class ChildRoleReporter(IQueueTransport transport) : BackgroundService
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var shared = (SharedEmbeddedTransport)transport;
        try
        {
            await shared.StartedAsync(stoppingToken);
            var host = shared.IsHost;
            ChildOutput.Role(host);
            using var timer = new PeriodicTimer(Period);
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                if (shared.IsHost == host)
                    continue;
                host = !host;
                ChildOutput.Role(host);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
