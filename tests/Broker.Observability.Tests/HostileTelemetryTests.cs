using System.Diagnostics;

namespace Broker.Observability.Tests;

/// <summary>
/// Telemetry never costs a message: a propagator or a listener that throws, and trace headers a hostile producer
/// wrote, leave produces and deliveries as they would be with nothing listening.
/// </summary>
public sealed class HostileTelemetryTests
{
    [Fact]
    public async Task APropagatorThatThrowsFailsNeitherTheProduceNorTheDelivery()
    {
        var original = DistributedContextPropagator.Current;
        DistributedContextPropagator.Current = new ThrowingPropagator();
        try
        {
            using var spans = new SpanRecorder();
            await using var broker = new TestBroker();
            var channel = broker.Get<IOrderChannel>();
            var received = new TaskCompletionSource<QueueMessage<Order>>();
            await using var subscription = await channel.ConsumeAsync((m, _) => { received.TrySetResult(m); return ValueTask.CompletedTask; });

            // The caller's traceparent reaches the consumer, whose propagator then throws reading it.
            var produced = await channel.ProduceAsync(new Order(1, "ada"), new ProduceOptions
            {
                Headers = new Dictionary<string, string> { ["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" },
            });

            var message = await received.Task.WaitAsync(TestBroker.Generous);
            Assert.Equal(produced.MessageId, message.Id);
            Assert.Equal(1, message.Tries);
            var process = Assert.Single(await spans.WaitForAsync(a => a.DisplayName == "process obs/orders"));
            Assert.Equal(default, process.ParentSpanId);
            Assert.Equal("completed", process.GetTagItem("messaging.broker.settle.outcome"));
        }
        finally
        {
            DistributedContextPropagator.Current = original;
        }
    }

    [Fact]
    public async Task AListenerThatThrowsFailsNeitherTheProduceNorTheDelivery()
    {
        using var throwing = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Broker",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = _ => throw new InvalidOperationException("exporter bug at start"),
            ActivityStopped = _ => throw new InvalidOperationException("exporter bug at stop"),
        };
        ActivitySource.AddActivityListener(throwing);
        await using var broker = new TestBroker();
        var channel = broker.Get<IOrderChannel>();
        var received = new TaskCompletionSource<QueueMessage<Order>>();
        await using var subscription = await channel.ConsumeAsync((m, _) => { received.TrySetResult(m); return ValueTask.CompletedTask; });

        var produced = await channel.ProduceAsync(new Order(2, "grace"));

        var message = await received.Task.WaitAsync(TestBroker.Generous);
        Assert.Equal(produced.MessageId, message.Id);
        Assert.Equal(1, message.Tries);
    }

    [Fact]
    public async Task AProducersBaggageIsKeptWithinW3CsLimits()
    {
        using var spans = new SpanRecorder();
        await using var broker = new TestBroker();
        var channel = broker.Get<IOrderChannel>();
        var received = new TaskCompletionSource();
        await using var subscription = await channel.ConsumeAsync((_, _) => { received.TrySetResult(); return ValueTask.CompletedTask; });
        // About 15 KB of baggage, 3,900 entries: what the 16 KiB header limit lets a hostile producer write.
        var baggage = string.Join(',', Enumerable.Range(0, 3900).Select(i => "a=b"));

        await channel.ProduceAsync(new Order(3, "mallory"), new ProduceOptions
        {
            Headers = new Dictionary<string, string>
            {
                ["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                ["baggage"] = baggage,
            },
        });

        await received.Task.WaitAsync(TestBroker.Generous);
        var process = Assert.Single(await spans.WaitForAsync(a => a.DisplayName == "process obs/orders"));
        Assert.InRange(process.Baggage.Count(), 1, 180);
    }

    [Theory]
    [InlineData("00-zz-00f067aa0ba902b7-01")]
    [InlineData("00-00000000000000000000000000000000-0000000000000000-01")]
    [InlineData("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")]
    [InlineData("not a trace context at all")]
    public async Task AnInvalidTraceparentStartsATraceOfItsOwn(string traceparent)
    {
        using var spans = new SpanRecorder();
        await using var broker = new TestBroker();
        var channel = broker.Get<IOrderChannel>();
        var received = new TaskCompletionSource<QueueMessage<Order>>();
        await using var subscription = await channel.ConsumeAsync((m, _) => { received.TrySetResult(m); return ValueTask.CompletedTask; });

        await channel.ProduceAsync(new Order(4, "trudy"), new ProduceOptions { Headers = new Dictionary<string, string> { ["traceparent"] = traceparent } });

        Assert.Equal(1, (await received.Task.WaitAsync(TestBroker.Generous)).Tries);
        var process = Assert.Single(await spans.WaitForAsync(a => a.DisplayName == "process obs/orders"));
        Assert.Equal(default, process.ParentSpanId);
        Assert.Empty(process.Links);
    }

    private sealed class ThrowingPropagator : DistributedContextPropagator
    {
        public override IReadOnlyCollection<string> Fields => ["traceparent"];

        public override void Inject(Activity? activity, object? carrier, PropagatorSetterCallback? setter) =>
            throw new InvalidOperationException("propagator bug on inject");

        public override void ExtractTraceIdAndState(object? carrier, PropagatorGetterCallback? getter, out string? traceId, out string? traceState) =>
            throw new FormatException("propagator bug on extract");

        public override IEnumerable<KeyValuePair<string, string?>>? ExtractBaggage(object? carrier, PropagatorGetterCallback? getter) =>
            throw new FormatException("propagator bug on baggage");
    }
}
