using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Broker.Observability.Tests;

/// <summary>AddBrokerInstrumentation on the OpenTelemetry SDK's builders, exported to memory.</summary>
public sealed class OpenTelemetrySdkTests
{
    [Fact]
    public async Task TheTracerProviderExportsTheSendAndProcessSpansOfOneTrace()
    {
        var exported = new List<Activity>();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddBrokerInstrumentation().AddInMemoryExporter(exported).Build()!;
        await using var broker = new TestBroker();
        var channel = broker.Get<IOrderChannel>();
        var handled = new TaskCompletionSource();
        await using (await channel.ConsumeAsync((_, _) => { handled.TrySetResult(); return ValueTask.CompletedTask; }))
        {
            await channel.ProduceAsync(new Order(1, "ada"));
            await handled.Task.WaitAsync(TestBroker.Generous);
        }
        Assert.True(tracing.ForceFlush());

        var send = Assert.Single(exported, a => a.DisplayName == "send obs/orders");
        var process = Assert.Single(exported, a => a.DisplayName == "process obs/orders");
        Assert.Equal(send.TraceId, process.TraceId);
        Assert.Equal(send.SpanId, process.ParentSpanId);
    }

    [Fact]
    public async Task TheMeterProviderExportsTheClientMetrics()
    {
        var exported = new List<Metric>();
        using var metering = Sdk.CreateMeterProviderBuilder().AddBrokerInstrumentation().AddInMemoryExporter(exported).Build()!;
        await using var broker = new TestBroker();
        var channel = broker.Get<IOrderChannel>();
        var handled = new TaskCompletionSource();
        await using (await channel.ConsumeAsync((_, _) => { handled.TrySetResult(); return ValueTask.CompletedTask; }))
        {
            await channel.ProduceAsync(new Order(1, "ada"));
            await channel.ProduceAsync(new Order(2, "grace"));
            await handled.Task.WaitAsync(TestBroker.Generous);
        }
        Assert.True(metering.ForceFlush());

        var names = exported.Select(m => m.Name).ToHashSet();
        Assert.Contains("messaging.client.sent.messages", names);
        Assert.Contains("messaging.client.consumed.messages", names);
        Assert.Contains("messaging.process.duration", names);
        Assert.Contains("messaging.client.operation.duration", names);
        Assert.Equal(2, SumOf(exported, "messaging.client.sent.messages", "obs/orders"));

        // The SDK honours the conventions' bucket advice for durations.
        var duration = exported.First(m => m.Name == "messaging.process.duration");
        foreach (ref readonly var point in duration.GetMetricPoints())
        {
            var bounds = new List<double>();
            foreach (var bucket in point.GetHistogramBuckets())
                bounds.Add(bucket.ExplicitBound);
            Assert.Equal([0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, double.PositiveInfinity], bounds);
        }
    }

    [Fact]
    public async Task TheMeterProviderExportsTheEnginesQueueGauges()
    {
        var exported = new List<Metric>();
        using var metering = Sdk.CreateMeterProviderBuilder().AddBrokerInstrumentation().AddInMemoryExporter(exported).Build()!;
        await using var broker = new TestBroker();
        var channel = broker.Get<IOrderChannel>();
        for (var i = 0; i < 3; i++)
            await channel.ProduceAsync(new Order(i, "backlog"));
        await channel.ProduceAsync(new Order(9, "later"), new ProduceOptions { Delay = TimeSpan.FromHours(1) });

        Assert.True(metering.ForceFlush());

        Assert.Equal(3, GaugeOf(exported, "broker.channel.ready", "obs/orders"));
        Assert.Equal(1, GaugeOf(exported, "broker.channel.delayed", "obs/orders"));
        Assert.Equal(0, GaugeOf(exported, "broker.channel.in_flight", "obs/orders"));
        Assert.Equal(0, GaugeOf(exported, "broker.channel.dead_letters", "obs/orders"));
    }

    private static long GaugeOf(List<Metric> metrics, string name, string channel)
    {
        foreach (var metric in metrics.Where(m => m.Name == name))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                foreach (var tag in point.Tags)
                {
                    if (tag.Key == "messaging.destination.name" && (string?)tag.Value == channel)
                        return point.GetGaugeLastValueLong();
                }
            }
        }
        throw new Xunit.Sdk.XunitException($"No {name} point for '{channel}' among {string.Join(", ", metrics.Select(m => m.Name).Distinct())}.");
    }

    private static long SumOf(List<Metric> metrics, string name, string channel)
    {
        long sum = 0;
        foreach (var metric in metrics.Where(m => m.Name == name))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                foreach (var tag in point.Tags)
                {
                    if (tag.Key == "messaging.destination.name" && (string?)tag.Value == channel)
                        sum += point.GetSumLong();
                }
            }
        }
        return sum;
    }
}
