namespace Broker.Engine.Dispatch;

/// <summary>Orders the items of a <see cref="BinaryHeap{T, TOrder}"/>; a struct so comparisons are inlined.</summary>
/// <typeparam name="T">The item type.</typeparam>
internal interface IHeapOrder<T>
{
    /// <summary>True when <paramref name="a"/> must come out before <paramref name="b"/>.</summary>
    static abstract bool Before(T a, T b);
}

/// <summary>
/// A binary min-heap over an array: one slot per item, no per-item allocation. <see cref="PriorityQueue{TElement, TPriority}"/>
/// would store a priority beside every element; here the order reads the items themselves.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
/// <typeparam name="TOrder">The order.</typeparam>
internal sealed class BinaryHeap<T, TOrder>
    where TOrder : struct, IHeapOrder<T>
{
    private T[] _items = [];
    private int _count;

    public int Count => _count;

    public T Peek() => _count > 0 ? _items[0] : throw new InvalidOperationException("The heap is empty.");

    public bool TryPeek(out T item)
    {
        if (_count == 0)
        {
            item = default!;
            return false;
        }
        item = _items[0];
        return true;
    }

    public void Push(T item)
    {
        if (_count == _items.Length)
            Array.Resize(ref _items, Math.Max(4, _items.Length * 2));
        var i = _count++;
        while (i > 0)
        {
            var parent = (i - 1) >> 1;
            if (!TOrder.Before(item, _items[parent])) break;
            _items[i] = _items[parent];
            i = parent;
        }
        _items[i] = item;
    }

    public T Pop()
    {
        if (_count == 0) throw new InvalidOperationException("The heap is empty.");
        var top = _items[0];
        var last = _items[--_count];
        _items[_count] = default!;
        if (_count > 0) SiftDown(last);
        if (_count < _items.Length / 4 && _items.Length > 64)
            Array.Resize(ref _items, _items.Length / 2);
        return top;
    }

    /// <summary>
    /// Removes the item stored last, in no particular order: taking the last slot of the array keeps the heap a heap,
    /// so emptying a heap this way costs nothing per item (a purge, where the order does not matter).
    /// </summary>
    public bool TryTakeAny(out T item)
    {
        if (_count == 0)
        {
            item = default!;
            return false;
        }
        item = _items[--_count];
        _items[_count] = default!;
        if (_count < _items.Length / 4 && _items.Length > 64)
            Array.Resize(ref _items, _items.Length / 2);
        return true;
    }

    private void SiftDown(T item)
    {
        var i = 0;
        var half = _count >> 1;
        while (i < half)
        {
            var child = (i << 1) + 1;
            var right = child + 1;
            if (right < _count && TOrder.Before(_items[right], _items[child])) child = right;
            if (!TOrder.Before(_items[child], item)) break;
            _items[i] = _items[child];
            i = child;
        }
        _items[i] = item;
    }
}
