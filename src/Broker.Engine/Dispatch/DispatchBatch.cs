using Broker.Engine.Leases;

namespace Broker.Engine.Dispatch;

/// <summary>
/// Leases granted under a channel's lock whose deliveries are written after it is released, so reading payloads and
/// waking readers never happens under the lock. One per thread is reused: dispatch allocates nothing per call.
/// </summary>
internal sealed class DispatchBatch
{
    [ThreadStatic]
    private static DispatchBatch? t_cached;

    private readonly List<Lease> _leases = [];

    public int Count => _leases.Count;

    public Lease this[int index] => _leases[index];

    public static DispatchBatch Rent()
    {
        var batch = t_cached ?? new DispatchBatch();
        t_cached = null;
        return batch;
    }

    public void Add(Lease lease) => _leases.Add(lease);

    public void Return()
    {
        _leases.Clear();
        if (_leases.Capacity > 256)
            _leases.Capacity = 16;
        t_cached = this;
    }
}
