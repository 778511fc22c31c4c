using System.Diagnostics;
using System.Globalization;
using Broker.Nats.Tests.Infrastructure;
using Broker.Transport;

namespace Broker.Nats.Tests.Crash;

/// <summary>A worker process killed mid-message: its message goes to another worker once the server's ack wait passes.</summary>
public sealed class WorkerCrashTests(NatsFixture fixture) : IClassFixture<NatsFixture>
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
}
