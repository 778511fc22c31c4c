using System.Net;
using Broker.Server.Prometheus;
using Microsoft.Extensions.Time.Testing;

namespace Broker.Server.Tests.Unit;

/// <summary>
/// The metrics endpoint's connection slots: a few in all and fewer per source, a bounded line of connections waiting
/// for one, handed out in order to those whose source has room.
/// </summary>
public sealed class ConnectionGateTests
{
    private static readonly IPAddress A = IPAddress.Parse("10.0.0.1");
    private static readonly IPAddress B = IPAddress.Parse("10.0.0.2");
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task OneSourceTakesNoMoreThanItsShareAndTheNextWaitsForOneOfItsOwnToGo()
    {
        var time = new FakeTimeProvider();
        var gate = new ConnectionGate(maxConnections: 4, maxPerSource: 2, maxWaiting: 8, time);
        Assert.Equal(ConnectionGate.Refusal.None, await gate.EnterAsync(A, Wait, CancellationToken.None));
        Assert.Equal(ConnectionGate.Refusal.None, await gate.EnterAsync(A, Wait, CancellationToken.None));

        var third = gate.EnterAsync(A, Wait, CancellationToken.None).AsTask();
        // Another source is let in at once, ahead of the waiting one, which could not use its slot anyway.
        Assert.Equal(ConnectionGate.Refusal.None, await gate.EnterAsync(B, Wait, CancellationToken.None));
        Assert.False(third.IsCompleted);
        gate.Exit(B);
        Assert.False(third.IsCompleted);
        gate.Exit(A);

        Assert.Equal(ConnectionGate.Refusal.None, await third);
        Assert.Equal((2, 0), (gate.Open, gate.Waiting));
    }

    [Fact]
    public async Task AWaitThatFindsNoSlotInTimeIsRefusedSayingWhy()
    {
        var time = new FakeTimeProvider();
        var gate = new ConnectionGate(maxConnections: 2, maxPerSource: 1, maxWaiting: 8, time);
        await gate.EnterAsync(A, Wait, CancellationToken.None);
        await gate.EnterAsync(B, Wait, CancellationToken.None);

        var sourceFull = gate.EnterAsync(A, Wait, CancellationToken.None).AsTask();
        var full = gate.EnterAsync(IPAddress.Parse("10.0.0.3"), Wait, CancellationToken.None).AsTask();
        time.Advance(Wait);

        Assert.Equal(ConnectionGate.Refusal.SourceFull, await sourceFull);
        Assert.Equal(ConnectionGate.Refusal.Full, await full);
        Assert.Equal((2, 0), (gate.Open, gate.Waiting));
    }

    [Fact]
    public async Task TheLineIsBoundedAndAWaiterThatGoesAwayLeavesIt()
    {
        var time = new FakeTimeProvider();
        var gate = new ConnectionGate(maxConnections: 1, maxPerSource: 1, maxWaiting: 2, time);
        await gate.EnterAsync(A, Wait, CancellationToken.None);
        using var gone = new CancellationTokenSource();
        var first = gate.EnterAsync(B, Wait, gone.Token).AsTask();
        var second = gate.EnterAsync(B, Wait, CancellationToken.None).AsTask();

        // The line is full: refused at once.
        Assert.Equal(ConnectionGate.Refusal.Full, await gate.EnterAsync(B, Wait, CancellationToken.None));
        await gone.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        Assert.Equal(1, gate.Waiting);
        gate.Exit(A);

        Assert.Equal(ConnectionGate.Refusal.None, await second);
        Assert.Equal((1, 0), (gate.Open, gate.Waiting));
    }
}
