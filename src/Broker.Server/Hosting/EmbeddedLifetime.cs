using Microsoft.Extensions.Hosting;

namespace Broker.Server.Hosting;

/// <summary>
/// A host lifetime that waits for nothing and listens to no signal, for the web hosts broker-server runs inside itself
/// (<c>--metrics</c>, <c>--http</c>): the broker's own host handles SIGTERM and Ctrl+C and starts and stops them; a console
/// lifetime of their own would race it.
/// </summary>
internal sealed class EmbeddedLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
