using System.Collections.Concurrent;
using System.Diagnostics;

namespace Broker.Conformance;

/// <summary>
/// A trace crosses every adapter: the trace context rides in the message's headers, so the process span of the
/// handler is the child of the send span of the produce, whatever carries the message between them.
/// </summary>
public abstract class TracingConformance(IBrokerFixture fixture)
{
    private const string RequestSource = "Broker.Conformance.Request";

    [Fact]
    public async Task TheProcessSpanIsTheChildOfTheSendSpan()
    {
        using var requests = new ActivitySource(RequestSource);
        var spans = new ConcurrentQueue<Activity>();
        var processed = new TaskCompletionSource<Activity>(TaskCreationOptions.RunContinuationsAsynchronously);
        var trace = default(ActivityTraceId);
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Broker" or RequestSource,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                // Other tests of this assembly may be producing at the same time: only this test's trace counts.
                if (a.TraceId != trace) return;
                spans.Enqueue(a);
                if (a.Kind == ActivityKind.Consumer) processed.TrySetResult(a);
            },
        };
        ActivitySource.AddActivityListener(listener);
        await using var broker = await BrokerUnderTest.StartAsync(fixture);
        var channel = broker.Channel<IUserChannel>();
        var recorder = await broker.RecordAsync(channel);

        ProduceResult produced;
        using (var request = requests.StartActivity("request", ActivityKind.Server)!)
        {
            trace = request.TraceId;
            produced = await channel.ProduceAsync(new User(1, "traced"));
        }
        await recorder.WaitForAsync(1);
        var process = await processed.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var send = Assert.Single(spans, a => a.Kind == ActivityKind.Producer);
        Assert.Equal("send user/registered", send.DisplayName);
        Assert.Equal("process user/registered", process.DisplayName);
        Assert.Equal(send.SpanId, process.ParentSpanId);
        Assert.Equal(produced.MessageId.ToString(System.Globalization.CultureInfo.InvariantCulture), process.GetTagItem("messaging.message.id"));
        Assert.Equal(1, process.GetTagItem("messaging.broker.message.delivery_count"));
        Assert.Equal("completed", process.GetTagItem("messaging.broker.settle.outcome"));
    }
}
