using System.Diagnostics;
using Broker.Transport;

namespace Broker.Dashboard.Tests.Infrastructure;

public static class Waits
{
    public static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    /// <summary>Polls a condition until it holds; fails naming what was awaited.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Generous;
        var watch = Stopwatch.StartNew();
        while (!await condition())
        {
            if (watch.Elapsed > limit)
                Assert.Fail($"Timed out after {limit.TotalSeconds:0} s waiting for {what}.");
            await Task.Delay(50);
        }
    }

    /// <summary>The next delivery of a transport subscription.</summary>
    public static async Task<Delivery> NextAsync(this ITransportSubscription subscription, TimeSpan? timeout = null) =>
        await subscription.Deliveries.ReadAsync().AsTask().WaitAsync(timeout ?? Generous);
}
