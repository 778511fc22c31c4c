using System.Runtime.CompilerServices;

namespace Broker.Engine.Dispatch;

/// <summary>
/// The unfinished messages of one channel, keyed by their dense per-channel id: pages of <see cref="MessageSlot"/>
/// structs, allocated as ids arrive and dropped when every message on them is finished. Not thread-safe: the channel's
/// lock guards it.
/// </summary>
internal sealed class MessageTable
{
    // 2048 slots of 28 bytes: 56 KiB, below the large object heap's threshold.
    private const int PageShift = 11;
    private const int PageSize = 1 << PageShift;
    private const int PageMask = PageSize - 1;

    private readonly Dictionary<long, Page> _pages = [];
    private Page? _lastPage;
    private long _lastPageIndex = -1;
    private long _highestId;

    /// <summary>Unfinished messages.</summary>
    public int Count { get; private set; }

    /// <summary>Adds message <paramref name="id"/> (or returns it when replay sees it again) and returns its slot.</summary>
    public ref MessageSlot Add(long id)
    {
        var pageIndex = id >> PageShift;
        if (!TryGetPage(pageIndex, out var page))
        {
            page = new Page();
            _pages.Add(pageIndex, page);
            _lastPage = page;
            _lastPageIndex = pageIndex;
        }
        _highestId = Math.Max(_highestId, id);
        ref var slot = ref page.Slots[id & PageMask];
        if (slot.Status == MessageStatus.None)
        {
            page.Live++;
            Count++;
        }
        return ref slot;
    }

    /// <summary>The slot of unfinished message <paramref name="id"/>, or a null reference (test with <see cref="Unsafe.IsNullRef{T}(ref readonly T)"/>).</summary>
    public ref MessageSlot Find(long id)
    {
        if (id <= 0 || !TryGetPage(id >> PageShift, out var page))
            return ref Unsafe.NullRef<MessageSlot>();
        ref var slot = ref page.Slots[id & PageMask];
        if (slot.Status == MessageStatus.None)
            return ref Unsafe.NullRef<MessageSlot>();
        return ref slot;
    }

    /// <summary>Forgets message <paramref name="id"/>; its page goes when it was the page's last message.</summary>
    public void Remove(long id)
    {
        var pageIndex = id >> PageShift;
        if (!TryGetPage(pageIndex, out var page))
            return;
        ref var slot = ref page.Slots[id & PageMask];
        if (slot.Status == MessageStatus.None)
            return;
        slot = default;
        page.Live--;
        Count--;
        // The page new ids go to is kept even when empty, so a queue that stays near empty does not allocate a page
        // per message.
        if (page.Live == 0 && pageIndex != _highestId >> PageShift)
        {
            _pages.Remove(pageIndex);
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
        {
            if (page.Live == 0) continue;
            var first = pageIndex << PageShift;
            for (var i = 0; i < PageSize; i++)
            {
                if (page.Slots[i].Status != MessageStatus.None)
                    visit(state, first + i, ref page.Slots[i]);
            }
        }
    }

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

    private sealed class Page
    {
        public readonly MessageSlot[] Slots = new MessageSlot[PageSize];
        public int Live;
    }
}

/// <summary>Visits one slot of a <see cref="MessageTable"/>.</summary>
internal delegate void SlotVisitor<TState>(TState state, long id, ref MessageSlot slot);
