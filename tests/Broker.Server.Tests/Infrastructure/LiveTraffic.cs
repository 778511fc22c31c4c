using System.Diagnostics;
using Broker.Transport;

namespace Broker.Server.Tests.Infrastructure;

/// <summary>
/// Another client at work while a test misbehaves: it produces one small message at a time on its own channel,
/// consumes and completes it, and counts the round trips, until stopped; as fast as it can, or one per
/// <c>pace</c> (so a test that samples a process's memory measures the misbehaviour, not the garbage of a busy client).
/// </summary>
public sealed class LiveTraffic
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _roundTrips;
    private long _longestTicks;

    private LiveTraffic(IQueueTransport transport, ChannelDefinition channel, TimeSpan pace) => _loop = Task.Run(() => RunAsync(transport, channel, pace));

    public int RoundTrips => Volatile.Read(ref _roundTrips);

    public TimeSpan LongestRoundTrip => TimeSpan.FromTicks(Interlocked.Read(ref _longestTicks));

    public static LiveTraffic Start(IQueueTransport transport, ChannelDefinition channel, TimeSpan pace = default) => new(transport, channel, pace);

    /// <summary>Waits until <paramref name="more"/> more round trips have completed than now.</summary>
    public Task KeepsGoingAsync(int more = 5)
    {
        var target = RoundTrips + more;
        return Waits.UntilAsync(() => RoundTrips >= target || _loop.IsCompleted, $"{more} more round trips of the other client");
    }

    /// <summary>Stops the loop; rethrows what made it fail, if anything did.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
    }

    private async Task RunAsync(IQueueTransport transport, ChannelDefinition channel, TimeSpan pace)
    {
        await using var subscription = await transport.SubscribeAsync(channel, new SubscriptionSettings(1, TimeSpan.FromMinutes(1)), CancellationToken.None);
        for (var i = 0; !_stop.IsCancellationRequested; i++)
        {
            var watch = Stopwatch.StartNew();
            await transport.ProduceAsync(Payloads.Message(channel, "live " + i), CancellationToken.None);
            var delivery = await subscription.NextAsync();
            Assert.Equal("live " + i, delivery.Text());
            Assert.Equal(SettleOutcome.Completed, await subscription.CompleteAsync(delivery, CancellationToken.None));
            var ticks = watch.Elapsed.Ticks;
            if (ticks > Interlocked.Read(ref _longestTicks)) Interlocked.Exchange(ref _longestTicks, ticks);
            Interlocked.Increment(ref _roundTrips);
            if (pace > TimeSpan.Zero && !_stop.IsCancellationRequested)
                await Task.Delay(pace);
        }
    }
}
