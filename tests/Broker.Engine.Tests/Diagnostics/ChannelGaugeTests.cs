using Broker.Engine.Tests.Support;
using static Broker.Engine.Tests.Support.EngineHarness;

namespace Broker.Engine.Tests.Diagnostics;

/// <summary>The engine's per-channel gauges on the Broker.Engine meter: exact counts, and nothing left once it is disposed.</summary>
public sealed class ChannelGaugeTests
{
    private static readonly string[] Gauges = ["broker.channel.ready", "broker.channel.delayed", "broker.channel.in_flight", "broker.channel.dead_letters"];

    [Fact]
    public async Task GaugesCountReadyDelayedLeasedAndDeadLetteredMessagesOfEachChannel()
    {
        await using var h = new EngineHarness();
        using var capture = new MeterCapture(h.Engine.Meter);
        var orders = Channel("orders");
        var invoices = Channel("invoices");
        for (var i = 0; i < 4; i++)
            await h.Produce(orders, $"order {i}");
        await h.Produce(orders, "later", delay: TimeSpan.FromHours(1));
        await h.Produce(invoices, "invoice");
        // Credit 2: two leased; one of them dead-lettered, which frees its credit for a third.
        var worker = await h.Subscribe(orders, maxParallel: 2);
        var first = Drain(worker);
        Assert.Equal(2, first.Count);
        Assert.Equal(SettleOutcome.DeadLettered, await worker.FailAsync(first[0], FailureKind.Permanent, "poison", default));

        var collected = capture.Collect();

        Assert.Equal(1, MeterCapture.Value(collected, "broker.channel.ready", "orders"));
        Assert.Equal(1, MeterCapture.Value(collected, "broker.channel.delayed", "orders"));
        Assert.Equal(2, MeterCapture.Value(collected, "broker.channel.in_flight", "orders"));
        Assert.Equal(1, MeterCapture.Value(collected, "broker.channel.dead_letters", "orders"));
        Assert.Equal(1, MeterCapture.Value(collected, "broker.channel.ready", "invoices"));
        Assert.Equal(0, MeterCapture.Value(collected, "broker.channel.in_flight", "invoices"));
        // What GetStats reports, the gauges report.
        var stats = h.Engine.GetStats("orders");
        Assert.Equal((1, 1, 2, 1), (stats.Ready, stats.Delayed, stats.Leased, stats.DeadLettered));
        Assert.All(collected, r => Assert.Equal(("{message}", 1), (r.Unit, r.TagCount)));
        Assert.Equal(Gauges.Length * 2, collected.Count);
    }

    [Fact]
    public async Task AForgottenChannelLeavesTheGauges()
    {
        await using var h = new EngineHarness();
        using var capture = new MeterCapture(h.Engine.Meter);
        var orders = Channel("orders");
        await h.Produce(orders, "once");
        var worker = await h.Subscribe(orders);
        Assert.Equal(SettleOutcome.Completed, await worker.CompleteAsync(Single(worker), default));
        Assert.Single(capture.Collect(), r => r.Instrument == "broker.channel.in_flight");

        await worker.DisposeAsync();

        Assert.False(h.Engine.Holds("orders"));
        Assert.Empty(capture.Collect());
    }

    [Fact]
    public async Task DisposingTheEngineRemovesItsInstrumentsAndCallbacks()
    {
        var h = new EngineHarness();
        using var capture = new MeterCapture(h.Engine.Meter);
        await h.Produce(Channel("orders"), "left behind");
        Assert.Equal(Gauges.Order(), capture.Published.Order());
        Assert.NotEmpty(capture.Collect());

        await h.DisposeAsync();

        Assert.Equal(Gauges.Order(), capture.Completed.Order());
        Assert.Empty(capture.Collect());
    }
}
