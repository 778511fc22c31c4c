using System.Numerics;

namespace Broker.Engine.Dispatch;

/// <summary>
/// A set of message ids as a paged bitmap: one bit per id, so a backlog of ten million visible messages costs about
/// 1.2 MiB. A page covers 65,536 ids but holds words only for the range it has seen since it was created, so a set of a
/// few ids costs a few words. Takes the smallest id first, which is production order. Not thread-safe.
/// </summary>
internal sealed class IdSet
{
    // 65,536 ids per page: at most 8 KiB of bits.
    private const int PageShift = 16;
    private const int WordsPerPage = (1 << PageShift) / 64;

    private readonly Dictionary<long, Page> _pages = [];
    private readonly SortedSet<long> _nonEmpty = [];
    // The last page that emptied, kept for the next one: a set that keeps going from empty to one id and back (a queue
    // that consumers keep up with) then allocates nothing.
    private Page? _spare;
    // The page the last add went to: ids arrive mostly in order, so the next add usually goes there too.
    private Page? _lastPage;
    private long _lastPageIndex = -1;

    public int Count { get; private set; }

    /// <summary>Adds <paramref name="id"/>; false when it was already in.</summary>
    public bool Add(long id)
    {
        var pageIndex = id >> PageShift;
        Page? page;
        if (pageIndex == _lastPageIndex && _lastPage is not null)
        {
            page = _lastPage;
        }
        else
        {
            if (!_pages.TryGetValue(pageIndex, out page))
            {
                page = _spare ?? new Page();
                _spare = null;
                _pages.Add(pageIndex, page);
                _nonEmpty.Add(pageIndex);
            }
            _lastPage = page;
            _lastPageIndex = pageIndex;
        }
        var bit = (int)(id & ((1 << PageShift) - 1));
        var word = bit >> 6;
        var mask = 1UL << (bit & 63);
        ref var bits = ref page.Word(word);
        if ((bits & mask) != 0)
            return false;
        bits |= mask;
        page.Count++;
        if (word < page.FirstWord)
            page.FirstWord = word;
        Count++;
        return true;
    }

    /// <summary>Whether <paramref name="id"/> is in the set.</summary>
    public bool Contains(long id)
    {
        if (!_pages.TryGetValue(id >> PageShift, out var page))
            return false;
        var bit = (int)(id & ((1 << PageShift) - 1));
        var i = (bit >> 6) - page.StartWord;
        return (uint)i < (uint)page.Words.Length && (page.Words[i] & (1UL << (bit & 63))) != 0;
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
        var page = pageIndex == _lastPageIndex && _lastPage is not null ? _lastPage : _pages[pageIndex];
        var index = page.FirstWord - page.StartWord;
        var words = page.Words;
        while (words[index] == 0)
            index++;
        var bits = words[index];
        var bit = BitOperations.TrailingZeroCount(bits);
        words[index] = bits & (bits - 1);
        var word = page.StartWord + index;
        page.FirstWord = word;
        page.Count--;
        Count--;
        if (page.Count == 0)
        {
            _pages.Remove(pageIndex);
            if (ReferenceEquals(_lastPage, page))
            {
                _lastPage = null;
                _lastPageIndex = -1;
            }
            _nonEmpty.Remove(pageIndex);
            // Every bit is clear again; a small page is worth keeping.
            if (page.Words.Length <= 64)
            {
                page.FirstWord = WordsPerPage;
                _spare = page;
            }
        }
        id = (pageIndex << PageShift) + (word << 6) + bit;
        return true;
    }

    /// <summary>Bytes of bitmap words held (for tests of the memory bound).</summary>
    internal long WordBytes => _pages.Values.Sum(p => (long)p.Words.Length * sizeof(ulong));

    /// <summary>The words of one page for <see cref="StartWord"/> onwards; grows by doubling to reach a word outside it.</summary>
    private sealed class Page
    {
        private const int MinWords = 2;

        public ulong[] Words = [];

        public int StartWord;

        public int Count;

        // No bit is set below this word (an absolute word index within the page).
        public int FirstWord = WordsPerPage;

        public ref ulong Word(int word)
        {
            var i = word - StartWord;
            if ((uint)i < (uint)Words.Length)
                return ref Words[i];
            if (Words.Length == 0)
            {
                Words = new ulong[MinWords];
                StartWord = Math.Min(word, WordsPerPage - MinWords);
                return ref Words[word - StartWord];
            }
            var low = Math.Min(StartWord, word);
            var high = Math.Max(StartWord + Words.Length, word + 1);
            var length = (int)Math.Min(WordsPerPage, Math.Max(BitOperations.RoundUpToPowerOf2((uint)(high - low)), (uint)Words.Length * 2));
            var start = word >= StartWord ? Math.Min(low, WordsPerPage - length) : Math.Max(0, high - length);
            var words = new ulong[length];
            Words.AsSpan().CopyTo(words.AsSpan(StartWord - start));
            Words = words;
            StartWord = start;
            return ref Words[word - StartWord];
        }
    }
}
