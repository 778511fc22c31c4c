using Broker.Engine.Storage;

namespace Broker.Engine.Tests.Crash;

/// <summary>What a store holds, read by replaying it: the unfinished message ids of each channel, nothing written.</summary>
internal sealed class LiveMessages : IStoreReplayTarget
{
    public Dictionary<string, HashSet<long>> Unfinished { get; } = [];

    public Dictionary<(string, long), List<string>> Trace { get; } = [];

    private void Note(string channel, long id, string what)
    {
        if (!Trace.TryGetValue((channel, id), out var list))
            Trace.Add((channel, id), list = []);
        list.Add(what);
    }

    public HashSet<long> Of(string channel) => Unfinished.TryGetValue(channel, out var ids) ? ids : [];

    public void LastId(string channel, long lastId)
    {
    }

    public void Declared(ChannelDefinition policy)
    {
    }

    public void IdFloor(long floor)
    {
    }

    public void Enqueued(in EnqueuedRecord record, PayloadRef payload)
    {
        if (!Unfinished.TryGetValue(record.Channel, out var ids))
            Unfinished.Add(record.Channel, ids = []);
        ids.Add(record.Id);
        Note(record.Channel, record.Id, $"enqueued at {payload.Position >> 32}:{payload.Position & 0xFFFFFFFF}");
    }

    public void Changed(in StoreRecord record)
    {
        Note(record.Channel, record.Id, $"{record.Kind} {record.Payload.Position >> 32}:{record.Payload.Position & 0xFFFFFFFF}");
        if (record.Kind is StoreRecordKind.Completed or StoreRecordKind.Deleted && Unfinished.TryGetValue(record.Channel, out var ids))
            ids.Remove(record.Id);
    }

    public void DedupKey(string channel, UInt128 key, long messageId, DateTimeOffset expiresAt)
    {
    }

    public void VisitUnfinished(Action<PayloadRef> visit)
    {
    }

    public bool TryCarry(string channel, long id, long position, ICarryWriter writer) => false;

    public bool Relocate(string channel, long id, PayloadRef original, PayloadRef copy) => false;
}
