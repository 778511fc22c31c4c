using System.Buffers.Binary;

namespace Broker.Engine.Storage.Log;

/// <summary>
/// What the log knows about its own segment files, kept outside them so that a file that goes missing is noticed: the
/// oldest segment not deleted by compaction (<see cref="First"/>), the newest one ever created (<see cref="Last"/>),
/// the segments whose loss an operator accepted (<see cref="Waived"/>, as ranges), up to which segment files may come
/// from a version that wrote no start record (<see cref="LegacyThrough"/>), and the largest size a segment was ever
/// created with (<see cref="LargestSegment"/>, which bounds how many ids a lost segment can have held).
/// </summary>
/// <remarks>
/// The file <c>MANIFEST</c> has two 4 KiB slots, each with a generation number and a CRC-32C. A write goes to the slot
/// not holding the newest state, in place, and is synced: the file never grows, so it can be written on a full disk,
/// and a write torn by a crash leaves the other slot intact. Reading takes the valid slot with the higher generation.
/// </remarks>
internal sealed record LogManifest(long First, long Last, long LegacyThrough, long LargestSegment, IReadOnlyList<(long From, long To)> Waived)
{
    public const string FileName = "MANIFEST";
    public const int SlotBytes = 4096;

    // "BRKMANI2" little-endian.
    private const ulong Magic = 0x32494E414D4B5242;
    private const int FixedBytes = 8 + 8 + 8 + 8 + 8 + 8 + 4;

    /// <summary>How many waived ranges a slot holds; past that the two closest merge (waiving the few files between them).</summary>
    public const int MaxWaivedRanges = (SlotBytes - FixedBytes - 4) / 16;

    public long Generation { get; init; }

    public bool IsWaived(long sequence) => Waived.Any(r => r.From <= sequence && sequence <= r.To);

    /// <summary>This state with <paramref name="sequences"/> waived too, as few ranges as there are runs of them.</summary>
    public LogManifest Waive(IEnumerable<long> sequences)
    {
        var ranges = new List<(long From, long To)>(Waived);
        foreach (var sequence in sequences)
            ranges.Add((sequence, sequence));
        return this with { Waived = Merge(ranges, First) };
    }

    /// <summary>Waived ranges sorted, joined where they touch, cut below <paramref name="first"/>, and at most <see cref="MaxWaivedRanges"/>.</summary>
    public static IReadOnlyList<(long From, long To)> Merge(IEnumerable<(long From, long To)> ranges, long first)
    {
        var merged = new List<(long From, long To)>();
        foreach (var (from, to) in ranges.Where(r => r.To >= first).Select(r => (Math.Max(r.From, first), r.To)).OrderBy(r => r.Item1))
        {
            if (merged.Count > 0 && from <= merged[^1].To + 1)
                merged[^1] = (merged[^1].From, Math.Max(merged[^1].To, to));
            else
                merged.Add((from, to));
        }
        while (merged.Count > MaxWaivedRanges)
        {
            // Join the two ranges with the fewest segments between them: the smallest stretch of the log goes unchecked.
            var closest = Enumerable.Range(0, merged.Count - 1).MinBy(i => merged[i + 1].From - merged[i].To);
            merged[closest] = (merged[closest].From, merged[closest + 1].To);
            merged.RemoveAt(closest + 1);
        }
        return merged;
    }

    /// <summary>Reads the newest valid slot.</summary>
    /// <returns>The manifest, or null when the file does not exist.</returns>
    /// <exception cref="LogCorruptedException">The file exists but neither slot is valid.</exception>
    public static LogManifest? Read(ILogFileSystem fs, string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!fs.FileExists(path))
            return null;
        using var file = fs.Open(path, create: false);
        var bytes = new byte[2 * SlotBytes];
        var read = file.Read(bytes, 0);
        LogManifest? newest = null;
        for (var slot = 0; slot < 2; slot++)
        {
            if (read < (slot + 1) * SlotBytes)
                break;
            if (Parse(bytes.AsSpan(slot * SlotBytes, SlotBytes)) is { } parsed && (newest is null || parsed.Generation > newest.Generation))
                newest = parsed;
        }
        return newest ?? throw new LogCorruptedException(
            $"The log's manifest '{path}' is damaged: neither of its two copies is intact. It says which segments the log had; " +
            "restore it from a backup, or set AcceptDataLoss to rebuild it from the segment files present.");
    }

    /// <summary>Writes this state as the next generation and syncs it; returns the state as written.</summary>
    public LogManifest Write(ILogFileSystem fs, string directory, LogManifest? previous)
    {
        var path = Path.Combine(directory, FileName);
        var written = this with { Generation = (previous?.Generation ?? 0) + 1 };
        var slot = new byte[SlotBytes];
        written.Format(slot);
        var created = !fs.FileExists(path);
        using var file = fs.Open(path, create: true);
        if (created || file.Length < 2 * SlotBytes)
        {
            // Both slots exist from the start, so later writes never change the file's size.
            file.Write(new byte[2 * SlotBytes], 0);
        }
        file.Write(slot, (written.Generation & 1) * SlotBytes);
        file.Sync();
        if (created)
            fs.SyncDirectory(directory);
        return written;
    }

    private void Format(Span<byte> slot)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(slot, Magic);
        BinaryPrimitives.WriteInt64LittleEndian(slot[8..], Generation);
        BinaryPrimitives.WriteInt64LittleEndian(slot[16..], First);
        BinaryPrimitives.WriteInt64LittleEndian(slot[24..], Last);
        BinaryPrimitives.WriteInt64LittleEndian(slot[32..], LegacyThrough);
        BinaryPrimitives.WriteInt64LittleEndian(slot[40..], LargestSegment);
        BinaryPrimitives.WriteInt32LittleEndian(slot[48..], Waived.Count);
        for (var i = 0; i < Waived.Count; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(slot[(FixedBytes + 16 * i)..], Waived[i].From);
            BinaryPrimitives.WriteInt64LittleEndian(slot[(FixedBytes + 16 * i + 8)..], Waived[i].To);
        }
        BinaryPrimitives.WriteUInt32LittleEndian(slot[^4..], ~Crc32C.Append(~0u, slot[..^4]));
    }

    private static LogManifest? Parse(ReadOnlySpan<byte> slot)
    {
        if (BinaryPrimitives.ReadUInt64LittleEndian(slot) != Magic || ~Crc32C.Append(~0u, slot[..^4]) != BinaryPrimitives.ReadUInt32LittleEndian(slot[^4..]))
            return null;
        var count = BinaryPrimitives.ReadInt32LittleEndian(slot[48..]);
        if (count is < 0 or > MaxWaivedRanges)
            return null;
        var waived = new (long, long)[count];
        for (var i = 0; i < count; i++)
            waived[i] = (BinaryPrimitives.ReadInt64LittleEndian(slot[(FixedBytes + 16 * i)..]), BinaryPrimitives.ReadInt64LittleEndian(slot[(FixedBytes + 16 * i + 8)..]));
        return new LogManifest(
            BinaryPrimitives.ReadInt64LittleEndian(slot[16..]),
            BinaryPrimitives.ReadInt64LittleEndian(slot[24..]),
            BinaryPrimitives.ReadInt64LittleEndian(slot[32..]),
            BinaryPrimitives.ReadInt64LittleEndian(slot[40..]),
            waived)
        {
            Generation = BinaryPrimitives.ReadInt64LittleEndian(slot[8..]),
        };
    }
}
