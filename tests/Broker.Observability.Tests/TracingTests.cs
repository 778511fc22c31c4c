using System.Diagnostics;

namespace Broker.Observability.Tests;

public sealed class TracingTests
{
    [Fact]
    public async Task AProcessSpanContinuesTheTraceOfItsSendSpan()
    {
        using var spans = new SpanRecorder();
        await using var broker = new TestBroker();
        var channel = broker.Get<IOrderChannel>();
        var inHandler = new TaskCompletionSource<Activity?>();
        await using var subscription = await channel.ConsumeAsync((_, _) =>
        {
            inHandler.TrySetResult(Activity.Current);
            return ValueTask.CompletedTask;
        });

        ProduceResult produced;
        ActivityContext request;
        using (var http = SpanRecorder.Http.StartActivity("GET /orders", ActivityKind.Server)!)
        {
            request = http.Context;
            produced = await channel.ProduceAsync(new Order(1, "ada"));
        }
        var current = await inHandler.Task.WaitAsync(TestBroker.Generous);

        var send = Assert.Single(await spans.WaitForAsync(a => a.DisplayName == "send obs/orders"));
        var process = Assert.Single(await spans.WaitForAsync(a => a.DisplayName == "process obs/orders"));

        Assert.Equal(ActivityKind.Producer, send.Kind);
        Assert.Equal(request.TraceId, send.TraceId);
        Assert.Equal(request.SpanId, send.ParentSpanId);
        Assert.Equal("broker", send.GetTagItem("messaging.system"));
        Assert.Equal("obs/orders", send.GetTagItem("messaging.destination.name"));
        Assert.Equal("send", send.GetTagItem("messaging.operation.type"));
        Assert.Equal("send", send.GetTagItem("messaging.operation.name"));
        Assert.Equal(produced.MessageId.ToString(System.Globalization.CultureInfo.InvariantCulture), send.GetTagItem("messaging.message.id"));
        Assert.True((int)send.GetTagItem("messaging.message.body.size")! > 0);
        Assert.Equal(ActivityStatusCode.Unset, send.Status);

        // One trace from the request to the handler: the process span's parent is the send span, and it links to it.
        Assert.Equal(ActivityKind.Consumer, process.Kind);
        Assert.Equal(send.TraceId, process.TraceId);
        Assert.Equal(send.SpanId, process.ParentSpanId);
        var link = Assert.Single(process.Links);
        Assert.Equal(send.Context.TraceId, link.Context.TraceId);
        Assert.Equal(send.Context.SpanId, link.Context.SpanId);
        Assert.Equal("broker", process.GetTagItem("messaging.system"));
        Assert.Equal("obs/orders", process.GetTagItem("messaging.destination.name"));
        Assert.Equal("process", process.GetTagItem("messaging.operation.type"));
        Assert.Equal("process", process.GetTagItem("messaging.operation.name"));
        Assert.Equal(send.GetTagItem("messaging.message.id"), process.GetTagItem("messaging.message.id"));
        Assert.Equal(1, process.GetTagItem("messaging.broker.message.delivery_count"));
        Assert.Equal("completed", process.GetTagItem("messaging.broker.settle.outcome"));
        Assert.Equal(ActivityStatusCode.Unset, process.Status);

        // The handler runs inside its process span, so what it calls (HTTP, a database) joins the trace.
        Assert.Same(process, current);
    }

    [Fact]
    public async Task AFailedAttemptMarksItsSpanWithTheErrorAndTheRetryJoinsTheSameTrace()
    {
        using var spans = new SpanRecorder();
        await using var broker = new TestBroker();
        var channel = broker.Get<IFlakyChannel>();
        await using var subscription = await channel.ConsumeAsync((message, _) =>
            message.Tries == 1 ? throw new InvalidOperationException("database down") : ValueTask.CompletedTask);

        await channel.ProduceAsync(new Order(7, "grace"));

        var attempts = await spans.WaitForAsync(a => a.DisplayName == "process obs/flaky", count: 2);
        var send = Assert.Single(spans.Stopped, a => a.DisplayName == "send obs/flaky");
        var failed = Assert.Single(attempts, a => (int)a.GetTagItem("messaging.broker.message.delivery_count")! == 1);
        var retried = Assert.Single(attempts, a => (int)a.GetTagItem("messaging.broker.message.delivery_count")! == 2);

        Assert.Equal(ActivityStatusCode.Error, failed.Status);
        Assert.Equal("database down", failed.StatusDescription);
        Assert.Equal("System.InvalidOperationException", failed.GetTagItem("error.type"));
        Assert.Equal("retrying", failed.GetTagItem("messaging.broker.settle.outcome"));
        var exception = Assert.Single(failed.Events, e => e.Name == "exception");
        Assert.Contains(exception.Tags, t => t.Key == "exception.message" && (string?)t.Value == "database down");

        Assert.Equal(ActivityStatusCode.Unset, retried.Status);
        Assert.Equal("completed", retried.GetTagItem("messaging.broker.settle.outcome"));
        Assert.All(attempts, a => Assert.Equal(send.SpanId, a.ParentSpanId));
    }

    [Fact]
    public async Task AProduceThatFailsEndsItsSpanWithTheError()
    {
        using var spans = new SpanRecorder();
        await using var broker = new TestBroker();
        var channel = broker.Get<IOrderChannel>();

        // Over the in-memory broker's 1 MiB message limit: refused before anything is stored.
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await channel.ProduceAsync(new Order(1, new string('x', 2 * 1024 * 1024))));

        var send = Assert.Single(await spans.WaitForAsync(a => a.DisplayName == "send obs/orders"));
        Assert.Equal(ActivityStatusCode.Error, send.Status);
        Assert.StartsWith("System.", (string)send.GetTagItem("error.type")!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheMessageCarriesW3CTraceContextBesideTheCallersHeaders()
    {
        using var spans = new SpanRecorder();
        await using var broker = new TestBroker();
        var channel = broker.Get<IOrderChannel>();
        var received = new TaskCompletionSource<QueueMessage<Order>>();
        await using var subscription = await channel.ConsumeAsync((m, _) => { received.TrySetResult(m); return ValueTask.CompletedTask; });

        await channel.ProduceAsync(new Order(2, "linus"), new ProduceOptions { Headers = new Dictionary<string, string> { ["tenant"] = "acme" } });

        var message = await received.Task.WaitAsync(TestBroker.Generous);
        var send = Assert.Single(await spans.WaitForAsync(a => a.DisplayName == "send obs/orders"));
        Assert.Equal("acme", message.Headers["tenant"]);
        Assert.Equal($"00-{send.TraceId}-{send.SpanId}-01", message.Headers["traceparent"]);
    }

    [Fact]
    public async Task ATraceparentTheCallerSetsIsKept()
    {
        using var spans = new SpanRecorder();
        await using var broker = new TestBroker();
        var channel = broker.Get<IOrderChannel>();
        var received = new TaskCompletionSource<QueueMessage<Order>>();
        await using var subscription = await channel.ConsumeAsync((m, _) => { received.TrySetResult(m); return ValueTask.CompletedTask; });
        const string Forwarded = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        await channel.ProduceAsync(new Order(3, "ken"), new ProduceOptions { Headers = new Dictionary<string, string> { ["traceparent"] = Forwarded } });

        var message = await received.Task.WaitAsync(TestBroker.Generous);
        Assert.Equal(Forwarded, message.Headers["traceparent"]);
        var process = Assert.Single(await spans.WaitForAsync(a => a.DisplayName == "process obs/orders"));
        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", process.TraceId.ToHexString());
        Assert.Equal("00f067aa0ba902b7", process.ParentSpanId.ToHexString());
    }

    [Fact]
    public async Task BaggageTravelsWithTheMessage()
    {
        using var spans = new SpanRecorder();
        await using var broker = new TestBroker();
        var channel = broker.Get<IOrderChannel>();
        var baggage = new TaskCompletionSource<string?>();
        await using var subscription = await channel.ConsumeAsync((_, _) =>
        {
            baggage.TrySetResult(Activity.Current?.GetBaggageItem("customer.tier"));
            return ValueTask.CompletedTask;
        });

        using (var http = SpanRecorder.Http.StartActivity("POST /orders", ActivityKind.Server)!)
        {
            http.AddBaggage("customer.tier", "gold");
            await channel.ProduceAsync(new Order(4, "barbara"));
        }

        Assert.Equal("gold", await baggage.Task.WaitAsync(TestBroker.Generous));
    }

    [Fact]
    public async Task WithNoListenerOnBrokerTheCurrentSpanIsStillCarriedAndNoSpanIsMade()
    {
        // Only the tests' "HTTP" source is listened to: Broker's source has no listener, as in an application that
        // traces its HTTP requests but did not add Broker's instrumentation.
        using var http = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Broker.Observability.Tests.Http",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(http);
        await using var broker = new TestBroker();
        var channel = broker.Get<IOrderChannel>();
        var received = new TaskCompletionSource<(QueueMessage<Order> Message, Activity? Current)>();
        await using var subscription = await channel.ConsumeAsync((m, _) => { received.TrySetResult((m, Activity.Current)); return ValueTask.CompletedTask; });

        string expected;
        using (var request = SpanRecorder.Http.StartActivity("GET /", ActivityKind.Server)!)
        {
            expected = $"00-{request.TraceId}-{request.SpanId}-01";
            await channel.ProduceAsync(new Order(5, "edsger"));
        }

        var (message, current) = await received.Task.WaitAsync(TestBroker.Generous);
        Assert.Equal(expected, message.Headers["traceparent"]);
        Assert.Null(current);
    }

    [Fact]
    public async Task TheSpanCurrentWhenConsumingStartedIsNoParentOfProcessSpans()
    {
        using var spans = new SpanRecorder();
        await using var broker = new TestBroker();
        var channel = broker.Get<IOrderChannel>();
        var handled = new TaskCompletionSource();
        IQueueSubscription subscription;
        using (SpanRecorder.Http.StartActivity("host start-up"))
            subscription = await channel.ConsumeAsync((_, _) => { handled.TrySetResult(); return ValueTask.CompletedTask; });
        await using (subscription)
        {
            await channel.ProduceAsync(new Order(6, "tony"));
            await handled.Task.WaitAsync(TestBroker.Generous);
        }

        var send = Assert.Single(spans.Stopped, a => a.DisplayName == "send obs/orders");
        var process = Assert.Single(await spans.WaitForAsync(a => a.DisplayName == "process obs/orders"));
        Assert.Equal(send.SpanId, process.ParentSpanId);
    }
}
