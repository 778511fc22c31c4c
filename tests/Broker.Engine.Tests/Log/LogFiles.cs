using System.Buffers.Binary;

namespace Broker.Engine.Tests.Log;

/// <summary>Reads a segment's record frames the simple way, to aim damage at them.</summary>
internal static class LogFiles
{
    public const int HeaderSize = 9;

    public readonly record struct Frame(int Offset, int Length, int Type, bool BatchStart);

    public static List<Frame> Frames(byte[] segment)
    {
        var frames = new List<Frame>();
        var offset = 0;
        while (offset + HeaderSize <= segment.Length && segment.AsSpan(offset, HeaderSize).ContainsAnyExcept((byte)0))
        {
            var body = (int)BinaryPrimitives.ReadUInt32LittleEndian(segment.AsSpan(offset));
            frames.Add(new Frame(offset, HeaderSize + body, segment[offset + 4] & 0x7F, (segment[offset + 4] & 0x80) != 0));
            offset += HeaderSize + body;
        }
        return frames;
    }

    public static string[] Segments(string directory) => [.. Directory.GetFiles(directory, "*.seg").Order(StringComparer.Ordinal)];

    public static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        // The segments and the manifest that lists them; not the lock.
        foreach (var file in Directory.GetFiles(from).Where(f => f.EndsWith(".seg", StringComparison.Ordinal) || Path.GetFileName(f) == "MANIFEST"))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
    }
}
