using System.Diagnostics;
using Broker.Transport;

namespace Broker.Benchmarks.Throughput;

/// <summary>
/// The same workload through any adapter's <see cref="IQueueTransport"/>: a backlog produced by N concurrent producers
/// that each await their acknowledgement, then consumed by 256 handlers that each await the broker's confirmation of
/// their completion. This is what the channel runtime does per message, minus encoding.
/// </summary>
internal static class AdapterRuns
{
    public const int Handlers = 256;

    public static async Task<(double ProducePerSecond, double ConsumePerSecond)> MeasureAsync(
        IQueueTransport transport, ChannelDefinition channel, byte[] payload, int producers, int messages)
    {
        long next = 0;
        var handle = await transport.OpenChannelAsync(channel, CancellationToken.None);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, producers).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= messages)
                await handle.ProduceAsync(new OutgoingMessage(payload, null, TimeSpan.Zero, 0), CancellationToken.None);
        })));
        var produce = messages / clock.Elapsed.TotalSeconds;

        var subscription = await handle.SubscribeAsync(new SubscriptionSettings(Handlers, TimeSpan.FromMinutes(5)), CancellationToken.None);
        var completed = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        clock.Restart();
        var handlers = Enumerable.Range(0, Handlers).Select(_ => Task.Run(async () =>
        {
            await foreach (var delivery in subscription.Deliveries.ReadAllAsync())
            {
                await subscription.CompleteAsync(delivery, CancellationToken.None);
                if (Interlocked.Increment(ref completed) == messages)
                    done.TrySetResult();
            }
        })).ToArray();
        await done.Task;
        var consume = messages / clock.Elapsed.TotalSeconds;
        await subscription.StopDeliveriesAsync(CancellationToken.None);
        await Task.WhenAll(handlers);
        await subscription.DisposeAsync();
        return (produce, consume);
    }
}
