using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Broker.Nats.Naming;
using NATS.Client.Core;

namespace Broker.Nats.JetStream;

/// <summary>
/// A core NATS message (not stored) published when a message becomes ready on a priority level, carrying the level,
/// or in a partition of keyed messages (its head was produced, settled or handed back), carrying <c>k</c> and the
/// partition. Idle subscriptions listen to it to look for work at once instead of at their next poll; losing one costs
/// at most one poll interval.
/// </summary>
/// <remarks>
/// Rings of one bell (one channel's level or partition) are coalesced: the first rings at once, and any ring within
/// <see cref="Window"/> of the last one sent is folded into one trailing ring at the window's end. Every ring is
/// still followed by a bell sent no earlier than it, so a subscription that went idle after the message was stored
/// still hears one, at most <see cref="Window"/> late; but under load a channel sends a few hundred bells a second
/// instead of one per message, each of which nats-server routes and every idle subscription wakes for.
/// </remarks>
internal sealed class Bell(INatsConnection connection, TimeProvider time)
{
    /// <summary>How long after one bell of a level or partition the next is held back, gathering the rings between.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMilliseconds(2);

    private readonly ConcurrentDictionary<(string Subject, string Payload), Ringer> _ringers = new();
    private readonly long _window = (long)(Window.TotalSeconds * time.TimestampFrequency);
    private readonly TimeProvider _time = time;

    private long Now => _time.GetTimestamp();

    private TimeSpan Duration(long ticks) => TimeSpan.FromSeconds((double)ticks / _time.TimestampFrequency);

    public ValueTask RingAsync(ChannelNames names, int level) =>
        For(names.BellSubject, level.ToString(CultureInfo.InvariantCulture)).RingAsync();

    public ValueTask RingPartitionAsync(ChannelNames names, int partition) =>
        For(names.BellSubject, "k" + partition.ToString(CultureInfo.InvariantCulture)).RingAsync();

    private Ringer For(string subject, string payload) =>
        _ringers.GetOrAdd((subject, payload), static (key, bell) => new Ringer(bell, key.Subject, Encoding.ASCII.GetBytes(key.Payload)), this);

    private async ValueTask SendAsync(string subject, byte[] payload)
    {
        try
        {
            await connection.PublishAsync(subject, payload).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NatsException or OperationCanceledException or ObjectDisposedException)
        {
            // Only a wake-up: subscriptions poll anyway.
        }
    }

    public static int? PartitionOf(byte[]? payload) =>
        payload is { Length: > 1 } && payload[0] == (byte)'k' && int.TryParse(Encoding.ASCII.GetString(payload, 1, payload.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var partition)
            ? partition
            : null;

    public static int? LevelOf(byte[]? payload) =>
        payload is { Length: > 0 } && int.TryParse(Encoding.ASCII.GetString(payload), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var level) ? level : null;

    /// <summary>One bell's coalescing state: when it last went out, and whether a trailing ring is scheduled.</summary>
    private sealed class Ringer(Bell bell, string subject, byte[] payload)
    {
        private readonly Lock _gate = new();
        private long _lastSent = long.MinValue / 2;
        private bool _trailing;

        public ValueTask RingAsync()
        {
            TimeSpan wait;
            lock (_gate)
            {
                if (_trailing) return ValueTask.CompletedTask;
                var now = bell.Now;
                var since = now - _lastSent;
                if (since >= bell._window)
                {
                    _lastSent = now;
                    wait = TimeSpan.Zero;
                }
                else
                {
                    _trailing = true;
                    wait = bell.Duration(bell._window - since);
                }
            }
            if (wait == TimeSpan.Zero) return bell.SendAsync(subject, payload);
            _ = RingLaterAsync(wait);
            return ValueTask.CompletedTask;
        }

        private async Task RingLaterAsync(TimeSpan wait)
        {
            await Task.Delay(wait, bell._time).ConfigureAwait(false);
            lock (_gate)
            {
                _trailing = false;
                _lastSent = bell.Now;
            }
            await bell.SendAsync(subject, payload).ConfigureAwait(false);
        }
    }

}
