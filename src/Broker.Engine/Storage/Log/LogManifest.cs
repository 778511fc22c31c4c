using System.Buffers.Binary;

namespace Broker.Engine.Storage.Log;

/// <summary>
/// What the log knows about its own segment files, kept outside them so that a file that goes missing is noticed: the
/// oldest segment not deleted by compaction (<see cref="First"/>), the newest one ever created (<see cref="Last"/>),
/// the segments whose loss an operator accepted (<see cref="Waived"/>), and up to which segment files may come from a
/// version that wrote no start record (<see cref="LegacyThrough"/>).
/// </summary>
/// <remarks>
/// The file <c>MANIFEST</c> has two 512-byte slots, each with a generation number and a CRC-32C. A write goes to the
/// slot not holding the newest state, in place, and is synced: the file never grows, so it can be written on a full
/// disk, and a write torn by a crash leaves the other slot intact. Reading takes the valid slot with the higher
/// generation.
/// </remarks>
internal sealed record LogManifest(long First, long Last, long LegacyThrough, IReadOnlyList<long> Waived)
{
    public const string FileName = "MANIFEST";
    public const int SlotBytes = 512;

    // "BRKMANI1" little-endian.
    private const ulong Magic = 0x31494E414D4B5242;
    private const int FixedBytes = 8 + 8 + 8 + 8 + 8 + 4;

    /// <summary>How many waived segments a slot holds; older ones are dropped first (they are below First soon enough).</summary>
    public const int MaxWaived = (SlotBytes - FixedBytes - 4) / 8;

    public long Generation { get; init; }

    public bool IsWaived(long sequence) => Waived.Contains(sequence);

    /// <summary>This state with <paramref name="sequences"/> waived too, keeping the newest ones that fit.</summary>
    public LogManifest Waive(IEnumerable<long> sequences) =>
        this with { Waived = [.. Waived.Concat(sequences).Distinct().Order().TakeLast(MaxWaived)] };

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
        return newest ?? throw new LogCorruptedException(path, 0, "neither copy of the manifest is intact");
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
        if (created)
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
        BinaryPrimitives.WriteInt32LittleEndian(slot[40..], Waived.Count);
        for (var i = 0; i < Waived.Count; i++)
            BinaryPrimitives.WriteInt64LittleEndian(slot[(FixedBytes + 8 * i)..], Waived[i]);
        BinaryPrimitives.WriteUInt32LittleEndian(slot[^4..], ~Crc32C.Append(~0u, slot[..^4]));
    }

    private static LogManifest? Parse(ReadOnlySpan<byte> slot)
    {
        if (BinaryPrimitives.ReadUInt64LittleEndian(slot) != Magic || ~Crc32C.Append(~0u, slot[..^4]) != BinaryPrimitives.ReadUInt32LittleEndian(slot[^4..]))
            return null;
        var count = BinaryPrimitives.ReadInt32LittleEndian(slot[40..]);
        if (count is < 0 or > MaxWaived)
            return null;
        var waived = new long[count];
        for (var i = 0; i < count; i++)
            waived[i] = BinaryPrimitives.ReadInt64LittleEndian(slot[(FixedBytes + 8 * i)..]);
        return new LogManifest(
            BinaryPrimitives.ReadInt64LittleEndian(slot[16..]),
            BinaryPrimitives.ReadInt64LittleEndian(slot[24..]),
            BinaryPrimitives.ReadInt64LittleEndian(slot[32..]),
            waived)
        {
            Generation = BinaryPrimitives.ReadInt64LittleEndian(slot[8..]),
        };
    }
}
