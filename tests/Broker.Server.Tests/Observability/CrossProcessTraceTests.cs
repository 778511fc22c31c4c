using System.Collections.Concurrent;
using System.Diagnostics;
using Broker.Server.Tests.Crash;
using Broker.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Server.Tests.Observability;

/// <summary>
/// One trace across three processes: this test produces through a real <c>broker-server</c> process, and a worker in a
/// process of its own handles the message. The worker's process span must continue the trace of this process's
/// send span, which continues the "HTTP request" the produce happened under.
/// </summary>
[Collection(Serial.Name)]
public sealed class CrossProcessTraceTests
{
    private static readonly ActivitySource Http = new("Broker.Server.Tests.Http");

    [Fact]
    public async Task AWorkerInAnotherProcessContinuesTheProducersTrace()
    {
        using var data = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(data.Path);
        await using var worker = ChildProcess.Start("Broker.Server.Tests.dll", ["traced-worker", server.Address]);
        await worker.WaitForLineAsync("READY");

        var sends = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Broker" or "Broker.Server.Tests.Http",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.DisplayName == "send trace/orders")
                    sends.Enqueue(a);
            },
        };
        ActivitySource.AddActivityListener(listener);
        var services = new ServiceCollection();
        services.AddBroker(b => b.UseServer(server.Address)).AddChannels();
        await using var provider = services.BuildServiceProvider();
        var channel = provider.GetRequiredService<ITracedOrders>();

        ActivityContext request;
        ProduceResult produced;
        using (var http = Http.StartActivity("POST /orders", ActivityKind.Server)!)
        {
            request = http.Context;
            produced = await channel.ProduceAsync(new TracedOrder(1));
        }

        var line = await worker.WaitForLineAsync("SPAN ");
        var fields = line.Split(' ');
        var send = Assert.Single(sends);
        Assert.Equal(request.TraceId, send.TraceId);
        Assert.Equal(request.SpanId, send.ParentSpanId);
        Assert.Equal(send.TraceId.ToHexString(), fields[1]);
        Assert.Equal(send.SpanId.ToHexString(), fields[3]);
        Assert.Equal(nameof(ActivityKind.Consumer), fields[4]);
        Assert.Equal("process", fields[5]);
        Assert.Equal("trace/orders", fields[6]);
        Assert.Equal(produced.MessageId.ToString(System.Globalization.CultureInfo.InvariantCulture), fields[7]);
        Assert.Equal("1", fields[8]);
    }
}
