using System.Numerics;

namespace Broker.Engine.Dispatch;

/// <summary>
/// A set of message ids as a paged bitmap: one bit per id, so a backlog of ten million visible messages costs about
/// 1.2 MiB. Takes the smallest id first, which is production order. Not thread-safe.
/// </summary>
internal sealed class IdSet
{
    // 65,536 ids per page: 8 KiB of bits.
    private const int PageShift = 16;
    private const int WordsPerPage = (1 << PageShift) / 64;

    private readonly Dictionary<long, Page> _pages = [];
    private readonly SortedSet<long> _nonEmpty = [];

    public int Count { get; private set; }

    /// <summary>Adds <paramref name="id"/>; false when it was already in.</summary>
    public bool Add(long id)
    {
        var pageIndex = id >> PageShift;
        if (!_pages.TryGetValue(pageIndex, out var page))
        {
            page = new Page();
            _pages.Add(pageIndex, page);
            _nonEmpty.Add(pageIndex);
        }
        var bit = (int)(id & ((1 << PageShift) - 1));
        var word = bit >> 6;
        var mask = 1UL << (bit & 63);
        if ((page.Words[word] & mask) != 0)
            return false;
        page.Words[word] |= mask;
        page.Count++;
        if (word < page.FirstWord)
            page.FirstWord = word;
        Count++;
        return true;
    }

    /// <summary>Removes and returns the smallest id.</summary>
    public bool TryTakeMin(out long id)
    {
        if (Count == 0)
        {
            id = 0;
            return false;
        }
        var pageIndex = _nonEmpty.Min;
        var page = _pages[pageIndex];
        var word = page.FirstWord;
        while (page.Words[word] == 0)
            word++;
        var bits = page.Words[word];
        var bit = BitOperations.TrailingZeroCount(bits);
        page.Words[word] = bits & (bits - 1);
        page.FirstWord = word;
        page.Count--;
        Count--;
        if (page.Count == 0)
        {
            _pages.Remove(pageIndex);
            _nonEmpty.Remove(pageIndex);
        }
        id = (pageIndex << PageShift) + (word << 6) + bit;
        return true;
    }

    private sealed class Page
    {
        public readonly ulong[] Words = new ulong[WordsPerPage];
        public int Count;

        // No bit is set below this word.
        public int FirstWord = WordsPerPage;
    }
}
