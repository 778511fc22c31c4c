using System.Net.Sockets;
using Xunit.Abstractions;

namespace Broker.Embedded.Tests.Processes;

/// <summary>
/// A lone host SIGKILLed leaves its socket file behind, bound to nobody. Proves that the next process to start on the
/// directory is not fooled by it: it takes the lock, replaces the file, hosts, handles what the dead one had acknowledged,
/// and serves a client through the new socket.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class StaleSocketTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AProcessStartingAfterALoneHostWasKilledHostsThroughANewSocket()
    {
        await using var fleet = new ProcessFleet();
        var ledger = fleet.Ledger;
        var socketPath = Path.Combine(fleet.Directory, EmbeddedEndpoint.FileName);
        // A producer only: what it acknowledged stays in the log for the next host to hand out.
        var lone = fleet.Start("producer", ProduceMode.Mixed);
        await fleet.ReadyAsync(lone);
        Assert.True(ledger.RoleOf(lone.Name), "A lone process hosts.");
        await fleet.UntilAsync(() => ledger.Acknowledged >= 200, "the lone host to acknowledge produces");

        await lone.KillAsync(ledger);
        var acknowledgedByTheDead = ledger.Acknowledged;

        Assert.True(Path.Exists(socketPath), "A killed host leaves its socket file.");
        using (var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            var refused = await Assert.ThrowsAsync<SocketException>(async () => await probe.ConnectAsync(new UnixDomainSocketEndPoint(socketPath)));
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        }

        var next = fleet.Start("both", ProduceMode.Mixed, count: 200);
        await fleet.ReadyAsync(next);
        Assert.True(ledger.RoleOf(next.Name), "The next process hosts despite the stale socket file.");
        var client = fleet.Start("both", ProduceMode.Mixed, count: 200);
        await fleet.ReadyAsync(client);
        Assert.False(ledger.RoleOf(client.Name), "A second process is the new host's client.");
        await fleet.UntilAsync(() => ledger.HasPrinted(next.Name, ChildOutput.Produced) && ledger.HasPrinted(client.Name, ChildOutput.Produced), "both processes to have their produces acknowledged");
        await fleet.UntilAsync(() => ledger.Lost().Count == 0, "every acknowledged message, the dead host's too, to be handled");

        output.WriteLine($"the dead host acknowledged {acknowledgedByTheDead}; {ledger.Summary()}; handled: {ledger.HandledPerProcess()}");
        Assert.Equal(acknowledgedByTheDead + 400, ledger.Acknowledged);
        Assert.Empty(ledger.Failures);
        Assert.Empty(ledger.Retries);
        Assert.Empty(ledger.StoredTwice());
        Assert.Empty(ledger.Unexpected());
        Assert.Empty(ledger.OverlappingHosts());
    }
}
