namespace Broker.Dashboard.Tests.Infrastructure;

/// <summary>
/// A broker with something to show: orders flowing through a worker, e-mails nobody sends (a stuck channel), invoices
/// that failed for good (dead letters) and reminders waiting for their time.
/// </summary>
public static class SampleTraffic
{
    public static readonly ChannelDefinition Orders = new("orders/created");
    public static readonly ChannelDefinition Emails = new("email/send");
    public static readonly ChannelDefinition Invoices = new("billing/invoice");
    public static readonly ChannelDefinition Reminders = new("reminders/due");

    /// <summary>Fills the broker and keeps orders flowing until <paramref name="stop"/>; the task ends when they stop.</summary>
    public static async Task<Task> StartAsync(IQueueTransport transport, CancellationToken stop)
    {
        for (var i = 0; i < 37; i++)
            await transport.ProduceAsync(Payloads.Message(Emails, $"welcome mail {i}"), CancellationToken.None);
        for (var i = 0; i < 12; i++)
            await transport.ProduceAsync(new ChannelMessage(Reminders, Payloads.Document($"reminder {i}"), null, TimeSpan.FromHours(1), 0), CancellationToken.None);
        await Payloads.DeadLetterAsync(transport, Invoices, 3, "HttpRequestException: invoice service answered 502 Bad Gateway", new Dictionary<string, string> { ["tenant"] = "acme", ["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" });
        for (var i = 0; i < 40; i++)
            await transport.ProduceAsync(Payloads.Message(Orders, $"order {i}"), CancellationToken.None);
        var subscription = await transport.SubscribeAsync(Orders, new SubscriptionSettings(4, TimeSpan.FromSeconds(30)), CancellationToken.None);
        var producing = Task.Run(async () =>
        {
            var n = 40;
            using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(40));
            while (await tick.WaitForNextTickAsync(CancellationToken.None) && !stop.IsCancellationRequested)
                await transport.ProduceAsync(Payloads.Message(Orders, $"order {n++}"), CancellationToken.None);
        }, CancellationToken.None);
        var working = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    var delivery = await subscription.Deliveries.ReadAsync(stop);
                    // A worker a little slower than the orders come in, so a backlog builds.
                    await Task.Delay(50, stop);
                    await subscription.CompleteAsync(delivery, CancellationToken.None);
                }
            }
            catch (OperationCanceledException)
            {
                // Stopped.
            }
        }, CancellationToken.None);
        return Task.Run(async () =>
        {
            await Task.WhenAll(producing, working);
            await subscription.DisposeAsync();
        }, CancellationToken.None);
    }
}
