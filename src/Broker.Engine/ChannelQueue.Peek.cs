using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Broker.Engine.Dispatch;
using Broker.Engine.Storage;
using Broker.Management;

namespace Broker.Engine;

internal sealed partial class ChannelQueue
{
    // No message with a lower id is ready, delayed or leased: the walk to the oldest one starts here, so it passes each
    // finished or dead-lettered message once rather than at every look. Lowered by Place, the one way in.
    private long _oldestFloor;

    /// <summary>
    /// Copies unfinished messages (ready, delayed, leased) in id order, after <paramref name="afterId"/>: at most
    /// <paramref name="limit"/>, and no more than <paramref name="maxPayloadBytes"/> of stored bytes (always at least
    /// one). Changes nothing: the walk happens under the lock, the payloads are read after it.
    /// </summary>
    public MessagePage Peek(long afterId, int limit, long maxPayloadBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxPayloadBytes);
        var scan = new PeekScan(this, limit, maxPayloadBytes);
        lock (_gate)
        {
            if (afterId != long.MaxValue && _messages.Count > 0)
                _messages.VisitFrom(Math.Max(afterId + 1, _oldestFloor), ref scan, static (ref scan, id, ref slot) => scan.Visit(id, ref slot));
        }

        var messages = new List<PeekedMessage>(scan.Found.Count);
        foreach (var found in scan.Found)
        {
            if (ReadPeeked(found) is { } message)
                messages.Add(message);
        }
        return new MessagePage(messages, scan.More);
    }

    /// <summary>The produced time of the oldest unfinished message (ready, delayed, leased), or null when there is none.</summary>
    private long? FindOldestLocked()
    {
        var scan = new OldestScan(this);
        _messages.VisitFrom(Math.Max(_oldestFloor, 1), ref scan, static (ref scan, id, ref slot) => scan.Visit(id, ref slot));
        // Ids only grow and produced times with them, so the lowest unfinished id is the oldest message (unless the
        // clock went back). A produce still storing its message lands above the floor or lowers it when placed.
        _oldestFloor = scan.Id ?? _messages.HighestId + 1;
        return scan.Id is null ? null : scan.ProducedTicks;
    }

    /// <summary>
    /// Where an unfinished message is; null for a dead letter, and for a message a purge took away but has not removed
    /// yet (its slot still says ready or delayed, but the ready set or the delayed heap no longer holds it).
    /// </summary>
    private PeekedState? StateOf(long id, in MessageSlot slot, out long dueTicks)
    {
        dueTicks = 0;
        return slot.Status switch
        {
            MessageStatus.Ready when _ready.Contains(id, PriorityOf(id)) => PeekedState.Ready,
            MessageStatus.Delayed when _delayedDue.TryGetValue(id, out dueTicks) => PeekedState.Delayed,
            MessageStatus.Leased => PeekedState.InFlight,
            // Behind its key's head, in its line (unless a purge took it: it keeps its place until it is removed).
            MessageStatus.Waiting when _lineOf.ContainsKey(id) && !_purgingWaiting.Contains(id) => PeekedState.Ready,
            _ => null,
        };
    }

    /// <summary>
    /// Reads a peeked message's payload. A read that fails because the message finished meanwhile (its payload
    /// reclaimed) drops it from the page; one that fails because compaction moved the payload is tried at the new
    /// place; any other failure (a damaged log) is the caller's.
    /// </summary>
    private PeekedMessage? ReadPeeked(in Peeked found)
    {
        var at = found.Stored;
        while (true)
        {
            ReadOnlyMemory<byte> stored;
            try
            {
                stored = _store.ReadPayload(at);
            }
            catch (Exception ex)
            {
                lock (_gate)
                {
                    ref var slot = ref _messages.Find(found.Id);
                    if (Unsafe.IsNullRef(ref slot))
                        return null;
                    if (slot.Position == at.Position)
                        ExceptionDispatchInfo.Throw(ex);
                    at = slot.Stored;
                }
                continue;
            }
            var payload = at.Split(stored, out var headers);
            return new PeekedMessage(
                found.Id, Name, found.State, found.Tries, ToTime(found.ProducedTicks),
                found.State == PeekedState.Delayed ? ToTime(found.DueTicks) : null, found.Priority, payload)
            {
                Headers = headers,
            };
        }
    }

    /// <summary>What a peek copies under the lock: everything but the payload, and where the payload is.</summary>
    private readonly record struct Peeked(long Id, PeekedState State, int Tries, long ProducedTicks, long DueTicks, int Priority, PayloadRef Stored);

    private struct PeekScan(ChannelQueue queue, int limit, long maxPayloadBytes)
    {
        private long _bytes;

        public List<Peeked> Found { get; } = new(Math.Min(limit, 256));

        public bool More { get; private set; }

        public bool Visit(long id, ref MessageSlot slot)
        {
            if (queue.StateOf(id, slot, out var due) is not { } state)
                return true;
            // Measured before the payload is read: a message over the budget is never copied. The first always is.
            if (Found.Count == limit || (Found.Count > 0 && _bytes + slot.Length > maxPayloadBytes))
            {
                More = true;
                return false;
            }
            _bytes += slot.Length;
            Found.Add(new Peeked(id, state, slot.Tries, slot.ProducedTicks, due, queue.PriorityOf(id), slot.Stored));
            return true;
        }
    }

    private struct OldestScan(ChannelQueue queue)
    {
        public long? Id { get; private set; }

        public long ProducedTicks { get; private set; }

        public bool Visit(long id, ref MessageSlot slot)
        {
            if (queue.StateOf(id, slot, out _) is null)
                return true;
            Id = id;
            ProducedTicks = slot.ProducedTicks;
            return false;
        }
    }
}
