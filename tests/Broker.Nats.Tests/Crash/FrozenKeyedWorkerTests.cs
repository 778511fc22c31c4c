using System.Globalization;
using Broker.Nats.Naming;
using Broker.Nats.Tests.Infrastructure;
using Broker.Nats.Tests.Ordering;
using Broker.Transport;
using NATS.Client.Core;
using NATS.Client.JetStream;
using Xunit.Abstractions;

namespace Broker.Nats.Tests.Crash;

/// <summary>
/// A keyed message the server sent to a worker that was frozen (SIGSTOP) at that moment: the server gives it to
/// another worker after the ack wait, and the thawed worker, finding it in its socket buffer, must neither handle it
/// (one at a time per key) nor hand it back (a NAK would release the other worker's delivery).
/// </summary>
public sealed class FrozenKeyedWorkerTests(NatsFixture fixture, ITestOutputHelper output) : IClassFixture<NatsFixture>
{
    private const string Key = "order-1";

    [NatsFact]
    public async Task AKeyedMessageSentToAFrozenWorkerIsNotHandledThereOnceItThaws()
    {
        // The server sends the message to the frozen worker only if one of its partition requests was waiting at the
        // freeze; it almost always is (it asks again as soon as one expires), and a round where it was not says so by
        // the holder getting the message as its first delivery. Such a round proves nothing and is run again.
        for (var round = 1; round <= 4; round++)
        {
            if (await RunRoundAsync(round)) return;
            output.WriteLine($"Round {round}: the frozen worker had no request waiting; trying again.");
        }
        Assert.Fail("In 4 rounds the server never sent the keyed message to the frozen worker.");
    }

    /// <summary>One round on a channel of its own; false when the message never went to the frozen worker.</summary>
    private async Task<bool> RunRoundAsync(int round)
    {
        // The defaults' ack wait (3 s); the in-process holder polls fast (the fixture's), the worker with the defaults.
        var options = fixture.Options(o => o.AckWait = new NatsTransportOptions().AckWait);
        var channel = new ChannelDefinition("jobs/frozen-keyed-" + round.ToString(CultureInfo.InvariantCulture), ordered: true);
        await using var transport = new NatsQueueTransport(options);
        var holder = await transport.SubscribeAsync(channel, new SubscriptionSettings(1, TimeSpan.FromSeconds(30)), CancellationToken.None);
        await transport.ProduceAsync(channel, "first", Key);
        var first = await holder.NextAsync();

        await using var worker = WorkerProcess.StartWithDefaults(options.Url, options.Prefix, channel.Name, WorkerProgram.KeyedCompleteEach);
        await worker.WaitForLineAsync("SUBSCRIBED", Waits.Generous);
        var second = await transport.ProduceAsync(channel, "second", Key);
        // The head is out with the holder: the worker's request for the partition waits on the server.
        await using var connection = new NatsConnection(new NatsOpts { Url = options.Url });
        var consumer = await new NatsJSContext(connection).GetConsumerAsync(
            new ChannelNames(options.Prefix, channel.Name).WorkStream, ChannelNames.PartitionConsumer(KeyPartitions.Of(Key, options.OrderedPartitions)));
        await Waits.UntilAsync(async () =>
        {
            await consumer.RefreshAsync();
            return consumer.Info.NumWaiting > 0;
        }, "the worker's request for the partition");

        worker.Signal(freeze: true);
        Assert.Equal(SettleOutcome.Completed, await holder.CompleteAsync(first, CancellationToken.None));
        // Sent to the frozen worker, it comes to the holder after the worker's ack wait, as its second delivery.
        var redelivered = await holder.NextAsync();
        Assert.Equal(second.MessageId, redelivered.Id);
        if (redelivered.Tries == 1)
        {
            await holder.DisposeAsync();
            return false;
        }
        Assert.Equal(2, redelivered.Tries);

        // Thawed, the worker finds the message it was sent: it is the holder's now. Neither handling it nor handing it
        // back (which would release the holder's delivery to the worker, the only other puller) may follow while the
        // holder holds it, for as long as an ack wait.
        worker.Signal(freeze: false);
        var notStolen = await Record.ExceptionAsync(() => worker.WaitForLineAsync(string.Create(CultureInfo.InvariantCulture, $"DELIVERED {second.MessageId} "), options.AckWait));
        Assert.True(notStolen is not null, "The thawed worker was delivered the message the holder holds.");
        Assert.Equal(SettleOutcome.Completed, await holder.CompleteAsync(redelivered, CancellationToken.None));
        await holder.DisposeAsync();

        // The key's next message comes to the worker only after everything before it; by then it must not have handled
        // (or been handed again) the message the holder completed.
        var third = await transport.ProduceAsync(channel, "third", Key);
        var lines = await worker.ReadUntilAsync(string.Create(CultureInfo.InvariantCulture, $"OUTCOME {third.MessageId} {SettleOutcome.Completed}"), Waits.Generous);
        output.WriteLine(string.Join('\n', lines));
        Assert.DoesNotContain(lines, line => line.StartsWith(string.Create(CultureInfo.InvariantCulture, $"DELIVERED {second.MessageId} "), StringComparison.Ordinal));
        return true;
    }
}
