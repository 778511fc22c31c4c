namespace Broker.Engine.Dispatch;

/// <summary>
/// One ordering key's line (<c>docs/ordering.md</c>): the ids of its unfinished messages that are not dead letters, in
/// ascending order (production order), and which of them is placed (ready, delayed or leased). Only that one, the head,
/// can be delivered; the rest wait. Not thread-safe: the channel's lock guards it.
/// </summary>
/// <remarks>
/// A sorted run of ids in an array: a produce appends the highest id (amortised O(1)) and the head leaves from the front
/// (O(1)); only a re-drive inserts in the middle, and only a purge or a head that is not the lowest removes from it.
/// </remarks>
internal sealed class KeyLine(string key)
{
    private long[] _ids = new long[2];
    private int _start;

    /// <summary>The ordering key; the one string every message of the line shares.</summary>
    public string Key { get; } = key;

    /// <summary>The line's number in its channel's <see cref="LineIndex"/>; 0 once the line is dropped.</summary>
    public int Number { get; set; }

    /// <summary>Members, the head included.</summary>
    public int Count { get; private set; }

    /// <summary>The member that is placed (ready, delayed or leased), or 0 when none is: the next one goes when it is set free.</summary>
    public long Head { get; set; }

    /// <summary>The lowest member's id; the line must not be empty.</summary>
    public long First => _ids[_start];

    /// <summary>The members in ascending order.</summary>
    public ReadOnlySpan<long> Members => _ids.AsSpan(_start, Count);

    /// <summary>Adds a member at its place in id order (usually the end).</summary>
    public void Add(long id)
    {
        if (_start + Count == _ids.Length)
            MakeRoom();
        var end = _start + Count;
        var at = end;
        // New messages have the highest id: the loop ends at once for them.
        while (at > _start && _ids[at - 1] > id)
            at--;
        if (at > _start && _ids[at - 1] == id)
            return;
        Array.Copy(_ids, at, _ids, at + 1, end - at);
        _ids[at] = id;
        Count++;
    }

    /// <summary>Removes a member; false when it is not one.</summary>
    public bool Remove(long id)
    {
        if (Count == 0)
            return false;
        if (_ids[_start] == id)
        {
            _start++;
            Count--;
        }
        else
        {
            var index = Array.IndexOf(_ids, id, _start, Count);
            if (index < 0)
                return false;
            Array.Copy(_ids, index + 1, _ids, index, _start + Count - index - 1);
            Count--;
        }
        if (Count == 0)
            _start = 0;
        return true;
    }

    private void MakeRoom()
    {
        // Shift down when the front has freed half the array; otherwise grow.
        if (_start >= _ids.Length / 2)
        {
            Array.Copy(_ids, _start, _ids, 0, Count);
            _start = 0;
            return;
        }
        var larger = new long[_ids.Length * 2];
        Array.Copy(_ids, _start, larger, 0, Count);
        _ids = larger;
        _start = 0;
    }
}
