using Broker.Engine.Storage;
using Broker.Engine.Storage.Log;
using Broker.Engine.Tests.Crash;
using Broker.Engine.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using static Broker.Engine.Tests.Support.EngineHarness;

namespace Broker.Engine.Tests.Health;

/// <summary>
/// The embedded broker's health, through <c>AddHealthChecks().AddBroker()</c> as an application registers it: a log
/// that works, a directory another process holds (and lets go of), a log stopped by a failed fsync, a directory deleted
/// or replaced under it, a disk nearly full and full.
/// </summary>
public sealed class EmbeddedHealthTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private const long Segment = 64 * 1024;

    [Fact]
    public async Task AWorkingLogIsHealthyAndNamesItsDirectoryAndBytesUsed()
    {
        using var directory = new TempDirectory();
        await using var provider = Embedded(directory.Path);

        var entry = await CheckAsync(provider);

        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal("Embedded", entry.Data["adapter"]);
        Assert.Equal(directory.Path, entry.Data["directory"]);
        Assert.True((long)entry.Data["bytesUsed"] > 0, "A recovered log has its first segment's header.");
        Assert.True((long)entry.Data["freeBytes"] > 0);
        // The probe cleans up after itself, and the check did not produce or declare anything.
        Assert.Empty(Directory.EnumerateFiles(directory.Path, "*.health-probe"));
        Assert.Empty(((EngineTransport)provider.GetRequiredService<IQueueTransport>()).Engine.Channels);
    }

    [Fact]
    public async Task ADirectoryHeldByAnotherProcessIsUnhealthyNamingItAndHealthyOnceThatProcessIsGone()
    {
        using var directory = new TempDirectory();
        using var holder = CrashHostProcess.Start(directory.Path, 1, "hold");
        await holder.Ready.WaitAsync(Generous);
        await using var provider = Embedded(directory.Path);

        var held = await CheckAsync(provider);

        Assert.Equal(HealthStatus.Unhealthy, held.Status);
        Assert.Contains($"is in use by process {holder.Id} ", held.Description, StringComparison.Ordinal);
        Assert.Contains(directory.Path, held.Description, StringComparison.Ordinal);
        Assert.IsType<IOException>(held.Exception);

        holder.Kill();
        var healthy = await UntilAsync(provider, HealthStatus.Healthy);

        Assert.Equal(directory.Path, healthy.Data["directory"]);
        Assert.IsType<EngineTransport>(provider.GetRequiredService<IQueueTransport>());
    }

    [Fact]
    public async Task ALogStoppedByAFailedFsyncIsUnhealthyAndSaysToRestart()
    {
        var fs = new PowerLossFileSystem();
        var store = LogQueueStore.Open("/data", fs, new LogStoreOptions { SegmentBytes = Segment }, TimeProvider.System, null);
        await using var provider = Over(store);
        var transport = provider.GetRequiredService<IQueueTransport>();
        var orders = Channel();
        await transport.ProduceAsync(new ChannelMessage(orders, Bytes("before"), null, TimeSpan.Zero, 0), default);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(provider)).Status);

        fs.FailSyncs = true;
        await Assert.ThrowsAsync<StoreOutcomeUnknownException>(() => transport.ProduceAsync(new ChannelMessage(orders, Bytes("lost"), null, TimeSpan.Zero, 0), default).AsTask());
        fs.FailSyncs = false;
        var entry = await CheckAsync(provider);

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("stopped accepting writes after a write or fsync failed", entry.Description, StringComparison.Ordinal);
        Assert.Contains("restart the process", entry.Description, StringComparison.Ordinal);
        Assert.NotNull(entry.Exception);
    }

    [Fact]
    public async Task ADataDirectoryDeletedOrReplacedUnderTheLogIsUnhealthy()
    {
        using var directory = new TempDirectory();
        await using var provider = Embedded(directory.Path);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(provider)).Status);

        Directory.Delete(directory.Path, recursive: true);
        var gone = await CheckAsync(provider);
        Directory.CreateDirectory(directory.Path);
        var replaced = await CheckAsync(provider);

        Assert.Equal(HealthStatus.Unhealthy, gone.Status);
        Assert.Contains($"The data directory '{directory.Path}' is gone", gone.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Unhealthy, replaced.Status);
        Assert.Contains("is no longer in the data directory", replaced.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANearlyFullDiskIsDegradedAFullOneUnhealthyAndSpaceFreedMakesItHealthyAgain()
    {
        // Room for the manifest, the first segment, its spare and two more segments: fewer than NearlyFullSegments.
        var fs = new PowerLossFileSystem { Capacity = 4 * Segment + 2048 };
        var store = LogQueueStore.Open("/data", fs, new LogStoreOptions { SegmentBytes = Segment, CompactionInterval = TimeSpan.FromMilliseconds(100) }, TimeProvider.System, null);
        await using var provider = Over(store);
        var transport = provider.GetRequiredService<IQueueTransport>();

        var nearlyFull = await CheckAsync(provider);
        var orders = Channel();
        var payload = Bytes(new string('x', 300));
        for (var i = 0; !store.IsFull; i++)
        {
            Assert.True(i < 10_000, "The disk never filled.");
            try
            {
                await transport.ProduceAsync(new ChannelMessage(orders, payload, null, TimeSpan.Zero, 0), default);
            }
            catch (StoreFullException)
            {
                // What the test waits for; IsFull says so too.
            }
        }
        var full = await CheckAsync(provider);
        fs.Capacity = long.MaxValue;
        await UntilAsync(provider, HealthStatus.Healthy);

        Assert.Equal(HealthStatus.Degraded, nearlyFull.Status);
        Assert.Contains("is nearly full", nearlyFull.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Unhealthy, full.Status);
        Assert.Contains("refuses new messages: the disk has no room for another segment", full.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheInMemoryBrokerIsHealthy()
    {
        var services = Services();
        services.AddBroker(b => b.UseInMemory());
        await using var provider = services.BuildServiceProvider();

        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(provider)).Status);
    }

    private static ServiceProvider Embedded(string path)
    {
        var services = Services();
        // Unshared: these tests are about the log's own health in the process that holds it; a shared directory's
        // roles are tested in Broker.Embedded.Tests.
        services.AddBroker(b => b.UseEmbedded(path, o =>
        {
            o.SegmentBytes = 128 * 1024;
            o.Shared = false;
        }));
        return services.BuildServiceProvider();
    }

    /// <summary>The embedded adapter as UseEmbedded builds it, over a store the test opened on its own file system.</summary>
    private static ServiceProvider Over(LogQueueStore store)
    {
        var services = Services();
        services.AddBroker(b => b.UseTransport("Embedded", _ => new EngineTransport(new QueueEngine(store, ownsStore: true), ownsEngine: true)));
        return services.BuildServiceProvider();
    }

    private static ServiceCollection Services()
    {
        var services = new ServiceCollection();
        // The health check service logs; these tests read its report, not its log.
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddHealthChecks().AddBroker(timeout: Generous);
        return services;
    }

    private static async Task<HealthReportEntry> CheckAsync(IServiceProvider provider)
    {
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync().WaitAsync(Generous);
        return report.Entries["broker"];
    }

    private static async Task<HealthReportEntry> UntilAsync(IServiceProvider provider, HealthStatus status)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var entry = await CheckAsync(provider);
            if (entry.Status == status)
                return entry;
            Assert.True(watch.Elapsed < Generous, $"Still {entry.Status} after {Generous.TotalSeconds} s: {entry.Description}");
            await Task.Delay(20);
        }
    }
}
