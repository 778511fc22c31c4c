namespace Broker.Engine.Dispatch;

/// <summary>
/// The visible messages of a channel: higher priority first, then production order (lower id). One <see cref="IdSet"/>
/// per priority in use, so the usual single-priority channel costs one bit per message. Not thread-safe.
/// </summary>
internal sealed class ReadyQueue
{
    // Highest priority first; channels use few distinct priorities, so a sorted list beats a tree.
    private readonly List<(int Priority, IdSet Ids)> _levels = [];

    public int Count { get; private set; }

    public void Add(long id, int priority)
    {
        // A plain loop: FindIndex with a lambda capturing the priority allocated a closure on every message placed.
        var index = -1;
        for (var i = 0; i < _levels.Count; i++)
        {
            if (_levels[i].Priority <= priority)
            {
                index = i;
                break;
            }
        }
        if (index < 0 || _levels[index].Priority != priority)
        {
            if (index < 0) index = _levels.Count;
            _levels.Insert(index, (priority, new IdSet()));
        }
        if (_levels[index].Ids.Add(id))
            Count++;
    }

    /// <summary>Whether <paramref name="id"/>, of priority <paramref name="priority"/>, is waiting here.</summary>
    public bool Contains(long id, int priority)
    {
        foreach (var (level, ids) in _levels)
        {
            if (level == priority)
                return ids.Contains(id);
        }
        return false;
    }

    public bool TryTake(out long id)
    {
        foreach (var (_, ids) in _levels)
        {
            if (ids.TryTakeMin(out id))
            {
                Count--;
                return true;
            }
        }
        id = 0;
        return false;
    }
}
