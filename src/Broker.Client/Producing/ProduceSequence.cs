namespace Broker.Client.Producing;

/// <summary>
/// Numbers a transport's produces and knows the lowest number still waiting for its answer (the watermark sent with
/// every produce): the server may forget the outcome of everything below it, because those are never retried.
/// </summary>
internal sealed class ProduceSequence
{
    private readonly Lock _gate = new();
    private readonly LinkedList<long> _inFlight = new();
    private long _next = 1;

    public LinkedListNode<long> Begin()
    {
        lock (_gate) return _inFlight.AddLast(_next++);
    }

    public void End(LinkedListNode<long> produce)
    {
        lock (_gate) _inFlight.Remove(produce);
    }

    public long Watermark
    {
        get
        {
            lock (_gate) return _inFlight.First?.Value ?? _next;
        }
    }
}
