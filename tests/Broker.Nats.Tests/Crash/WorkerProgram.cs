using System.Globalization;
using Broker.Transport;

namespace Broker.Nats.Tests.Crash;

/// <summary>
/// The entry point of this test assembly when it runs as a process of its own: a worker that takes one message,
/// reports it on stdout and then hangs, so a test can kill it with SIGKILL mid-message. (The test runner never calls
/// it: it loads the assembly and runs the tests.)
/// </summary>
public static class WorkerProgram
{
    public const string Command = "hanging-worker";

    public static async Task<int> Main(string[] args)
    {
        if (args.Length != 5 || args[0] != Command)
        {
            await Console.Error.WriteLineAsync($"usage: {Command} <url> <prefix> <channel> <ack wait seconds>");
            return 2;
        }
        var options = new NatsTransportOptions
        {
            Url = args[1],
            Prefix = args[2],
            AckWait = TimeSpan.FromSeconds(double.Parse(args[4], CultureInfo.InvariantCulture)),
            PollInterval = TimeSpan.FromMilliseconds(100),
        };
        await using var transport = new NatsQueueTransport(options);
        var subscription = await transport.SubscribeAsync(new ChannelDefinition(args[3]), new SubscriptionSettings(1, TimeSpan.FromMinutes(10)), CancellationToken.None);
        await Console.Out.WriteLineAsync("SUBSCRIBED");
        await Console.Out.FlushAsync();
        var delivery = await subscription.Deliveries.ReadAsync();
        await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"DELIVERED {delivery.Id} {delivery.Tries}"));
        await Console.Out.FlushAsync();
        // Mid-message: renew like a live handler would, until the test kills the process.
        while (true)
        {
            await Task.Delay(TimeSpan.FromSeconds(0.5));
            await subscription.RenewAsync(delivery, CancellationToken.None);
        }
    }
}
