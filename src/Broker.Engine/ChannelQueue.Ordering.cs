using System.Runtime.CompilerServices;
using Broker.Engine.Dispatch;

namespace Broker.Engine;

/// <summary>
/// Ordering by key (<c>docs/ordering.md</c>): a keyed message joins its key's line and is placed only when it is the
/// line's head, so at most one message of a key is ready, delayed or leased at a time, and they go in production order.
/// Everything else (dispatch, leases, retries, dead letters) is unchanged: a head is an ordinary message.
/// </summary>
internal sealed partial class ChannelQueue
{
    // The line of every keyed message that is in one (unfinished and not a dead letter).
    private readonly LineIndex _lineOf = new();
    private readonly Dictionary<string, KeyLine> _lines = new(StringComparer.Ordinal);
    // When waiting messages produced with a delay become due; most have none and pay nothing here.
    private readonly Dictionary<long, long> _waitingDue = [];
    // Messages whose status is Waiting: counted as ready in the channel's figures (they are backlog, in order).
    private int _waiting;
    // Waiting messages a purge took: they keep their place in their line until their removal is stored (were it not,
    // they would come back, and must not come back behind a later message of their key), but are never placed.
    private readonly HashSet<long> _purgingWaiting = [];

    /// <summary>
    /// A keyed produce takes its place in its line when it gets its id, before its store write: writes can finish out of
    /// order (two producers racing for one group commit), and a later message of the key must not go before it. Until
    /// it is stored it has no slot, so <see cref="PlaceNextHead"/> stops at it.
    /// </summary>
    private void ReserveInLine(long id, string? key)
    {
        if (key is not null)
            JoinLine(id, key);
    }

    /// <summary>
    /// A keyed message enters its line (or, reserved there already, is stored): placed at <paramref name="due"/> if it
    /// is the first of a line without a head, waiting otherwise.
    /// </summary>
    private void Admit(long id, ref MessageSlot slot, string key, long due, long now)
    {
        // A produce reserved its place when it got its id; a re-drive joins here.
        if (!_lineOf.TryGetValue(id, out var line))
            line = JoinLine(id, key);
        // A line without a head may still hold older members a purge is removing: the message waits behind them.
        if (line.Head == 0 && line.First == id)
        {
            line.Head = id;
            Place(id, ref slot, due, now);
        }
        else
        {
            Wait(id, ref slot, due, now);
        }
    }

    /// <summary>Puts message <paramref name="id"/> into its key's line, at its place in id order; returns the line.</summary>
    private KeyLine JoinLine(long id, string key)
    {
        var line = LineFor(key);
        line.Add(id);
        _lineOf.Set(id, line);
        return line;
    }

    /// <summary>The line of <paramref name="key"/>, made (and numbered) if it has none.</summary>
    private KeyLine LineFor(string key)
    {
        if (!_lines.TryGetValue(key, out var line))
        {
            line = new KeyLine(key);
            _lines.Add(key, line);
            _lineOf.Register(line);
        }
        return line;
    }

    /// <summary>Forgets an empty line: a key costs nothing once none of its messages is left.</summary>
    private void DropLine(KeyLine line)
    {
        _lines.Remove(line.Key);
        _lineOf.Unregister(line);
    }

    private void Wait(long id, ref MessageSlot slot, long due, long now)
    {
        slot.Status = MessageStatus.Waiting;
        _waiting++;
        if (due > now)
            _waitingDue[id] = due;
        if (id < _oldestFloor)
            _oldestFloor = id;
    }

    /// <summary>
    /// A message leaves its line for good (completed, dead-lettered, purged); if it was the head, or the line had none
    /// (it waited for a purge), the next one (the lowest waiting id) is placed, at its own due time when it was produced
    /// delayed. Returns the line it left, or null.
    /// </summary>
    private KeyLine? LeaveLine(long id, long now)
    {
        if (!_lineOf.Remove(id, out var line))
            return null;
        line.Remove(id);
        if (line.Head == id)
            line.Head = 0;
        if (line.Head == 0)
            PlaceNextHead(line, now);
        if (line.Count == 0)
            DropLine(line);
        return line;
    }

    private void PlaceNextHead(KeyLine line, long now)
    {
        if (line.Count == 0)
            return;
        var next = line.First;
        ref var slot = ref _messages.Find(next);
        // One a purge is removing holds the line until its removal is stored (or put back).
        if (Unsafe.IsNullRef(ref slot) || slot.Status != MessageStatus.Waiting || (_purgingWaiting.Count != 0 && _purgingWaiting.Contains(next)))
            return;
        _waiting--;
        // Most waiting messages were produced without a delay: the lookup is skipped when none was.
        var due = _waitingDue.Count != 0 && _waitingDue.Remove(next, out var at) ? at : now;
        line.Head = next;
        Place(next, ref slot, due, now);
    }

    private bool IsWaiting(long id)
    {
        ref var slot = ref _messages.Find(id);
        return !Unsafe.IsNullRef(ref slot) && slot.Status == MessageStatus.Waiting;
    }

    /// <summary>
    /// Takes every waiting message a purge removes (those no other purge took already). They stay in their lines, so
    /// nothing later of their key goes before their removal is stored; <see cref="PlaceNextHead"/> passes over them.
    /// </summary>
    private List<long> TakeWaitingForPurge()
    {
        var taken = new List<long>();
        if (_waiting == 0)
            return taken;
        foreach (var line in _lines.Values)
        {
            foreach (var id in line.Members)
            {
                // Not a produce still being stored (no slot yet): a purge leaves what is produced meanwhile.
                if (id != line.Head && IsWaiting(id) && _purgingWaiting.Add(id))
                    taken.Add(id);
            }
        }
        return taken;
    }

    /// <summary>
    /// A keyed message a purge removed (or a head it took) whose removal is stored: it leaves its line, and the line's
    /// next message that no purge is removing goes.
    /// </summary>
    private void PurgedFromLine(long id, long now)
    {
        _purgingWaiting.Remove(id);
        LeaveLine(id, now);
    }

    /// <summary>
    /// A waiting message a purge took is back (its removal not stored, or never made), still at its place in its line,
    /// which it no longer holds back: it goes if it is now first in a line without a head.
    /// </summary>
    private void ReturnToLine(long id, long now)
    {
        _purgingWaiting.Remove(id);
        if (_lineOf.TryGetValue(id, out var line) && line.Head == 0)
            PlaceNextHead(line, now);
    }

    // Replay: lines are rebuilt from the records, and heads chosen when replay finishes.

    private void ReplayJoinLine(long id, string key)
    {
        ReplayLeaveLine(id);
        JoinLine(id, key);
    }

    private string? ReplayLeaveLine(long id)
    {
        if (!_lineOf.Remove(id, out var line))
            return null;
        line.Remove(id);
        if (line.Count == 0)
            DropLine(line);
        return line.Key;
    }

    /// <summary>
    /// Places each line's head after replay: the member that was being retried (tries counted), if one was, otherwise
    /// the lowest id; the others wait with their own due times.
    /// </summary>
    private void FinishReplayLines(long now)
    {
        foreach (var line in _lines.Values)
        {
            var head = line.First;
            foreach (var id in line.Members)
            {
                if (_messages.Find(id).Tries > 0)
                {
                    head = id;
                    break;
                }
            }
            line.Head = head;
            foreach (var id in line.Members)
            {
                ref var slot = ref _messages.Find(id);
                var due = _replayDue?.TryGetValue(id, out var at) == true ? at : slot.ProducedTicks;
                if (id == head)
                    Place(id, ref slot, due, now);
                else
                    Wait(id, ref slot, due, now);
            }
        }
    }
}
