using System.Numerics;
using System.Runtime.CompilerServices;

namespace Broker.Engine.Dispatch;

/// <summary>
/// The unfinished messages of one channel, keyed by their dense per-channel id: pages of 2,048 ids, each holding a
/// ring of <see cref="MessageSlot"/> structs that covers only the span of ids in use, so a backlog costs 28 bytes a
/// message and a channel with one message costs a few hundred bytes, not a page. Not thread-safe: the channel's lock
/// guards it.
/// </summary>
/// <remarks>
/// A ring spans from the lowest to the highest unfinished id of its page (rounded up to a power of two, at most twice
/// that): a page whose last few messages lie far apart keeps the span between them, at most 56 KiB for the page.
/// </remarks>
internal sealed class MessageTable
{
    // 2048 slots of 28 bytes: 56 KiB at most per page, below the large object heap's threshold.
    private const int PageShift = 11;
    private const int PageSize = 1 << PageShift;
    private const int PageMask = PageSize - 1;

    private readonly Dictionary<long, Page> _pages = [];
    // The same pages' indexes in order, for walks in id order (peek, the oldest message); changes once per page, not per message.
    private readonly SortedSet<long> _order = [];
    private Page? _lastPage;
    private long _lastPageIndex = -1;
    private long _highestId;

    /// <summary>Unfinished messages.</summary>
    public int Count { get; private set; }

    /// <summary>The highest id ever added (0 for none).</summary>
    public long HighestId => _highestId;

    /// <summary>Adds message <paramref name="id"/> (or returns it when replay sees it again) and returns its slot.</summary>
    public ref MessageSlot Add(long id)
    {
        var pageIndex = id >> PageShift;
        if (!TryGetPage(pageIndex, out var page))
        {
            page = new Page();
            _pages.Add(pageIndex, page);
            _order.Add(pageIndex);
            _lastPage = page;
            _lastPageIndex = pageIndex;
        }
        _highestId = Math.Max(_highestId, id);
        var offset = (int)(id & PageMask);
        ref var slot = ref page.Ensure(offset);
        if (slot.Status == MessageStatus.None)
        {
            // Marked live before the caller fills it in, so the page's bounds see it.
            slot.Status = MessageStatus.Replaying;
            page.Added(offset);
            Count++;
        }
        return ref slot;
    }

    /// <summary>The slot of unfinished message <paramref name="id"/>, or a null reference (test with <see cref="Unsafe.IsNullRef{T}(ref readonly T)"/>).</summary>
    public ref MessageSlot Find(long id)
    {
        if (id <= 0 || !TryGetPage(id >> PageShift, out var page))
            return ref Unsafe.NullRef<MessageSlot>();
        ref var slot = ref page.At((int)(id & PageMask));
        if (Unsafe.IsNullRef(ref slot) || slot.Status == MessageStatus.None)
            return ref Unsafe.NullRef<MessageSlot>();
        return ref slot;
    }

    /// <summary>Forgets message <paramref name="id"/>; its page goes when it was the page's last message.</summary>
    public void Remove(long id)
    {
        var pageIndex = id >> PageShift;
        if (!TryGetPage(pageIndex, out var page))
            return;
        var offset = (int)(id & PageMask);
        ref var slot = ref page.At(offset);
        if (Unsafe.IsNullRef(ref slot) || slot.Status == MessageStatus.None)
            return;
        slot = default;
        Count--;
        page.Removed(offset);
        // The page new ids go to is kept even when empty, so a queue that stays near empty does not allocate a page
        // per message; the others go with their last message.
        if (page.Live == 0 && pageIndex != _highestId >> PageShift)
        {
            _pages.Remove(pageIndex);
            _order.Remove(pageIndex);
            if (ReferenceEquals(page, _lastPage))
            {
                _lastPage = null;
                _lastPageIndex = -1;
            }
        }
    }

    /// <summary>Calls <paramref name="visit"/> for every unfinished message, in no particular order.</summary>
    public void ForEach<TState>(TState state, SlotVisitor<TState> visit)
    {
        foreach (var (pageIndex, page) in _pages)
            page.ForEach(pageIndex << PageShift, state, visit);
    }

    /// <summary>
    /// Calls <paramref name="visit"/> for every unfinished message from id <paramref name="fromId"/> on, in id order,
    /// until it returns false. Costs the pages it passes (found in order, not probed one index at a time) and the slots
    /// of their live spans: a walk is as long as the messages it passes, never as long as the span of ids.
    /// </summary>
    public void VisitFrom<TState>(long fromId, ref TState state, OrderedSlotVisitor<TState> visit)
    {
        if (Count == 0 || fromId > _highestId)
            return;
        fromId = Math.Max(fromId, 1);
        var firstPage = fromId >> PageShift;
        // The page of fromId first without the sorted set: a walk that ends there (the usual peek, the oldest message)
        // allocates nothing.
        if (TryGetPage(firstPage, out var page) && !page.VisitFrom(firstPage << PageShift, (int)(fromId & PageMask), ref state, visit))
            return;
        if (firstPage == long.MaxValue >> PageShift)
            return;
        foreach (var pageIndex in _order.GetViewBetween(firstPage + 1, long.MaxValue >> PageShift))
        {
            if (!_pages[pageIndex].VisitFrom(pageIndex << PageShift, 0, ref state, visit))
                return;
        }
    }

    /// <summary>Bytes of slot windows held (for tests of the memory bound).</summary>
    internal long WindowBytes => _pages.Values.Sum(p => (long)p.Slots.Length * Unsafe.SizeOf<MessageSlot>());

    private bool TryGetPage(long pageIndex, out Page page)
    {
        if (pageIndex == _lastPageIndex && _lastPage is not null)
        {
            page = _lastPage;
            return true;
        }
        if (_pages.TryGetValue(pageIndex, out page!))
        {
            _lastPage = page;
            _lastPageIndex = pageIndex;
            return true;
        }
        return false;
    }

    /// <summary>
    /// A page's slots as a ring: offset <c>o</c> lives in <c>Slots[o &amp; (Slots.Length - 1)]</c>, valid for offsets from
    /// <see cref="Start"/> to <see cref="Start"/> + <c>Slots.Length</c>. While the live offsets (and a new one) span no
    /// more than the ring, the window slides forward without copying, so a queue that consumers keep up with reuses one
    /// small ring; it doubles when the span outgrows it and halves when the span falls to a quarter of it.
    /// </summary>
    private sealed class Page
    {
        private const int MinWindow = 8;

        // An empty page keeps a ring up to this size, so a queue that stays near empty reuses it; a larger one is given back.
        private const int KeptWhenEmpty = 256;

        // The lowest and highest live offsets; meaningless while Live is 0.
        private int _low;
        private int _high;

        public MessageSlot[] Slots = [];

        public int Start;

        public int Live;

        public ref MessageSlot At(int offset)
        {
            if ((uint)(offset - Start) >= (uint)Slots.Length)
                return ref Unsafe.NullRef<MessageSlot>();
            return ref Slots[offset & (Slots.Length - 1)];
        }

        /// <summary>The slot for <paramref name="offset"/>, making room for it; call <see cref="Added"/> once it is live.</summary>
        public ref MessageSlot Ensure(int offset)
        {
            if ((uint)(offset - Start) >= (uint)Slots.Length)
                Fit(offset);
            return ref Slots[offset & (Slots.Length - 1)];
        }

        public void Added(int offset)
        {
            if (Live == 0)
            {
                _low = _high = offset;
            }
            else
            {
                _low = Math.Min(_low, offset);
                _high = Math.Max(_high, offset);
            }
            Live++;
        }

        /// <summary>Records that <paramref name="offset"/> was freed; gives back memory the remaining span does not need.</summary>
        public void Removed(int offset)
        {
            Live--;
            if (Live == 0)
            {
                if (Slots.Length > KeptWhenEmpty)
                {
                    Slots = [];
                    Start = 0;
                }
                return;
            }
            var mask = Slots.Length - 1;
            // Each freed slot is passed over once: the bounds only move inwards until an add widens them again.
            if (offset == _low)
            {
                while (Slots[_low & mask].Status == MessageStatus.None) _low++;
            }
            else if (offset == _high)
            {
                while (Slots[_high & mask].Status == MessageStatus.None) _high--;
            }
            var span = _high - _low + 1;
            if (Slots.Length > KeptWhenEmpty && span * 4 <= Slots.Length)
                Resize((int)Math.Max(MinWindow, BitOperations.RoundUpToPowerOf2((uint)span) * 2));
        }

        public void ForEach<TState>(long first, TState state, SlotVisitor<TState> visit)
        {
            if (Live == 0) return;
            var mask = Slots.Length - 1;
            for (var offset = _low; offset <= _high; offset++)
            {
                ref var slot = ref Slots[offset & mask];
                if (slot.Status != MessageStatus.None)
                    visit(state, first + offset, ref slot);
            }
        }

        /// <summary>Visits the live slots from <paramref name="fromOffset"/> on, in order; false when the visitor stopped.</summary>
        public bool VisitFrom<TState>(long first, int fromOffset, ref TState state, OrderedSlotVisitor<TState> visit)
        {
            if (Live == 0) return true;
            var mask = Slots.Length - 1;
            for (var offset = Math.Max(_low, fromOffset); offset <= _high; offset++)
            {
                ref var slot = ref Slots[offset & mask];
                if (slot.Status != MessageStatus.None && !visit(ref state, first + offset, ref slot))
                    return false;
            }
            return true;
        }

        private void Fit(int offset)
        {
            var low = Live == 0 ? offset : Math.Min(_low, offset);
            var high = Live == 0 ? offset : Math.Max(_high, offset);
            var span = high - low + 1;
            if (span > Slots.Length)
                Resize((int)Math.Min(PageSize, Math.Max(BitOperations.RoundUpToPowerOf2((uint)span), Math.Max(MinWindow, (uint)Slots.Length * 2))));
            // Free slots hold nothing, so moving the window over them needs no copy.
            Start = low;
        }

        /// <summary>Moves the live slots into a ring of <paramref name="length"/> slots.</summary>
        private void Resize(int length)
        {
            var slots = new MessageSlot[length];
            if (Live > 0)
            {
                var oldMask = Slots.Length - 1;
                var newMask = length - 1;
                for (var offset = _low; offset <= _high; offset++)
                    slots[offset & newMask] = Slots[offset & oldMask];
                Start = _low;
            }
            Slots = slots;
        }
    }
}

/// <summary>Visits one slot of a <see cref="MessageTable"/> in id order; returns false to stop the walk.</summary>
internal delegate bool OrderedSlotVisitor<TState>(ref TState state, long id, ref MessageSlot slot);

/// <summary>Visits one slot of a <see cref="MessageTable"/>.</summary>
internal delegate void SlotVisitor<TState>(TState state, long id, ref MessageSlot slot);
