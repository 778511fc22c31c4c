using System.Security.Cryptography;
using System.Text;
using Broker.Engine.Storage.Log;

namespace Broker.Engine.Tests.Snapshots;

/// <summary>Data directories with known contents, and what a test needs to see that a snapshot changed none of it.</summary>
internal static class DataDirectories
{
    public const string Work = "ro/work";
    public const string Dead = "ro/dead";
    public const long SegmentBytes = 64 * 1024;

    /// <summary>
    /// Fills <paramref name="directory"/> with <paramref name="ready"/> messages waiting on <see cref="Work"/> and
    /// <paramref name="dead"/> dead letters on <see cref="Dead"/> (error "boom {id}"), then closes it. Small segments,
    /// so a few hundred messages span several.
    /// </summary>
    public static async Task PopulateAsync(string directory, int ready, int dead, int payloadBytes = 400, DurabilityMode durability = DurabilityMode.Fsync, long segmentBytes = SegmentBytes)
    {
        var store = LogQueueStore.Open(directory, new LogStoreOptions { SegmentBytes = segmentBytes, Durability = durability });
        await using var engine = new QueueEngine(store, ownsStore: true);
        await engine.DeclareAsync(new ChannelDefinition(Dead, maxAttempts: 1));
        if (dead > 0)
        {
            for (var i = 0; i < dead; i++)
                await engine.ProduceAsync(Dead, Message($"dead-{i}", payloadBytes));
            await using var subscription = await engine.SubscribeAsync(Dead, new SubscriptionSettings(dead, TimeSpan.FromMinutes(5)));
            for (var i = 0; i < dead; i++)
            {
                var delivery = await subscription.Deliveries.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
                await subscription.FailAsync(delivery, FailureKind.Permanent, $"boom {delivery.Id}", default);
            }
        }
        // Many producers at once share group commits: a large backlog fills in seconds.
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Math.Min(64, Math.Max(1, ready))).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < ready; i = Interlocked.Increment(ref next))
                await engine.ProduceAsync(Work, Message($"work-{i}", payloadBytes));
        })));
    }

    /// <summary>A message whose payload starts with <paramref name="text"/> and is padded to <paramref name="bytes"/>.</summary>
    public static OutgoingMessage Message(string text, int bytes = 0)
    {
        var payload = Encoding.UTF8.GetBytes(text.PadRight(Math.Max(bytes, text.Length), '.'));
        return new OutgoingMessage(payload, null, TimeSpan.Zero, 0);
    }

    /// <summary>Every file of the directory by name, with its length and a SHA-256 of its bytes.</summary>
    public static SortedDictionary<string, string> Fingerprint(string directory)
    {
        var prints = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(directory))
        {
            if (Path.GetFileName(path) == "LOCK")
            {
                // Locked by its holder against any open, reading too (FileShare.None); it is empty anyway.
                prints["LOCK"] = $"{new FileInfo(path).Length} bytes";
                continue;
            }
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            prints[Path.GetFileName(path)] = $"{stream.Length} bytes, sha256 {Convert.ToHexString(SHA256.HashData(stream))}";
        }
        return prints;
    }

    /// <summary>
    /// Files under <paramref name="directory"/> this process has open for writing (Linux, from /proc/self/fdinfo); every
    /// handle a snapshot opens must be read-only.
    /// </summary>
    public static List<string> WritableHandlesUnder(string directory)
    {
        var writable = new List<string>();
        foreach (var fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            string? target;
            string info;
            try
            {
                target = new FileInfo(fd).LinkTarget;
                info = File.ReadAllText(Path.Combine("/proc/self/fdinfo", Path.GetFileName(fd)));
            }
            catch (IOException)
            {
                // Closed meanwhile.
                continue;
            }
            if (target is null || !target.StartsWith(directory + "/", StringComparison.Ordinal))
                continue;
            var flags = info.Split('\n').First(l => l.StartsWith("flags:", StringComparison.Ordinal))["flags:".Length..].Trim();
            // O_WRONLY is 1, O_RDWR 2.
            if ((Convert.ToInt32(flags, 8) & 3) != 0)
                writable.Add(target);
        }
        return writable;
    }

    /// <summary>Every handle under <paramref name="directory"/> this process has open (Linux).</summary>
    public static int HandlesUnder(string directory) =>
        Directory.EnumerateFileSystemEntries("/proc/self/fd").Count(fd =>
        {
            try
            {
                return new FileInfo(fd).LinkTarget?.StartsWith(directory + "/", StringComparison.Ordinal) == true;
            }
            catch (IOException)
            {
                return false;
            }
        });
}
