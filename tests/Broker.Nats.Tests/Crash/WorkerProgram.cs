using System.Globalization;
using Broker.Transport;

namespace Broker.Nats.Tests.Crash;

/// <summary>
/// The entry point of this test assembly when it runs as a process of its own: a worker that takes one message,
/// reports it on stdout and then holds it, renewing its lease like a live handler, so a test can kill it with SIGKILL
/// (or freeze it with SIGSTOP) mid-message. With <c>complete-on-stdin</c> it completes the message when a line arrives
/// on stdin and prints the outcome; with <c>keyed-complete-each</c> it subscribes to an ordered channel and completes every
/// message at once, printing each delivery and outcome. (The test runner never calls it: it loads the assembly and runs
/// the tests.)
/// </summary>
public static class WorkerProgram
{
    public const string Command = "hanging-worker";

    /// <summary>The ack wait argument that leaves <see cref="NatsTransportOptions.AckWait"/> at its default.</summary>
    public const string DefaultAckWait = "default";

    /// <summary>The mode in which a line on stdin completes the held message.</summary>
    public const string CompleteOnStdin = "complete-on-stdin";

    /// <summary>The mode in which the worker consumes an ordered channel, completing every message as it comes.</summary>
    public const string KeyedCompleteEach = "keyed-complete-each";

    public static async Task<int> Main(string[] args)
    {
        if (args.Length is < 5 or > 6 || args[0] != Command)
        {
            await Console.Error.WriteLineAsync($"usage: {Command} <url> <prefix> <channel> <ack wait seconds | {DefaultAckWait}> [{CompleteOnStdin} | {KeyedCompleteEach}]");
            return 2;
        }
        var options = new NatsTransportOptions
        {
            Url = args[1],
            Prefix = args[2],
            PollInterval = TimeSpan.FromMilliseconds(100),
        };
        if (args[4] != DefaultAckWait)
            options.AckWait = TimeSpan.FromSeconds(double.Parse(args[4], CultureInfo.InvariantCulture));
        await using var transport = new NatsQueueTransport(options);
        if (args.Length == 6 && args[5] == KeyedCompleteEach)
            return await CompleteEachAsync(transport, new ChannelDefinition(args[3], ordered: true));
        var subscription = await transport.SubscribeAsync(new ChannelDefinition(args[3]), new SubscriptionSettings(1, TimeSpan.FromMinutes(10)), CancellationToken.None);
        await Console.Out.WriteLineAsync("SUBSCRIBED");
        await Console.Out.FlushAsync();
        var delivery = await subscription.Deliveries.ReadAsync();
        await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"DELIVERED {delivery.Id} {delivery.Tries}"));
        await Console.Out.FlushAsync();
        if (args.Length == 6 && args[5] == CompleteOnStdin)
        {
            // Held without renewing: the subscription's own lease (10 minutes) stays valid, and its maintenance keeps
            // the server's ack wait alive, until the test freezes the whole process.
            await Console.In.ReadLineAsync();
            var outcome = await subscription.CompleteAsync(delivery, CancellationToken.None);
            await Console.Out.WriteLineAsync($"OUTCOME {outcome}");
            await Console.Out.FlushAsync();
            await subscription.DisposeAsync();
            return 0;
        }
        // Mid-message: renew like a live handler would, until the test kills the process.
        while (true)
        {
            await Task.Delay(TimeSpan.FromSeconds(0.5));
            await subscription.RenewAsync(delivery, CancellationToken.None);
        }
    }

    private static async Task<int> CompleteEachAsync(NatsQueueTransport transport, ChannelDefinition channel)
    {
        var subscription = await transport.SubscribeAsync(channel, new SubscriptionSettings(1, TimeSpan.FromMinutes(10)), CancellationToken.None);
        await Console.Out.WriteLineAsync("SUBSCRIBED");
        await Console.Out.FlushAsync();
        await foreach (var delivery in subscription.Deliveries.ReadAllAsync())
        {
            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"DELIVERED {delivery.Id} {delivery.Tries}"));
            var outcome = await subscription.CompleteAsync(delivery, CancellationToken.None);
            await Console.Out.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"OUTCOME {delivery.Id} {outcome}"));
            await Console.Out.FlushAsync();
        }
        return 0;
    }
}
