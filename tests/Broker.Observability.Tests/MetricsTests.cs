namespace Broker.Observability.Tests;

public sealed class MetricsTests
{
    private const string Flaky = "obs/flaky";

    [Fact]
    public async Task AKnownWorkloadGivesExactCounts()
    {
        using var metrics = new MetricRecorder("Broker");
        await using var broker = new TestBroker();
        var channel = broker.Get<IFlakyChannel>();
        // Order 1 succeeds at once, order 2 on its second delivery, order 3 never: with two attempts it is dead-lettered.
        await using var subscription = await channel.ConsumeAsync((message, _) =>
            message.Data.Number == 3 || (message.Data.Number == 2 && message.Tries == 1)
                ? throw new InvalidOperationException("refused")
                : ValueTask.CompletedTask);

        for (var i = 1; i <= 3; i++)
            await channel.ProduceAsync(new Order(i, "c" + i));

        // Five deliveries, each settled once: two completes and three fails.
        await metrics.WaitForAsync("messaging.client.operation.duration", Flaky, count: 3 + 5);
        await metrics.WaitForAsync("broker.client.dead_lettered", Flaky, count: 1);

        var sent = metrics.Of("messaging.client.sent.messages", Flaky);
        Assert.Equal(3, sent.Sum(m => m.Value));
        Assert.All(sent, m =>
        {
            Assert.Equal("{message}", m.Unit);
            Assert.Equal("broker", m.Tag("messaging.system"));
            Assert.Equal("send", m.Tag("messaging.operation.name"));
            Assert.Null(m.Tag("error.type"));
        });

        var operations = metrics.Of("messaging.client.operation.duration", Flaky);
        Assert.All(operations, m => Assert.Equal("s", m.Unit));
        Assert.Equal(3, operations.Count(m => m.Tag("messaging.operation.type") == "send"));
        Assert.Equal(2, operations.Count(m => m.Tag("messaging.operation.type") == "settle" && m.Tag("messaging.operation.name") == "complete"));
        Assert.Equal(3, operations.Count(m => m.Tag("messaging.operation.type") == "settle" && m.Tag("messaging.operation.name") == "fail"));

        Assert.Equal(5, metrics.Of("messaging.client.consumed.messages", Flaky).Sum(m => m.Value));
        var processed = metrics.Of("messaging.process.duration", Flaky);
        Assert.Equal(5, processed.Count);
        Assert.Equal(3, processed.Count(m => m.Tag("error.type") == "System.InvalidOperationException"));
        Assert.All(processed, m => Assert.True(m.Value >= 0));

        Assert.Equal(2, metrics.Of("broker.client.retried", Flaky).Sum(m => m.Value));
        Assert.Equal(1, metrics.Of("broker.client.dead_lettered", Flaky).Sum(m => m.Value));
        Assert.Empty(metrics.Of("broker.client.lease_lost", Flaky));

        var active = metrics.Of("broker.client.handlers.active", Flaky);
        Assert.Equal(10, active.Count);
        Assert.Equal(0, active.Sum(m => m.Value));
    }

    [Fact]
    public async Task AFailedProduceIsCountedWithItsErrorType()
    {
        using var metrics = new MetricRecorder("Broker");
        await using var broker = new TestBroker();
        var channel = broker.Get<IOrderChannel>();

        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await channel.ProduceAsync(new Order(1, new string('x', 2 * 1024 * 1024))));

        var sent = Assert.Single(metrics.Of("messaging.client.sent.messages", "obs/orders"));
        Assert.Equal(1, sent.Value);
        Assert.Equal("System.ArgumentException", sent.Tag("error.type"));
    }
}
