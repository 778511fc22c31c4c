using System.Net.Sockets;
using System.Runtime.Versioning;
using Broker.Embedded.Tests.Support;
using Microsoft.Extensions.Logging;
using static Broker.Embedded.Tests.Support.Shared;

namespace Broker.Embedded.Tests.Attacks;

/// <summary>
/// A host whose socket fails to accept once (the process ran out of file descriptors for a moment: EMFILE) must go on
/// serving its clients once descriptors are free again. Found by the attack: the server's accept loop ends for good on
/// any error but a reset or an abort, while the host keeps the directory's lock, so no client can connect and none can
/// take over until the host process restarts, and the host's own health check still says Healthy.
/// </summary>
[SupportedOSPlatform("linux")]
[Collection(SerialAttacks.Name)]
public sealed class AcceptFailureTests
{
    // Failed before the fix: the accept loop logs "The accept loop failed; the server no longer accepts connections" and
    // ends; the client's produce then fails after 30 s with "Could not connect ... within 10 s".
    [Fact]
    public async Task AHostWhoseSocketRanOutOfFileDescriptorsOnceServesNewClientsAfterwards()
    {
        using var directory = new TempDirectory();
        var log = new CapturedLog();
        await using var host = await Attacked.OpenAsync(directory.Path, log);
        Assert.True(host.IsHost);
        var socketPath = Path.Combine(directory.Path, EmbeddedEndpoint.FileName);

        // Made while descriptors are plentiful and connected once none are left: only the host's accept lacks one.
        var sockets = Enumerable.Range(0, 4).Select(_ => new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)).ToList();
        try
        {
            using (FileDescriptorLimit.Exhaust())
            {
                foreach (var socket in sockets)
                    socket.Connect(new UnixDomainSocketEndPoint(socketPath));
                await log.UntilAsync(
                    l => l.Category == "Broker.Server" && l.Level >= LogLevel.Warning && l.Full.Contains("open files", StringComparison.OrdinalIgnoreCase),
                    Generous, "the host's accept to fail for want of a file descriptor");
            }
        }
        finally
        {
            foreach (var socket in sockets)
                socket.Dispose();
        }

        await using var client = await OpenAsync(directory.Path);
        await client.ProduceAsync(Message(Channel(), "after the shortage"), default);
    }
}
