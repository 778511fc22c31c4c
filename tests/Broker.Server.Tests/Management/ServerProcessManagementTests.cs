using Broker.Client;
using Broker.Management;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;

namespace Broker.Server.Tests.Management;

/// <summary>
/// The management API against the real <c>broker-server</c> executable with credentials, as the <c>broker</c> command
/// line uses it: status, channels, peek, dead letters and purge, and a clear refusal of wrong credentials.
/// </summary>
public sealed class ServerProcessManagementTests
{
    private const string Token = "s3cret-token";
    private static readonly ChannelDefinition Jobs = new("billing/invoice");

    [Fact]
    public async Task AToolSeesAndManagesWhatAnApplicationLeftOnTheServer()
    {
        using var data = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(data.Path, "--token", Token);
        await using var app = TestServer.CreateTransport(server.Address, o => o.Token = Token);
        var ids = new List<long>();
        for (var i = 0; i < 3; i++)
            ids.Add((await app.ProduceAsync(Payloads.Message(Jobs, $"invoice {i}"), CancellationToken.None)).MessageId);
        await using (var worker = await app.SubscribeAsync(Jobs, new SubscriptionSettings(1, TimeSpan.FromMinutes(1)), CancellationToken.None))
        {
            var poison = await worker.NextAsync();
            Assert.Equal(SettleOutcome.DeadLettered, await worker.FailAsync(poison, FailureKind.Permanent, "no such customer", CancellationToken.None));
        }
        await using var management = await ManagementScenario.ConnectAsync(server.Address, o => o.Token = Token);

        var status = await management.GetStatusAsync();
        var row = Assert.Single((await management.ListChannelsAsync()).Channels);
        var peeked = await management.PeekAsync(Jobs.Name, 0, 10);
        var dead = Assert.Single((await management.ListDeadLettersAsync(Jobs.Name, 0, 10)).Entries);

        Assert.Equal((BrokerKind.Server, 2), (status.Kind, status.Connections));
        Assert.StartsWith("broker-server ", status.Version, StringComparison.Ordinal);
        Assert.Contains(server.Address, status.Description, StringComparison.Ordinal);
        Assert.Contains(data.Path, status.Description, StringComparison.Ordinal);
        Assert.Equal((Jobs.Name, 2L, 1L, 3L), (row.Name, row.Ready, row.DeadLetters, row.Produced));
        Assert.Equal(ids[1..], peeked.Messages.Select(m => m.Id));
        Assert.Equal((ids[0], "no such customer"), (dead.Id, dead.Error));

        Assert.True(await management.RedriveDeadLetterAsync(Jobs.Name, dead.Id));
        Assert.Equal(3, await management.PurgeAsync(Jobs.Name));
        Assert.Equal(0L, (await management.GetChannelAsync(Jobs.Name))?.Unfinished ?? 0);
    }

    [Fact]
    public async Task WrongCredentialsAreRefusedAtOnceNamingTheServer()
    {
        using var data = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(data.Path, "--token", Token);

        var error = await Assert.ThrowsAsync<ServerConnectionException>(() => ManagementScenario.ConnectAsync(server.Address, o => o.Token = "wrong"));
        var missing = await Assert.ThrowsAsync<ServerConnectionException>(() => ManagementScenario.ConnectAsync(server.Address));

        Assert.Contains(server.Address, error.Message, StringComparison.Ordinal);
        Assert.Equal(Broker.Protocol.ErrorCodes.AuthenticationFailed, Assert.IsType<BrokerServerException>(error.InnerException).Code);
        Assert.Contains(server.Address, missing.Message, StringComparison.Ordinal);
        Assert.Equal(Broker.Protocol.ErrorCodes.Unauthenticated, Assert.IsType<BrokerServerException>(missing.InnerException).Code);
    }
}
