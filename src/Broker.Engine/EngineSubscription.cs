using System.Threading.Channels;
using Broker.Engine.Leases;
using Broker.Transport;

namespace Broker.Engine;

/// <summary>
/// A subscription to one channel of a <see cref="QueueEngine"/>. Deliveries come out of <see cref="Deliveries"/>, never
/// more than <see cref="SubscriptionSettings.MaxParallel"/> unsettled at a time; each is settled through this object.
/// Disposing it loses the leases of the deliveries it read (they are redelivered at once and count as attempts) and
/// hands back, uncounted, those it had not read yet.
/// </summary>
public sealed class EngineSubscription : ITransportSubscription
{
    private readonly ChannelQueue _queue;
    private readonly Channel<Delivery> _deliveries;

    internal EngineSubscription(ChannelQueue queue, SubscriptionSettings settings, PayloadReading reading = PayloadReading.Eager)
    {
        _queue = queue;
        Settings = settings;
        Reading = reading;
        _deliveries = System.Threading.Channels.Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions
        {
            SingleReader = false,
            SingleWriter = false,
            // Readers resume on the thread pool, never inside the engine call that wrote the delivery.
            AllowSynchronousContinuations = false,
        });
        Held = new HashSet<Lease>(Math.Min(settings.MaxParallel, 1024));
    }

    /// <summary>The channel name.</summary>
    public string Channel => _queue.Name;

    /// <summary>Credit and lease duration.</summary>
    public SubscriptionSettings Settings { get; }

    /// <inheritdoc />
    public ChannelReader<Delivery> Deliveries => _deliveries.Reader;

    /// <summary>Whether deliveries carry their payloads or are <see cref="DeferredDelivery"/>s read late.</summary>
    public PayloadReading Reading { get; }

    // The fields below are guarded by the channel queue's lock.
    internal HashSet<Lease> Held { get; }

    internal bool InCreditQueue { get; set; }

    internal bool Stopped { get; set; }

    internal bool Closed { get; set; }

    internal bool IsOpen => !Stopped && !Closed;

    internal bool HasCredit => Held.Count < Settings.MaxParallel;

    /// <inheritdoc />
    public ValueTask<SettleOutcome> CompleteAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return _queue.CompleteAsync(this, delivery);
    }

    /// <inheritdoc />
    public ValueTask<SettleOutcome> FailAsync(Delivery delivery, FailureKind kind, string reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return _queue.FailAsync(this, delivery, kind, reason);
    }

    /// <inheritdoc />
    public ValueTask<SettleOutcome> RetryAsync(Delivery delivery, TimeSpan delay, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return _queue.RetryAsync(this, delivery, delay);
    }

    /// <inheritdoc />
    public ValueTask<SettleOutcome> ReleaseAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return ValueTask.FromResult(_queue.Release(this, delivery));
    }

    /// <inheritdoc />
    public ValueTask<bool> RenewAsync(Delivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return ValueTask.FromResult(_queue.Renew(this, delivery));
    }

    /// <summary>
    /// Reads the payload of one of this subscription's <see cref="DeferredDelivery"/>s, just before it is used, from
    /// wherever the message is now.
    /// </summary>
    /// <param name="delivery">The delivery.</param>
    /// <param name="payload">The payload; the caller does not modify it.</param>
    /// <param name="headers">The message's headers (encoded), or empty; the caller does not modify them.</param>
    /// <returns>
    /// False when the delivery's lease is no longer current (expired, settled, released, subscription closed) or its
    /// payload cannot be read (then counted as a failed attempt): skip the delivery, nobody will see it.
    /// </returns>
    public bool TryReadPayload(Delivery delivery, out ReadOnlyMemory<byte> payload, out ReadOnlyMemory<byte> headers)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return _queue.TryReadPayload(this, delivery, out payload, out headers);
    }

    /// <summary>
    /// The deliveries this subscription holds: granted to it and not settled yet. A server stopping gracefully waits for
    /// them to reach 0 before it closes, so its consumers' handlers finish on it.
    /// </summary>
    public int Unsettled => _queue.HeldBy(this);

    /// <inheritdoc />
    public ValueTask StopDeliveriesAsync(CancellationToken cancellationToken)
    {
        _queue.StopDeliveries(this);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _queue.Close(this);
        return ValueTask.CompletedTask;
    }

    internal bool TryWrite(Delivery delivery) => _deliveries.Writer.TryWrite(delivery);

    internal void CompleteWriter() => _deliveries.Writer.TryComplete();

    /// <summary>Takes the deliveries nobody read; called once the writer is complete.</summary>
    internal List<Delivery> DrainUnread()
    {
        var unread = new List<Delivery>();
        while (_deliveries.Reader.TryRead(out var delivery))
            unread.Add(delivery);
        return unread;
    }
}
