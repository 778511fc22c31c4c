using System.Diagnostics;
using System.Runtime;
using System.Runtime.InteropServices;
using Broker.Engine;
using Broker.Engine.Storage.Log;

namespace Broker.Benchmarks.Throughput;

/// <summary>The result table.</summary>
internal sealed class Table
{
    private readonly List<(string What, string Result, string Detail)> _rows = [];

    public void Add(string what, string result, string detail)
    {
        _rows.Add((what, result, detail));
        Console.WriteLine($"  {what}: {result} ({detail})");
    }

    public void Print()
    {
        Console.WriteLine();
        Console.WriteLine("| Measurement | Result | Detail |");
        Console.WriteLine("|---|---:|---|");
        foreach (var (what, result, detail) in _rows)
            Console.WriteLine($"| {what} | {result} | {detail} |");
    }
}

/// <summary>An embedded engine (Fsync durability, default segments) in a fresh directory.</summary>
internal sealed class Embedded : IDisposable
{
    private Embedded(QueueEngine engine) => Engine = engine;

    public QueueEngine Engine { get; }

    public static Embedded Open(string root, string name, bool fresh = true)
    {
        var directory = Path.Combine(root, name);
        if (fresh && Directory.Exists(directory))
            Directory.Delete(directory, recursive: true);
        var store = LogQueueStore.Open(directory, new LogStoreOptions { Durability = DurabilityMode.Fsync });
        return new Embedded(new QueueEngine(store, ownsStore: true));
    }

    public static long Size(string directory) => new DirectoryInfo(directory).EnumerateFiles().Sum(f => f.Length);

    public void Dispose() => Engine.Dispose();
}

/// <summary>Syncs of 64-byte appends, one at a time, as a database's commit would.</summary>
internal static partial class Disk
{
    public static (double PerSecond, double P50, double P99) Measure(string directory, TimeSpan duration, bool preallocated)
    {
        var path = Path.Combine(directory, preallocated ? "fdatasync.bin" : "fsync.bin");
        var record = new byte[64];
        var samples = new List<double>();
        const long Region = 64L * 1024 * 1024;
        using (var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, bufferSize: 0))
        {
            if (preallocated)
            {
                var zeros = new byte[1024 * 1024];
                for (long at = 0; at < Region; at += zeros.Length)
                    file.Write(zeros);
                file.Flush(flushToDisk: true);
            }
            var clock = Stopwatch.StartNew();
            long offset = 0;
            while (clock.Elapsed < duration)
            {
                var started = Stopwatch.GetTimestamp();
                if (preallocated && OperatingSystem.IsLinux())
                {
                    RandomAccess.Write(file.SafeFileHandle, record, offset % Region);
                    if (Fdatasync(file.SafeFileHandle) != 0)
                        throw new IOException("fdatasync failed");
                }
                else
                {
                    file.Write(record);
                    file.Flush(flushToDisk: true);
                }
                samples.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
                offset += record.Length;
            }
            var perSecond = samples.Count / clock.Elapsed.TotalSeconds;
            samples.Sort();
            File.Delete(path);
            return (perSecond, samples[samples.Count / 2], samples[(int)(samples.Count * 0.99)]);
        }
    }

    /// <summary><paramref name="count"/> timed syncs of 64-byte writes.</summary>
    public static List<double> Samples(string directory, int count, bool preallocated)
    {
        var path = Path.Combine(directory, preallocated ? "fdatasync-samples.bin" : "fsync-samples.bin");
        var record = new byte[64];
        var samples = new List<double>(count);
        using (var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, bufferSize: 0))
        {
            if (preallocated)
            {
                file.Write(new byte[count * record.Length]);
                file.Flush(flushToDisk: true);
            }
            for (var i = 0; i < count; i++)
            {
                var started = Stopwatch.GetTimestamp();
                if (preallocated && OperatingSystem.IsLinux())
                {
                    RandomAccess.Write(file.SafeFileHandle, record, i * (long)record.Length);
                    if (Fdatasync(file.SafeFileHandle) != 0)
                        throw new IOException("fdatasync failed");
                }
                else
                {
                    file.Write(record);
                    file.Flush(flushToDisk: true);
                }
                samples.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
            }
        }
        File.Delete(path);
        return samples;
    }

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int Fdatasync(Microsoft.Win32.SafeHandles.SafeFileHandle fd);
}

/// <summary>The two phases of the memory measurement.</summary>
internal static class MemoryRun
{
    public static async Task<((long, long, long) Memory, TimeSpan Elapsed)> ProduceAsync(string root, long total, byte[] payload, Broker.ChannelDefinition channel)
    {
        using var run = Embedded.Open(root, "memory", fresh: false);
        await run.Engine.RecoverAsync();
        var clock = Stopwatch.StartNew();
        long next = 0;
        var tasks = Enumerable.Range(0, 256).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= total)
                await run.Engine.ProduceAsync(new Broker.Transport.OutgoingMessage(channel, payload, null, TimeSpan.Zero, 0));
        })).ToArray();
        await Task.WhenAll(tasks);
        var elapsed = clock.Elapsed;
        return (Memory.Settle(), elapsed);
    }

    public static async Task<((long, long, long) Memory, TimeSpan Elapsed, int Ready)> RecoverAsync(string root, Broker.ChannelDefinition channel)
    {
        using var run = Embedded.Open(root, "memory", fresh: false);
        var clock = Stopwatch.StartNew();
        await run.Engine.RecoverAsync();
        var elapsed = clock.Elapsed;
        return (Memory.Settle(), elapsed, run.Engine.GetStats(channel.Name).Ready);
    }
}

/// <summary>Process memory after a full, compacting collection.</summary>
internal static class Memory
{
    public static (long WorkingSet, long Private, long Heap) Settle()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        using var process = Process.GetCurrentProcess();
        return (process.WorkingSet64, process.PrivateMemorySize64, GC.GetTotalMemory(forceFullCollection: false));
    }

    public static string Format((long WorkingSet, long Private, long Heap) m) =>
        $"RSS {m.WorkingSet / 1048576.0:N0} MiB (private {m.Private / 1048576.0:N0} MiB, managed heap {m.Heap / 1048576.0:N0} MiB)";
}
