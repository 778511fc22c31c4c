using Microsoft.Extensions.Hosting;

namespace Broker.Embedded.Tests.Processes;

/// <summary>
/// Consumes the child's channel, printing <c>DONE key id tries</c> at the end of each handler, after a millisecond's
/// work (so a process killed between the line and its acknowledgement shows the redelivery as a second DONE of the same
/// id). 32 handlers at a time: a message costs a consumer a delivery, a settle and its fsync, twice what it costs a
/// producer, so with the producers' 8 in flight fewer would let a backlog grow for the end of a test to drain. On
/// shutdown the subscription stops as a hosted consumer's does: running handlers finish, the rest goes back for
/// redelivery.
/// </summary>
internal sealed class ChildConsumer(IQueueChannel<ProcessJob> channel) : IHostedService, IAsyncDisposable
{
    private IQueueSubscription? _subscription;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = await channel.ConsumeAsync(
            async (message, _) =>
            {
                // A moment of work, so a kill now and then lands mid-handler; not cancelled: a graceful stop lets it end.
                await Task.Delay(1, CancellationToken.None);
                ChildOutput.Handled(message.Data.Key, message.Id, message.Tries);
            },
            new ConsumeOptions { MaxParallel = 32 },
            cancellationToken);
        ChildOutput.Line(ChildOutput.Consuming);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_subscription is not null)
            await _subscription.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_subscription is not null)
            await _subscription.DisposeAsync();
    }
}
