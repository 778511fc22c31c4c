using System.Collections.Concurrent;
using Broker.Client;
using Broker.Conformance.Faults;
using Broker.Protocol;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;
using Xunit.Abstractions;

namespace Broker.Server.Tests.Faults;

/// <summary>
/// A real broker-server on a 20 MB tmpfs with 1 MiB segments, filled by 16 producers while a worker completes: a
/// produce the client is told failed (StorageFull) is never delivered, not even after a SIGKILL and a restart; the
/// worker's completions keep working; the server takes messages again once the disk grows, without a restart; and it
/// logs a few lines, not one stack trace per request.
/// </summary>
[Collection(Serial.Name)]
public sealed class ServerDiskFullTests(ITestOutputHelper output)
{
    // Half the producers fill a backlog nobody consumes, half feed a worker that completes everything.
    private static readonly ChannelDefinition Backlog = new("jobs/backlog");
    private static readonly ChannelDefinition Work = new("jobs/work");
    private static readonly string Filler = new('x', 4000);

    [TmpfsFact]
    public async Task RefusedProducesAreNeverDeliveredAndTheServerResumesWhenTheDiskGrows()
    {
        using var disk = Tmpfs.Mount(20L * 1024 * 1024);
        var data = Path.Combine(disk.Path, "data");
        await using var server = await ServerProcess.StartAsync(data, "--segment-bytes", "1MiB");
        await using var client = TestServer.CreateTransport(server.Address);
        // Text -> channel.
        var acknowledged = new ConcurrentDictionary<string, string>();
        var refused = new ConcurrentDictionary<string, bool>();
        var unknown = new ConcurrentDictionary<string, bool>();
        var completed = new ConcurrentDictionary<string, bool>();
        var settlesRefused = 0;

        await using var worker = await client.SubscribeAsync(Work, new SubscriptionSettings(16, TimeSpan.FromMinutes(1)), CancellationToken.None);
        using var stop = new CancellationTokenSource();
        var consumer = Task.Run(async () =>
        {
            await foreach (var delivery in worker.Deliveries.ReadAllAsync(stop.Token))
            {
                try
                {
                    if (await worker.CompleteAsync(delivery, CancellationToken.None) == SettleOutcome.Completed)
                        completed[TextOf(delivery)] = true;
                }
                catch (BrokerServerException ex) when (ex.Code == "StorageFull")
                {
                    Interlocked.Increment(ref settlesRefused);
                }
            }
        });

        var producers = Enumerable.Range(0, 16).Select(p => Task.Run(async () =>
        {
            for (var i = 0; refused.Count < 100; i++)
                await ProduceAsync(client, p % 2 == 0 ? Backlog : Work, $"p{p}-{i}", acknowledged, refused, unknown);
        })).ToList();
        await Task.WhenAll(producers).WaitAsync(TimeSpan.FromMinutes(3));

        // The disk grows: the same server process takes messages again.
        disk.Resize(64L * 1024 * 1024);
        for (var attempt = 0; !await ProduceAsync(client, Backlog, $"after-{attempt}", acknowledged, refused, unknown); attempt++)
        {
            Assert.True(attempt < 600, "The server did not take messages again after the disk grew.");
            await Task.Delay(100);
        }
        await stop.CancelAsync();
        await consumer.ContinueWith(_ => { }, TaskScheduler.Default);
        var log = server.Process.Output;

        // SIGKILL, restart on the same files, and read everything back.
        await server.KillAsync();
        await server.StartAsync();
        await using var reader = TestServer.CreateTransport(server.Address);
        await using var backlog = await reader.SubscribeAsync(Backlog, new SubscriptionSettings(10_000, TimeSpan.FromMinutes(5)), CancellationToken.None);
        await using var work = await reader.SubscribeAsync(Work, new SubscriptionSettings(10_000, TimeSpan.FromMinutes(5)), CancellationToken.None);
        var stored = new HashSet<string>();
        foreach (var (subscription, channel) in new[] { (backlog, Backlog), (work, Work) })
        {
            var expected = acknowledged.Where(a => a.Value == channel.Name && !completed.ContainsKey(a.Key)).Select(a => a.Key).ToHashSet();
            while (!expected.IsSubsetOf(stored))
                stored.Add(TextOf(await subscription.NextAsync(TimeSpan.FromSeconds(30))));
            while (subscription.Deliveries.TryRead(out var more))
                stored.Add(TextOf(more));
        }

        var delivered = stored.Intersect(refused.Keys).ToList();
        var strange = stored.Except(acknowledged.Keys).Except(unknown.Keys).Except(completed.Keys).ToList();
        var stackLines = log.Split('\n').Count(l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
        var lines = log.Split('\n').Length;
        output.WriteLine($"acknowledged {acknowledged.Count}, refused {refused.Count}, unknown {unknown.Count}, completed {completed.Count} (settles refused {settlesRefused}), stored after restart {stored.Count}, refused but delivered {delivered.Count}; server log {lines} lines, {stackLines} stack frames");
        Assert.Empty(delivered);
        Assert.Empty(strange);
        Assert.Empty(unknown);
        Assert.True(completed.Count > 50, $"Only {completed.Count} completions while the disk filled.");
        Assert.Equal(0, stackLines);
        Assert.True(lines < 200, $"The server logged {lines} lines for {refused.Count} refused produces:\n{log}");
    }

    [TmpfsFact]
    public async Task ADiskTooSmallForTheFirstSegmentsStopsTheStartNamingSegmentBytes()
    {
        using var disk = Tmpfs.Mount(3L * 1024 * 1024);
        await using var server = ChildProcess.Start("Broker.Server.dll", ["--data", Path.Combine(disk.Path, "data"), "--listen", $"127.0.0.1:{FreePorts.Next()}", "--segment-bytes", "2MiB"]);

        Assert.Equal(3, await server.WaitForExitAsync());
        Assert.Contains("--segment-bytes", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("listening", server.Output, StringComparison.Ordinal);
    }

    /// <returns>True when the message was stored.</returns>
    private static async Task<bool> ProduceAsync(
        ServerQueueTransport client, ChannelDefinition channel, string text, ConcurrentDictionary<string, string> acknowledged, ConcurrentDictionary<string, bool> refused, ConcurrentDictionary<string, bool> unknown)
    {
        try
        {
            await client.ProduceAsync(Payloads.Message(channel, text + "|" + Filler), CancellationToken.None);
            acknowledged[text] = channel.Name;
            return true;
        }
        catch (BrokerServerException ex) when (ex.Code == ErrorCodes.StorageFull)
        {
            Assert.False(ex.OutcomeUnknown);
            refused[text] = true;
        }
        catch (Exception ex) when (ex is BrokerServerException { OutcomeUnknown: true } or ServerConnectionException { OutcomeUnknown: true })
        {
            unknown[text] = true;
        }
        return false;
    }

    private static string TextOf(Delivery delivery) => delivery.Text().Split('|')[0];
}
