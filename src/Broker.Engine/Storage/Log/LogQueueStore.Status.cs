using System.Diagnostics;
using Broker.Management;

namespace Broker.Engine.Storage.Log;

public sealed partial class LogQueueStore
{
    /// <summary>How many of the latest group commits the fsync mean and maximum of <see cref="ReadStatus"/> cover.</summary>
    public const int StatusSyncWindow = 1024;

    /// <summary>
    /// The log's figures for the management API: bytes of its segment files on disk (a preallocated file counts at its
    /// full size), how many there are, group commits fsync'd since the store was opened, and the mean and longest fsync
    /// over the latest <see cref="StatusSyncWindow"/> of them. Cheap: no lock the writer waits on is held while files
    /// are measured, and the fsync figures come from the ring of durations the writer already keeps. A snapshot
    /// (<see cref="IsReadOnly"/>) has made no fsync.
    /// </summary>
    /// <returns>The figures at this instant.</returns>
    public LogStatus ReadStatus()
    {
        ILogFile?[] files;
        lock (_gate)
            files = [.. _segments.Select(s => s.File)];
        long bytes = 0;
        foreach (var file in files)
        {
            try
            {
                bytes += file?.Length ?? 0;
            }
            catch (Exception ex) when (ex is ObjectDisposedException or IOException)
            {
                // Closed by compaction since the list was taken: the segment is gone.
            }
        }
        var (syncs, meanMs, maxMs) = RecentSyncs(StatusSyncWindow);
        return new LogStatus(bytes, files.Length, syncs, meanMs, maxMs);
    }

    /// <summary>Syncs so far, and the mean and longest of the latest <paramref name="window"/> in milliseconds (0 before the first).</summary>
    private (long Syncs, double MeanMs, double MaxMs) RecentSyncs(int window)
    {
        var syncs = Volatile.Read(ref _syncs);
        var (mean, max) = SummarizeSyncs(_syncTicks, syncs, window);
        return (syncs, mean, max);
    }

    /// <summary>
    /// The mean and longest of the latest <paramref name="window"/> durations (Stopwatch ticks) in <paramref name="ring"/>,
    /// whose length is a power of two and where sync number n (from 1) went to slot (n - 1) mod length; milliseconds.
    /// </summary>
    internal static (double MeanMs, double MaxMs) SummarizeSyncs(long[] ring, long syncs, int window)
    {
        var count = (int)Math.Min(Math.Min(syncs, window), ring.Length);
        if (count == 0)
            return (0, 0);
        long total = 0, longest = 0;
        for (var i = 0; i < count; i++)
        {
            // The writer may overwrite the oldest of these meanwhile: the figure then takes in a newer sync, never a torn one.
            var ticks = Volatile.Read(ref ring[(syncs - 1 - i) & (ring.Length - 1)]);
            total += ticks;
            longest = Math.Max(longest, ticks);
        }
        var msPerTick = 1000.0 / Stopwatch.Frequency;
        return (total * msPerTick / count, longest * msPerTick);
    }
}
