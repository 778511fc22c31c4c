using System.Diagnostics.CodeAnalysis;

namespace Broker.Engine.Dispatch;

/// <summary>
/// Which key line each keyed message of a channel is in, by its dense per-channel id: pages of 256 ids holding a line
/// number each (4 bytes a message, indexed, not hashed), made only where keyed messages are, and the lines by number.
/// A dictionary from id to line cost about 40 bytes and a hash lookup with a cache miss per produce, dispatch and
/// completion, enough to cost a fifth of a keyed channel's throughput. Not thread-safe: the channel's lock guards it.
/// </summary>
internal sealed class LineIndex
{
    private const int PageShift = 8;
    private const int PageSize = 1 << PageShift;
    private const int PageMask = PageSize - 1;

    private readonly Dictionary<long, Page> _pages = [];
    // Line numbers start at 1 (0 marks "no line" in a page); a freed number is reused.
    private readonly List<KeyLine?> _lines = [null];
    private readonly Stack<int> _freeNumbers = new();
    private Page? _lastPage;
    private long _lastPageIndex = -1;

    /// <summary>Keyed messages indexed.</summary>
    public int Count { get; private set; }

    /// <summary>Gives a line its number; called once, when the line is made.</summary>
    public void Register(KeyLine line)
    {
        if (_freeNumbers.TryPop(out var number))
        {
            _lines[number] = line;
        }
        else
        {
            number = _lines.Count;
            _lines.Add(line);
        }
        line.Number = number;
    }

    /// <summary>Frees an empty line's number, once no message points at it.</summary>
    public void Unregister(KeyLine line)
    {
        if (line.Number == 0)
            return;
        _lines[line.Number] = null;
        _freeNumbers.Push(line.Number);
        line.Number = 0;
    }

    public bool TryGetValue(long id, [NotNullWhen(true)] out KeyLine? line)
    {
        var number = TryGetPage(id >> PageShift, out var page) ? page.Numbers[id & PageMask] : 0;
        line = number == 0 ? null : _lines[number];
        return line is not null;
    }

    public bool ContainsKey(long id) => TryGetPage(id >> PageShift, out var page) && page.Numbers[id & PageMask] != 0;

    /// <summary>Points message <paramref name="id"/> at <paramref name="line"/> (registered).</summary>
    public void Set(long id, KeyLine line)
    {
        var pageIndex = id >> PageShift;
        if (!TryGetPage(pageIndex, out var page))
        {
            page = new Page();
            _pages.Add(pageIndex, page);
            _lastPage = page;
            _lastPageIndex = pageIndex;
        }
        ref var number = ref page.Numbers[id & PageMask];
        if (number == 0)
        {
            page.Count++;
            Count++;
        }
        number = line.Number;
    }

    public bool Remove(long id, [NotNullWhen(true)] out KeyLine? line)
    {
        line = null;
        var pageIndex = id >> PageShift;
        if (!TryGetPage(pageIndex, out var page))
            return false;
        ref var number = ref page.Numbers[id & PageMask];
        if (number == 0)
            return false;
        line = _lines[number]!;
        number = 0;
        Count--;
        if (--page.Count == 0)
        {
            _pages.Remove(pageIndex);
            if (ReferenceEquals(_lastPage, page))
            {
                _lastPage = null;
                _lastPageIndex = -1;
            }
        }
        return true;
    }

    private bool TryGetPage(long pageIndex, [NotNullWhen(true)] out Page? page)
    {
        // A channel without keyed messages (most) answers every lookup here, on every completion.
        if (Count == 0)
        {
            page = null;
            return false;
        }
        if (pageIndex == _lastPageIndex && _lastPage is not null)
        {
            page = _lastPage;
            return true;
        }
        if (!_pages.TryGetValue(pageIndex, out page))
            return false;
        _lastPage = page;
        _lastPageIndex = pageIndex;
        return true;
    }

    private sealed class Page
    {
        public readonly int[] Numbers = new int[PageSize];

        public int Count;
    }
}
