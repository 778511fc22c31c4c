using Broker.Server.Tests.Infrastructure;
using Broker.Transport;
using Xunit.Abstractions;

namespace Broker.Server.Tests.Client;

/// <summary>A backlog consumed in slices by successive subscriptions that each stop gracefully: nothing is stranded.</summary>
public sealed class StopAndResubscribeTests(ITestOutputHelper output)
{
    private static readonly ChannelDefinition Orders = new("bench/orders");

    [Fact]
    public async Task SuccessiveSubscriptionsThatStopAndReleaseLeaveNothingStranded()
    {
        await using var server = await TestServer.StartAsync();
        await using var transport = server.CreateTransport();
        const int total = 3000;
        await Task.WhenAll(Enumerable.Range(0, total).Select(i => transport.ProduceAsync(Payloads.Message(Orders, $"m{i}"), CancellationToken.None).AsTask()));

        for (var round = 0; round < 3; round++)
        {
            long completed = 0;
            long claimed = 0;
            const int slice = total / 3;
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var subscription = await transport.SubscribeAsync(Orders, new SubscriptionSettings(1024, TimeSpan.FromMinutes(5)), CancellationToken.None);
            var handlers = Enumerable.Range(0, 64).Select(_ => Task.Run(async () =>
            {
                await foreach (var delivery in subscription.Deliveries.ReadAllAsync())
                {
                    // Past this round's slice: hand it back, uncounted, for the next subscription.
                    if (Interlocked.Increment(ref claimed) > slice)
                    {
                        await subscription.ReleaseAsync(delivery, CancellationToken.None);
                        continue;
                    }
                    await subscription.CompleteAsync(delivery, CancellationToken.None);
                    if (Interlocked.Increment(ref completed) == slice) done.TrySetResult();
                }
            })).ToArray();
            try
            {
                await done.Task.WaitAsync(TimeSpan.FromSeconds(20));
            }
            catch (TimeoutException)
            {
                Assert.Fail($"Round {round}: {Interlocked.Read(ref completed)} of {slice} completed; server: {server.Engine.GetStats(Orders.Name)}");
            }
            await subscription.StopDeliveriesAsync(CancellationToken.None);
            await Task.WhenAll(handlers).WaitAsync(TimeSpan.FromSeconds(20));
            await subscription.DisposeAsync();
            output.WriteLine($"round {round}: {server.Engine.GetStats(Orders.Name)}");
        }

        Assert.Equal(0, server.Engine.GetStats(Orders.Name).Unfinished);
    }
}
