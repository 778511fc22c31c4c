using Broker.Client;
using Broker.Management;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;

namespace Broker.Server.Tests.Management;

/// <summary>What the management tests set up on a server: connections through <see cref="ServerManagement"/>, dead letters.</summary>
internal static class ManagementScenario
{
    /// <summary>A management connection to <paramref name="address"/>, as the command line opens one.</summary>
    public static Task<IBrokerManagementConnection> ConnectAsync(string address, Action<ServerClientOptions>? configure = null)
    {
        var options = new ServerClientOptions { ConnectTimeout = TimeSpan.FromSeconds(10) };
        configure?.Invoke(options);
        return ServerManagement.ConnectAsync(address, options);
    }

    /// <summary>Produces <paramref name="count"/> messages to <paramref name="channel"/> and dead-letters them, through the server's engine.</summary>
    /// <returns>Their ids.</returns>
    public static async Task<List<long>> DeadLetterAsync(TestServer server, ChannelDefinition channel, int count, string reason = "poison")
    {
        await server.Engine.DeclareAsync(channel);
        var ids = new List<long>();
        for (var i = 0; i < count; i++)
            ids.Add((await server.Engine.ProduceAsync(channel.Name, Payloads.Message(channel, $"dead {i}").Message)).MessageId);
        await using var worker = await server.Engine.SubscribeAsync(channel.Name, new SubscriptionSettings(count, TimeSpan.FromMinutes(1)));
        for (var i = 0; i < count; i++)
        {
            var delivery = await worker.NextAsync();
            Assert.Equal(SettleOutcome.DeadLettered, await worker.FailAsync(delivery, FailureKind.Permanent, reason, CancellationToken.None));
        }
        return ids;
    }
}
