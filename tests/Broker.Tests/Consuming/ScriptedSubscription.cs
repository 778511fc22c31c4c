using System.Collections.Concurrent;
using System.Threading.Channels;
using Broker.Transport;

namespace Broker.Tests.Consuming;

/// <summary>A transport subscription the test feeds by hand and whose settle calls it records.</summary>
internal sealed class ScriptedSubscription : ITransportSubscription
{
    private readonly Channel<Delivery> _deliveries = Channel.CreateUnbounded<Delivery>();
    private readonly SemaphoreSlim _settled = new(0);
    private long _nextId;

    public ChannelReader<Delivery> Deliveries => _deliveries.Reader;

    public ConcurrentQueue<(string Call, long Id, string? Detail)> Settled { get; } = new();

    public ConcurrentQueue<long> Renewals { get; } = new();

    public bool RenewalsSucceed { get; set; } = true;

    public bool Disposed { get; private set; }

    public Delivery Push(byte[] payload)
    {
        var delivery = new Delivery("jobs", Interlocked.Increment(ref _nextId), payload, tries: 1, DateTimeOffset.UnixEpoch, priority: 0, leaseToken: _nextId);
        _deliveries.Writer.TryWrite(delivery);
        return delivery;
    }

    public async Task WaitForSettlesAsync(int count)
    {
        while (Settled.Count < count)
            Assert.True(await _settled.WaitAsync(TimeSpan.FromSeconds(30)), $"Expected {count} settle calls, saw {Settled.Count}.");
    }

    public ValueTask<SettleOutcome> CompleteAsync(Delivery delivery, CancellationToken cancellationToken) => Record("Complete", delivery, null, SettleOutcome.Completed);

    public ValueTask<SettleOutcome> FailAsync(Delivery delivery, FailureKind kind, string reason, CancellationToken cancellationToken) =>
        Record("Fail" + kind, delivery, reason, SettleOutcome.Retrying);

    public ValueTask<SettleOutcome> RetryAsync(Delivery delivery, TimeSpan delay, CancellationToken cancellationToken) =>
        Record("Retry", delivery, delay.ToString(), SettleOutcome.Retrying);

    public ValueTask<SettleOutcome> ReleaseAsync(Delivery delivery, CancellationToken cancellationToken) => Record("Release", delivery, null, SettleOutcome.Released);

    /// <summary>When set, answers renewals in its own time (a renewal that is still on its way, say).</summary>
    public Func<Delivery, Task<bool>>? RenewWith { get; set; }

    public ValueTask<bool> RenewAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        Renewals.Enqueue(delivery.Id);
        return RenewWith is { } renew ? new ValueTask<bool>(renew(delivery)) : ValueTask.FromResult(RenewalsSucceed);
    }

    public ValueTask StopDeliveriesAsync(CancellationToken cancellationToken)
    {
        _deliveries.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        _deliveries.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }

    private ValueTask<SettleOutcome> Record(string call, Delivery delivery, string? detail, SettleOutcome outcome)
    {
        Settled.Enqueue((call, delivery.Id, detail));
        _settled.Release();
        return ValueTask.FromResult(outcome);
    }
}
