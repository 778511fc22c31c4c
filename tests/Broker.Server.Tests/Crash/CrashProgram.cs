using System.Globalization;
using Broker.Client;
using Broker.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Server.Tests.Crash;

/// <summary>
/// The entry point of this test assembly when a crash test runs it as a process of its own (the test runner never
/// calls it). Modes:
/// <list type="bullet">
/// <item><c>worker &lt;address&gt; &lt;name&gt;</c>: consumes <see cref="ICrashJobs"/> through <c>UseServer</c>, printing
/// <c>START n tries</c> and <c>DONE n tries</c>; a victim's first delivery never finishes.</item>
/// <item><c>keyed-worker &lt;address&gt; &lt;name&gt;</c>: consumes <see cref="ICrashKeyedJobs"/> eight at a time, printing
/// <c>START key seq tries timestamp</c> and <c>DONE key seq tries timestamp</c> (<see cref="System.Diagnostics.Stopwatch"/>
/// ticks, one monotonic clock for every process of the machine); a victim's first delivery never finishes.</item>
/// <item><c>zombie &lt;address&gt; &lt;channel&gt; &lt;lease ms&gt;</c>: takes one delivery, prints <c>DELIVERED id tries</c>,
/// and completes it when told so on stdin, printing <c>SETTLED outcome</c>.</item>
/// <item><c>traced-worker &lt;address&gt;</c>: consumes <see cref="ITracedOrders"/> with Broker's activity source listened
/// to, printing each finished process span as <c>SPAN trace span parent kind name message-id delivery-count</c>.</item>
/// </list>
/// </summary>
public static class CrashProgram
{
    public static async Task<int> Main(string[] args)
    {
        switch (args)
        {
            case ["worker", var address, var name]:
                await RunWorkerAsync(address, name);
                return 0;
            case ["keyed-worker", var address, var name]:
                await RunKeyedWorkerAsync(address, name);
                return 0;
            case ["traced-worker", var address]:
                await RunTracedWorkerAsync(address);
                return 0;
            case ["zombie", var address, var channel, var lease]:
                await RunZombieAsync(address, channel, TimeSpan.FromMilliseconds(int.Parse(lease, CultureInfo.InvariantCulture)));
                return 0;
            default:
                await Console.Error.WriteLineAsync("usage: worker <address> <name> | zombie <address> <channel> <lease ms>");
                return 2;
        }
    }

    private static async Task RunWorkerAsync(string address, string name)
    {
        var services = new ServiceCollection();
        services.AddBroker(b => b.UseServer(address, o => o.ClientName = name)).AddChannels();
        await using var provider = services.BuildServiceProvider();
        var channel = provider.GetRequiredService<ICrashJobs>();
        await using var subscription = await channel.ConsumeAsync(async (message, cancellationToken) =>
        {
            Print($"START {message.Data.Number} {message.Tries}");
            if (message.Data.Victim && message.Tries == 1)
                await Task.Delay(Timeout.Infinite, cancellationToken);
            await Task.Delay(10, cancellationToken);
            Print($"DONE {message.Data.Number} {message.Tries}");
        });
        Print("READY");
        await Task.Delay(Timeout.Infinite);
    }

    private static async Task RunKeyedWorkerAsync(string address, string name)
    {
        var services = new ServiceCollection();
        services.AddBroker(b => b.UseServer(address, o => o.ClientName = name)).AddChannels();
        await using var provider = services.BuildServiceProvider();
        var channel = provider.GetRequiredService<ICrashKeyedJobs>();
        await using var subscription = await channel.ConsumeAsync(async (message, cancellationToken) =>
        {
            var job = message.Data;
            Print($"START {job.Key} {job.Seq} {message.Tries} {System.Diagnostics.Stopwatch.GetTimestamp()}");
            if (job.Victim && message.Tries == 1)
                await Task.Delay(Timeout.Infinite, cancellationToken);
            await Task.Delay(Random.Shared.Next(1, 10), cancellationToken);
            Print($"DONE {job.Key} {job.Seq} {message.Tries} {System.Diagnostics.Stopwatch.GetTimestamp()}");
        }, new ConsumeOptions { MaxParallel = 8 });
        Print("READY");
        await Task.Delay(Timeout.Infinite);
    }

    private static async Task RunZombieAsync(string address, string channel, TimeSpan lease)
    {
        await using var transport = new ServerQueueTransport(ServerAddress.Parse(address), new ServerClientOptions());
        await using var subscription = await transport.SubscribeAsync(new ChannelDefinition(channel), new SubscriptionSettings(1, lease), CancellationToken.None);
        Print("READY");
        var delivery = await subscription.Deliveries.ReadAsync();
        Print($"DELIVERED {delivery.Id} {delivery.Tries}");
        await Console.In.ReadLineAsync();
        var outcome = await subscription.CompleteAsync(delivery, CancellationToken.None);
        Print($"SETTLED {outcome}");
    }

    private static async Task RunTracedWorkerAsync(string address)
    {
        using var listener = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == Broker.Diagnostics.BrokerTelemetry.ActivitySourceName,
            Sample = static (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => Print(string.Join(' ', "SPAN", a.TraceId, a.SpanId, a.ParentSpanId, a.Kind, a.DisplayName,
                a.GetTagItem("messaging.message.id"), a.GetTagItem("messaging.broker.message.delivery_count"))),
        };
        System.Diagnostics.ActivitySource.AddActivityListener(listener);
        var services = new ServiceCollection();
        services.AddBroker(b => b.UseServer(address, o => o.ClientName = "traced-worker")).AddChannels();
        await using var provider = services.BuildServiceProvider();
        await using var subscription = await provider.GetRequiredService<ITracedOrders>().ConsumeAsync((_, _) => ValueTask.CompletedTask);
        Print("READY");
        await Task.Delay(Timeout.Infinite);
    }

    private static void Print(string line) => Console.Out.WriteLine(line);
}
