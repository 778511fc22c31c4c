using System.Net.Sockets;
using System.Runtime.Versioning;
using Microsoft.Extensions.DependencyInjection;
using Broker.Embedded.Tests.Support;
using static Broker.Embedded.Tests.Support.Shared;

namespace Broker.Embedded.Tests;

/// <summary>
/// Who hosts a shared directory, in one process: transports on one directory take the roles separate processes would
/// (the directory's lock is per open file, so a second transport here is refused it just as another process is).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class RoleTests
{
    [Fact]
    public async Task TheFirstTransportHostsInProcessAndTheOthersConnectThroughTheSocket()
    {
        using var directory = new TempDirectory();
        await using var host = await OpenAsync(directory.Path);
        await using var second = await OpenAsync(directory.Path);
        await using var third = await OpenAsync(directory.Path);

        Assert.True(host.IsHost);
        Assert.True(host.IsInProcess);
        Assert.False(second.IsHost);
        Assert.False(third.IsHost);
        Assert.True(File.Exists(Path.Combine(directory.Path, EmbeddedEndpoint.FileName)));

        var orders = Channel();
        await host.ProduceAsync(Message(orders, "from the host"), default);
        await second.ProduceAsync(Message(orders, "from the second"), default);
        await third.ProduceAsync(Message(orders, "from the third"), default);
        await using var subscription = await second.SubscribeAsync(orders, new SubscriptionSettings(10, TimeSpan.FromSeconds(30)), default);
        var received = await ReceiveAsync(subscription, 3);

        Assert.Equal(["from the host", "from the second", "from the third"], received.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ManyStartingAtOnceMakeExactlyOneHost()
    {
        using var directory = new TempDirectory();
        var transports = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => OpenAsync(directory.Path)));
        try
        {
            Assert.Single(transports, t => t.IsHost);
            var orders = Channel();
            foreach (var (transport, i) in transports.Select((t, i) => (t, i)))
                await transport.ProduceAsync(Message(orders, "m" + i), default);
            await using var subscription = await transports[^1].SubscribeAsync(orders, new SubscriptionSettings(10, TimeSpan.FromSeconds(30)), default);
            Assert.Equal(8, (await ReceiveAsync(subscription, 8)).Distinct().Count());
        }
        finally
        {
            foreach (var transport in transports)
                await transport.DisposeAsync();
        }
    }

    [Fact]
    public async Task WhenTheHostLeavesAClientTakesOverAndFindsEverythingAcknowledged()
    {
        using var directory = new TempDirectory();
        var orders = Channel();
        var host = await OpenAsync(directory.Path);
        await using var first = await OpenAsync(directory.Path);
        await using var second = await OpenAsync(directory.Path);
        for (var i = 0; i < 50; i++)
            await first.ProduceAsync(Message(orders, "before " + i), default);

        await host.DisposeAsync();
        await UntilAsync(() => first.IsHost || second.IsHost, "a client to take over");
        Assert.False(first.IsHost && second.IsHost);
        for (var i = 0; i < 50; i++)
            await second.ProduceAsync(Message(orders, "after " + i), default);

        await using var subscription = await first.SubscribeAsync(orders, new SubscriptionSettings(100, TimeSpan.FromSeconds(30)), default);
        var received = await ReceiveAsync(subscription, 100);
        Assert.Equal(100, received.Distinct().Count());
        Assert.False((first.IsHost ? first : second).IsInProcess, "A host by takeover serves its own channels through its socket.");
    }

    [Fact]
    public async Task AGracefulHandOverFailsNoProduceInFlight()
    {
        using var directory = new TempDirectory();
        var orders = Channel();
        var host = await OpenAsync(directory.Path);
        await using var first = await OpenAsync(directory.Path);
        await using var second = await OpenAsync(directory.Path);

        // Two producers keep 32 produces each in flight while the host stops; none may fail, none may be lost.
        using var stop = new CancellationTokenSource();
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<string>();
        async Task ProduceAsync(IQueueTransport transport, string name)
        {
            var channel = await transport.OpenChannelAsync(orders, default);
            var sent = 0;
            while (!stop.IsCancellationRequested)
            {
                var batch = Enumerable.Range(sent, 32).Select(async i =>
                {
                    await channel.ProduceAsync(Message(orders, $"{name} {i}").Message, default);
                    acknowledged.Add($"{name} {i}");
                }).ToArray();
                await Task.WhenAll(batch);
                sent += 32;
            }
        }
        var producers = new[] { ProduceAsync(first, "first"), ProduceAsync(second, "second") };
        await UntilAsync(() => acknowledged.Count >= 500, "produces before the hand-over");

        await host.DisposeAsync();
        var handedOver = acknowledged.Count;
        await UntilAsync(() => acknowledged.Count >= handedOver + 500, "produces after the hand-over");
        await stop.CancelAsync();
        await Task.WhenAll(producers);

        await using var subscription = await first.SubscribeAsync(orders, new SubscriptionSettings(1000, TimeSpan.FromSeconds(30)), default);
        var received = (await ReceiveAsync(subscription, acknowledged.Count)).ToHashSet();
        var lost = acknowledged.Where(a => !received.Contains(a)).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged produce(s) lost, such as {string.Join(", ", lost.Take(5))}.");
    }

    [Fact]
    public async Task AStaleSocketFileIsReplacedByTheNextHost()
    {
        using var directory = new TempDirectory();
        var socketPath = Path.Combine(directory.Path, EmbeddedEndpoint.FileName);
        // A socket bound and abandoned, as a killed host leaves it: the file stays, nobody accepts on it. (Disposing a
        // bound socket would delete the file, which a killed process never does, so it stays open until the end.)
        using var dead = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        dead.Bind(new UnixDomainSocketEndPoint(socketPath));
        Assert.True(Path.Exists(socketPath));

        await using var host = await OpenAsync(directory.Path);
        await using var client = await OpenAsync(directory.Path);

        Assert.True(host.IsHost);
        await client.ProduceAsync(Message(Channel(), "through the new socket"), default);
    }

    [Fact]
    public async Task ASocketPathOfExactlyTheLimitIsTakenAndOneByteMoreIsRefused()
    {
        // "/tmp/" + name + "/broker.sock": a directory name that makes the socket's path exactly the limit, unique.
        var limit = EmbeddedEndpoint.MaxPathBytes;
        var unique = Guid.NewGuid().ToString("N");
        var fits = "/tmp/" + unique + new string('d', limit - "/tmp/".Length - unique.Length - "/broker.sock".Length);

        Assert.Equal(limit, EmbeddedEndpoint.PathIn(fits).Length);
        try
        {
            // The OS takes it too: a host binds there, and a client connects.
            await using var host = await OpenAsync(fits);
            await using var client = await OpenAsync(fits);
            Assert.True(host.IsHost);
            await client.ProduceAsync(Message(Channel(), "at the limit"), default);
        }
        finally
        {
            Directory.Delete(fits, recursive: true);
        }
        Assert.Throws<ArgumentException>(() => EmbeddedEndpoint.PathIn(fits + "d"));
        // Bytes, not characters: one two-byte character instead of a one-byte one is one byte too many.
        Assert.Throws<ArgumentException>(() => EmbeddedEndpoint.PathIn(fits[..^1] + "é"));
    }

    [Fact]
    public async Task ADirectoryWhereTheSocketBelongsStopsTheStartNamingIt()
    {
        using var directory = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(directory.Path, EmbeddedEndpoint.FileName));

        var error = await Assert.ThrowsAsync<IOException>(() => OpenAsync(directory.Path));

        Assert.Contains("is a directory, where the shared embedded broker keeps its socket", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSocketTakesTheDirectorysPermissions()
    {
        using var directory = new TempDirectory();
        File.SetUnixFileMode(directory.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
        await using var host = await OpenAsync(directory.Path);

        var mode = File.GetUnixFileMode(Path.Combine(directory.Path, EmbeddedEndpoint.FileName));

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
    }

    [Fact]
    public void ADirectoryTooDeepForASocketIsRefusedNamingTheLimitAndTheWayOut()
    {
        var deep = "/tmp/" + new string('d', 120);

        var error = Assert.Throws<ArgumentException>(() => new SharedEmbeddedTransport(new EmbeddedBrokerOptions { Path = deep }, TimeProvider.System, null));

        Assert.Contains($"at most {EmbeddedEndpoint.MaxPathBytes}", error.Message, StringComparison.Ordinal);
        Assert.Contains("Shared", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADirectoryHeldByAProcessThatDoesNotShareItIsUnhealthyNamingItAndTheWayOut()
    {
        using var directory = new TempDirectory();
        using var alone = HoldUnshared(directory.Path);
        await using var client = await OpenAsync(directory.Path);

        using var timeout = new CancellationTokenSource(Generous);
        var health = await client.CheckHealthAsync(timeout.Token);

        Assert.Equal(TransportHealthStatus.Unhealthy, health.Status);
        Assert.Contains($"process {Environment.ProcessId} ", health.Description, StringComparison.Ordinal);
        Assert.Contains("UseServer", health.Description, StringComparison.Ordinal);
    }

    /// <summary>Receives and completes <paramref name="count"/> deliveries.</summary>
    private static async Task<List<string>> ReceiveAsync(ITransportSubscription subscription, int count)
    {
        var received = new List<string>();
        using var timeout = new CancellationTokenSource(Generous);
        await foreach (var delivery in subscription.Deliveries.ReadAllAsync(timeout.Token))
        {
            received.Add(Text(delivery));
            await subscription.CompleteAsync(delivery, default);
            if (received.Count == count)
                break;
        }
        return received;
    }
}
