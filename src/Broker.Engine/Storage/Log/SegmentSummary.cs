namespace Broker.Engine.Storage.Log;

/// <summary>
/// Which ids of which channels one segment holds, read only when recovery has to say what a lost part of the log held:
/// the last id of each channel its start names (what was handed out before it), the highest id each channel reached in
/// it, and how many message records can still be read (past damage, from the next intact write on).
/// </summary>
internal sealed class SegmentSummary
{
    private readonly Dictionary<string, long> _startLastIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _highestIds = new(StringComparer.Ordinal);

    /// <summary>Message records that can still be read.</summary>
    public int Messages { get; private set; }

    public static SegmentSummary Read(ILogFile file, long length)
    {
        var summary = new SegmentSummary();
        var names = new Dictionary<uint, string>();
        var inStart = true;
        var reader = new SegmentReader(file, length);
        while (true)
        {
            while (reader.Next(out var record))
                summary.Add(record, names, ref inStart);
            if (reader.Problem is null)
                return summary;
            // Damage: carry on from the next intact write, if there is one.
            var next = reader.FindBatchStartAfter(reader.Offset);
            if (next < 0)
                return summary;
            reader = new SegmentReader(file, length, next);
        }
    }

    /// <summary>
    /// What was handed out between <paramref name="before"/> (the last segment known to be intact before the loss, or
    /// the truncated segment itself) and <paramref name="after"/> (the first intact one after it), channel by channel.
    /// </summary>
    public static IReadOnlyList<LostIds> LostBetween(SegmentSummary? before, SegmentSummary? after)
    {
        var lost = new List<LostIds>();
        if (after is not null)
        {
            // Every channel with anything left is named at the start of every segment: the ids up to there are known.
            foreach (var (channel, to) in after._startLastIds.OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                long? from = before is not null && before._highestIds.TryGetValue(channel, out var highest) ? highest + 1 : null;
                if (from is null || from <= to)
                    lost.Add(new LostIds(channel, from, to));
            }
        }
        else if (before is not null)
        {
            foreach (var (channel, highest) in before._highestIds.OrderBy(c => c.Key, StringComparer.Ordinal))
                lost.Add(new LostIds(channel, highest + 1, null));
        }
        return lost;
    }

    private void Add(ReadOnlySpan<byte> record, Dictionary<uint, string> names, ref bool inStart)
    {
        var type = LogRecord.TypeOf(record);
        var body = new BodyReader(record[LogRecord.HeaderSize..]);
        switch (type)
        {
            case LogRecordType.SegmentStart or LogRecordType.IdFloor or LogRecordType.ChannelPolicy:
                return;
            case LogRecordType.ChannelDefined:
            {
                var number = body.U32();
                var lastId = body.I64();
                var name = System.Text.Encoding.UTF8.GetString(body.Rest);
                names[number] = name;
                if (inStart)
                    _startLastIds[name] = Math.Max(_startLastIds.GetValueOrDefault(name), lastId);
                Raise(name, lastId);
                return;
            }
            case LogRecordType.Message:
            {
                inStart = false;
                Messages++;
                if (names.TryGetValue(body.U32(), out var name))
                    Raise(name, body.I64());
                return;
            }
            default:
                inStart = false;
                return;
        }
    }

    private void Raise(string channel, long id) => _highestIds[channel] = Math.Max(_highestIds.GetValueOrDefault(channel), id);
}
