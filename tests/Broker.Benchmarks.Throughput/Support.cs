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
    private Embedded(QueueEngine engine, LogQueueStore store)
    {
        Engine = engine;
        Store = store;
    }

    public QueueEngine Engine { get; }

    public LogQueueStore Store { get; }

    /// <summary>Zero-fill segments ahead of use (the default); <c>--no-prealloc</c> turns it off.</summary>
    public static bool Preallocate { get; set; } = true;

    public static Embedded Open(string root, string name, bool fresh = true)
    {
        var directory = Path.Combine(root, name);
        if (fresh && Directory.Exists(directory))
            Directory.Delete(directory, recursive: true);
        var store = LogQueueStore.Open(directory, new LogStoreOptions { Durability = DurabilityMode.Fsync, PreallocateSegments = Preallocate });
        return new Embedded(new QueueEngine(store, ownsStore: true), store);
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

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    internal static partial int Fdatasync(Microsoft.Win32.SafeHandles.SafeFileHandle fd);
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
                await run.Engine.ProduceAsync(channel.Name, new Broker.Transport.OutgoingMessage(payload, null, TimeSpan.Zero, 0));
        })).ToArray();
        await Task.WhenAll(tasks);
        var elapsed = clock.Elapsed;
        return (Memory.Settle(), elapsed);
    }

    public static (string Memory, double Seconds, int Ready) RecoverInChildProcess(string directory)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!, [.. Environment.ProcessPath!.EndsWith("dotnet", StringComparison.Ordinal) ? new[] { typeof(MemoryRun).Assembly.Location } : [], "--recover", directory])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var child = Process.Start(start)!;
        var output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        var line = output.Split('\n').First(l => l.StartsWith("RECOVERED|", StringComparison.Ordinal)).Split('|');
        return (line[1], double.Parse(line[2], System.Globalization.CultureInfo.InvariantCulture), int.Parse(line[3], System.Globalization.CultureInfo.InvariantCulture));
    }

    public static async Task<((long, long, long) Memory, TimeSpan Elapsed, int Ready)> RecoverAsync(string directory, Broker.ChannelDefinition channel)
    {
        var store = LogQueueStore.Open(directory);
        using var engine = new QueueEngine(store, ownsStore: true);
        var clock = Stopwatch.StartNew();
        await engine.RecoverAsync();
        var elapsed = clock.Elapsed;
        return (Memory.Settle(), elapsed, engine.GetStats(channel.Name).Ready);
    }
}

/// <summary>
/// A long-lived file to time syncs on, like a log segment: appends to a growing file (fsync), or overwrites of a
/// preallocated, zeroed one (fdatasync). Created once, so its creation is not what is measured.
/// </summary>
internal sealed class SyncProbe : IDisposable
{
    private const long Region = 16L * 1024 * 1024;
    private readonly FileStream _file;
    private readonly bool _preallocated;
    private readonly byte[] _record = new byte[64];
    private long _offset;

    public SyncProbe(string directory, bool preallocated)
    {
        _preallocated = preallocated;
        _file = new FileStream(Path.Combine(directory, preallocated ? "probe-fdatasync.bin" : "probe-fsync.bin"), FileMode.Create, FileAccess.ReadWrite, FileShare.None, bufferSize: 0, FileOptions.DeleteOnClose);
        if (preallocated)
        {
            var zeros = new byte[1024 * 1024];
            for (long at = 0; at < Region; at += zeros.Length)
                _file.Write(zeros);
        }
        _file.Flush(flushToDisk: true);
    }

    public List<double> Sample(int count)
    {
        var samples = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            if (_preallocated && OperatingSystem.IsLinux())
            {
                RandomAccess.Write(_file.SafeFileHandle, _record, _offset % Region);
                if (Disk.Fdatasync(_file.SafeFileHandle) != 0)
                    throw new IOException("fdatasync failed");
            }
            else
            {
                RandomAccess.Write(_file.SafeFileHandle, _record, _offset);
                _file.Flush(flushToDisk: true);
            }
            _offset += _record.Length;
            samples.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
        }
        return samples;
    }

    public void Dispose() => _file.Dispose();
}

/// <summary>Process memory after a full, compacting collection.</summary>
internal static class Memory
{
    public static (long WorkingSet, long Private, long Heap) Settle()
    {
        // A few rounds with pauses: thread-pool work finishing after a dispose can hold the last references briefly.
        for (var round = 0; round < 3; round++)
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
            Thread.Sleep(200);
        }
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        using var process = Process.GetCurrentProcess();
        return (process.WorkingSet64, process.PrivateMemorySize64, GC.GetTotalMemory(forceFullCollection: false));
    }

    public static string Format((long WorkingSet, long Private, long Heap) m) =>
        $"RSS {m.WorkingSet / 1048576.0:N0} MiB (private {m.Private / 1048576.0:N0} MiB, managed heap {m.Heap / 1048576.0:N0} MiB)";
}

/// <summary>A server process of the harness (nats-server, broker-server) on a free loopback port.</summary>
internal static class ServerProcesses
{
    public static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        var port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    /// <summary>Starts it with its output drained, and waits until its port accepts connections.</summary>
    public static Process StartListening(ProcessStartInfo info, int port, string name)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        var process = ChildProcesses.Track(Process.Start(info) ?? throw new InvalidOperationException($"{name} did not start."));
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                client.Connect(System.Net.IPAddress.Loopback, port);
                return process;
            }
            catch (System.Net.Sockets.SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(30) && !process.HasExited)
            {
                Thread.Sleep(50);
            }
        }
    }
}

