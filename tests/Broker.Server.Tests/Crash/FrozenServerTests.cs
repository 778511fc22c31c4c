using System.Diagnostics;
using Broker.Client;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;

namespace Broker.Server.Tests.Crash;

/// <summary>
/// A server process frozen (SIGSTOP: a debugger, a deadlock) keeps its sockets open and answers nothing. A produce has no
/// deadline of its own, so before the client's liveness probe it waited for ever; now, after a silence as long as
/// <see cref="ServerClientOptions.RequestTimeout"/> while requests wait, the client asks the server for a channel's
/// counts and closes the connection when that goes unanswered too: the produce resolves as across a crash (here
/// AtLeastOnce: outcome unknown), and the server, thawed, is connected to again.
/// </summary>
public sealed class FrozenServerTests
{
    [Fact]
    public async Task AProduceToAFrozenServerResolvesInsteadOfWaitingForEver()
    {
        using var data = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(data.Path);
        var jobs = new ChannelDefinition("crash/frozen");
        await using var transport = TestServer.CreateTransport(server.Address, o =>
        {
            o.RequestTimeout = TimeSpan.FromSeconds(1);
            o.ReconnectWait = TimeSpan.FromSeconds(2);
            o.ConnectTimeout = TimeSpan.FromSeconds(1);
        });
        await transport.ProduceAsync(Payloads.Message(jobs, "before"), CancellationToken.None);

        server.Process.Freeze();
        var watch = Stopwatch.StartNew();
        ServerConnectionException error;
        try
        {
            error = await Assert.ThrowsAsync<ServerConnectionException>(
                () => transport.ProduceAsync(Payloads.Message(jobs, "while frozen"), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            server.Process.Thaw();
        }

        Assert.True(error.OutcomeUnknown, error.Message);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"The produce resolved only after {watch.Elapsed}.");
        await transport.ProduceAsync(Payloads.Message(jobs, "after the thaw"), CancellationToken.None);
    }
}
