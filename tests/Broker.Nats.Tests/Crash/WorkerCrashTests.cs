using System.Diagnostics;
using System.Globalization;
using Broker.Nats.Tests.Infrastructure;
using Broker.Transport;
using Xunit.Abstractions;

namespace Broker.Nats.Tests.Crash;

/// <summary>
/// A worker process killed mid-message: its message goes to another worker once the server's ack wait passes, within 5
/// seconds with the default options; and a worker frozen past the ack wait cannot complete a message it lost.
/// </summary>
public sealed class WorkerCrashTests(NatsFixture fixture, ITestOutputHelper output) : IClassFixture<NatsFixture>
{
    [NatsFact]
    public async Task AKilledWorkersMessageIsRedeliveredToAnotherWorkerAfterTheAckWait()
    {
        var ackWait = TimeSpan.FromSeconds(3);
        var options = fixture.Options(o => o.AckWait = ackWait);
        var channel = new ChannelDefinition("jobs/render");
        await using var transport = new NatsQueueTransport(options);
        await using var worker = WorkerProcess.Start(options.Url, options.Prefix, channel.Name, ackWait);
        await worker.WaitForLineAsync("SUBSCRIBED", Waits.Generous);

        var produced = await transport.ProduceAsync(Payloads.Message(channel, "frame 1"), CancellationToken.None);
        var delivered = (await worker.WaitForLineAsync("DELIVERED", Waits.Generous)).Split(' ');
        Assert.Equal(produced.MessageId, long.Parse(delivered[1], CultureInfo.InvariantCulture));
        Assert.Equal("1", delivered[2]);
        // The other worker is already waiting while the first one is alive and renewing.
        await using var healthy = await transport.SubscribeAsync(channel, new SubscriptionSettings(1, TimeSpan.FromSeconds(30)), CancellationToken.None);

        await worker.KillAsync();
        var killedAt = Stopwatch.StartNew();
        var redelivered = await healthy.NextAsync();

        Assert.Equal(produced.MessageId, redelivered.Id);
        Assert.Equal(2, redelivered.Tries);
        Assert.Equal("frame 1", redelivered.Text());
        // The worker renewed every half second until it died, so the server waited out (nearly) a full ack wait.
        Assert.True(killedAt.Elapsed >= ackWait - TimeSpan.FromSeconds(1), $"Redelivered {killedAt.Elapsed} after the kill; the ack wait is {ackWait}.");
        Assert.Equal(SettleOutcome.Completed, await healthy.CompleteAsync(redelivered, CancellationToken.None));
    }

    [NatsFact]
    public async Task WithTheDefaultsAKilledWorkersMessageIsRedeliveredWithinFiveSeconds()
    {
        // The defaults' ack wait (3 s) plus the idle worker's poll (1 s) is the bound.
        var options = WithDefaults();
        var channel = new ChannelDefinition("jobs/default-crash");
        await using var transport = new NatsQueueTransport(options);
        await using var worker = WorkerProcess.StartWithDefaults(options.Url, options.Prefix, channel.Name);
        await worker.WaitForLineAsync("SUBSCRIBED", Waits.Generous);
        var produced = await transport.ProduceAsync(Payloads.Message(channel, "frame 1"), CancellationToken.None);
        await worker.WaitForLineAsync("DELIVERED", Waits.Generous);
        await using var healthy = await transport.SubscribeAsync(channel, new SubscriptionSettings(1, TimeSpan.FromSeconds(30)), CancellationToken.None);
        // Held for longer than the ack wait while alive: the worker's in-progress acks keep it from the healthy one.
        var early = healthy.Deliveries.ReadAsync().AsTask();
        Assert.NotSame(early, await Task.WhenAny(early, Task.Delay(options.AckWait * 2)));

        await worker.KillAsync();
        var killedAt = Stopwatch.StartNew();
        var redelivered = await early.WaitAsync(Waits.Generous);
        var took = killedAt.Elapsed;
        output.WriteLine($"Redelivered {took.TotalSeconds:0.00} s after the kill.");

        Assert.Equal(produced.MessageId, redelivered.Id);
        Assert.Equal(2, redelivered.Tries);
        Assert.True(took < TimeSpan.FromSeconds(5), $"Redelivered {took.TotalSeconds:0.00} s after the kill; the default bound is 5 s (ack wait {options.AckWait}, poll {options.PollInterval}).");
        Assert.Equal(SettleOutcome.Completed, await healthy.CompleteAsync(redelivered, CancellationToken.None));
    }

    [NatsFact]
    public async Task WithTheDefaultsAWorkerFrozenPastTheAckWaitCannotCompleteTheMessageItLost()
    {
        var options = WithDefaults();
        var channel = new ChannelDefinition("jobs/default-freeze");
        await using var transport = new NatsQueueTransport(options);
        await using var worker = WorkerProcess.StartWithDefaults(options.Url, options.Prefix, channel.Name, WorkerProgram.CompleteOnStdin);
        await worker.WaitForLineAsync("SUBSCRIBED", Waits.Generous);
        var produced = await transport.ProduceAsync(Payloads.Message(channel, "frame 1"), CancellationToken.None);
        await worker.WaitForLineAsync("DELIVERED", Waits.Generous);
        await using var healthy = await transport.SubscribeAsync(channel, new SubscriptionSettings(1, TimeSpan.FromSeconds(30)), CancellationToken.None);

        // A stalled machine: no in-progress acks go out, so the server gives the message to the healthy worker.
        worker.Signal(freeze: true);
        var redelivered = await healthy.NextAsync();
        Assert.Equal(produced.MessageId, redelivered.Id);
        Assert.Equal(2, redelivered.Tries);

        // Thawed, the first worker tries to complete what it no longer holds: its fence refuses, nothing is sent.
        worker.Signal(freeze: false);
        await worker.SendLineAsync("complete");
        Assert.Equal($"OUTCOME {SettleOutcome.LeaseLost}", await worker.WaitForLineAsync("OUTCOME", Waits.Generous));
        Assert.Equal(SettleOutcome.Completed, await healthy.CompleteAsync(redelivered, CancellationToken.None));
    }

    /// <summary>The fixture's server and an own prefix, with the default ack wait and poll interval (the fixture shortens the poll).</summary>
    private NatsTransportOptions WithDefaults()
    {
        var defaults = new NatsTransportOptions();
        return fixture.Options(o =>
        {
            o.AckWait = defaults.AckWait;
            o.PollInterval = defaults.PollInterval;
        });
    }
}
