using System.Diagnostics;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;

namespace Broker.Server.Tests.Client;

/// <summary>
/// A graceful stop waits for the clients' handlers to settle what they hold, but only for its grace (5 s, or half of
/// --shutdown-timeout when that is shorter): a client that takes a delivery and never settles it cannot hold the stop
/// longer, and its message goes back to be delivered again. A handler that settles within the grace is settled on the
/// stopping server, not lost with its lease.
/// </summary>
public sealed class GracefulStopSettleTests
{
    private static readonly ChannelDefinition Jobs = new("stop/settle");

    [Fact]
    public async Task AClientThatNeverSettlesHoldsAGracefulStopNoLongerThanItsGrace()
    {
        await using var server = await TestServer.StartAsync(o => o with { ShutdownTimeout = TimeSpan.FromSeconds(2) });
        await using var transport = server.CreateTransport();
        await transport.ProduceAsync(Payloads.Message(Jobs, "held for ever"), CancellationToken.None);
        await using var subscription = await transport.SubscribeAsync(Jobs, new SubscriptionSettings(1, TimeSpan.FromMinutes(5)), CancellationToken.None);
        await subscription.NextAsync();

        var watch = Stopwatch.StartNew();
        await server.Server.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));

        // Grace 1 s (half the 2 s timeout), then the goodbye; far below the 5-minute lease the delivery held.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"The stop took {watch.Elapsed}.");
        Assert.Equal(1, server.Engine.GetStats(Jobs.Name).Ready);
    }

    [Fact]
    public async Task AHandlerThatSettlesDuringTheGraceIsSettledOnTheStoppingServer()
    {
        await using var server = await TestServer.StartAsync();
        await using var transport = server.CreateTransport();
        await transport.ProduceAsync(Payloads.Message(Jobs, "finished in time"), CancellationToken.None);
        await using var subscription = await transport.SubscribeAsync(Jobs, new SubscriptionSettings(1, TimeSpan.FromMinutes(5)), CancellationToken.None);
        var delivery = await subscription.NextAsync();

        var stopping = server.Server.StopAsync();
        var outcome = await subscription.CompleteAsync(delivery, CancellationToken.None);
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(SettleOutcome.Completed, outcome);
        var stats = server.Engine.GetStats(Jobs.Name);
        Assert.Equal((0, 0), (stats.Ready, stats.Unfinished));
    }
}
