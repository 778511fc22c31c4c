using System.Diagnostics;
using Broker.Client;
using Broker.Management;
using Broker.Server.Network;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;

namespace Broker.Server.Tests.Management;

/// <summary>
/// The management API of an in-process server through <see cref="ServerManagement"/> (a tool's own connection) and
/// through an application's transport: channel counts, status, peek, purge and dead letters, end to end over TCP.
/// </summary>
public sealed class ServerManagementTests
{
    private static readonly SubscriptionSettings OneAtATime = new(1, TimeSpan.FromMinutes(1));

    [Fact]
    public async Task ListsEveryChannelWithItsCountsInNameOrder()
    {
        await using var server = await TestServer.StartAsync();
        await using var app = server.CreateTransport();
        var a = new ChannelDefinition("jobs/a");
        var b = new ChannelDefinition("jobs/b");
        await ManagementScenario.DeadLetterAsync(server, b, 2);
        await app.ProduceAsync(Payloads.Message(b, "ready"), CancellationToken.None);
        await app.ProduceAsync(Payloads.Message(a, "first"), CancellationToken.None);
        await app.ProduceAsync(Payloads.Message(a, "second"), CancellationToken.None);
        await app.ProduceAsync(Payloads.Message(a, "later", delay: TimeSpan.FromMinutes(10)), CancellationToken.None);
        await using var worker = await app.SubscribeAsync(a, OneAtATime, CancellationToken.None);
        await worker.NextAsync();
        await using var management = await ManagementScenario.ConnectAsync(server.Address);

        var overview = await management.ListChannelsAsync();

        Assert.Equal(["jobs/a", "jobs/b"], overview.Channels.Select(c => c.Name));
        var (rowA, rowB) = (overview.Channels[0], overview.Channels[1]);
        Assert.Equal((1L, 1L, 1L, 0L, 1), (rowA.Ready, rowA.Delayed, rowA.InFlight, rowA.DeadLetters, rowA.Subscriptions));
        Assert.Equal((1L, 0L, 0L, 2L, 0), (rowB.Ready, rowB.Delayed, rowB.InFlight, rowB.DeadLetters, rowB.Subscriptions));
        Assert.Equal((3L, 0L), (rowA.Produced, rowA.Completed));
        Assert.Equal((3L, 0L), (rowB.Produced, rowB.Completed));
        Assert.Equal(server.Engine.GetStats(a.Name).LastId, rowA.LastId);
        Assert.NotNull(rowA.OldestProducedAt);
        Assert.InRange(overview.TakenAt, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal(rowA, await management.GetChannelAsync(a.Name));
        Assert.Null(await management.GetChannelAsync("jobs/none"));
    }

    [Fact]
    public async Task StatusTellsTheServerItsVersionAndItsConnections()
    {
        await using var server = await TestServer.StartAsync();
        var app = server.CreateTransport();
        await app.ProduceAsync(Payloads.Message(new ChannelDefinition("jobs/status"), "one"), CancellationToken.None);
        await using var management = await ManagementScenario.ConnectAsync(server.Address);

        var status = await management.GetStatusAsync();

        Assert.Equal(BrokerKind.Server, status.Kind);
        Assert.Contains(server.Address, status.Description, StringComparison.Ordinal);
        Assert.Contains(server.Options.DataDirectory, status.Description, StringComparison.Ordinal);
        Assert.Equal(BrokerServer.Version, status.Version);
        Assert.Equal(2, status.Connections);
        Assert.Equal((1, 1L, 0L), (status.Channels, status.Produced, status.Completed));
        Assert.False(status.ReadOnly);
        Assert.Null(status.Log);
        Assert.InRange(status.StartedAt, status.TakenAt.AddMinutes(-5), status.TakenAt);

        await app.DisposeAsync();
        await Waits.UntilAsync(async () => (await management.GetStatusAsync()).Connections == 1, "the application's connection to be counted out");
    }

    [Fact]
    public async Task PeekShowsEveryUnfinishedMessageAndChangesNothing()
    {
        await using var server = await TestServer.StartAsync();
        await using var app = server.CreateTransport();
        var jobs = new ChannelDefinition("jobs/peek");
        var headers = HeaderCodec.Encode(new Dictionary<string, string> { ["tenant"] = "acme" }, jobs.Name);
        var ids = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            var message = Payloads.Message(jobs, $"m{i}") with { Headers = i == 1 ? headers : default };
            ids.Add((await app.ProduceAsync(message, CancellationToken.None)).MessageId);
        }
        var delayed = (await app.ProduceAsync(Payloads.Message(jobs, "later", delay: TimeSpan.FromMinutes(10)), CancellationToken.None)).MessageId;
        await using var management = await ManagementScenario.ConnectAsync(server.Address);
        var before = await management.GetChannelAsync(jobs.Name);

        var all = await management.PeekAsync(jobs.Name, 0, 100);
        var paged = await PeekAllAsync(management, jobs.Name, pageSize: 2);

        Assert.False(all.More);
        Assert.Equal([.. ids, delayed], all.Messages.Select(m => m.Id));
        Assert.Equal(all.Messages.Select(m => m.Id), paged.Select(m => m.Id));
        Assert.All(all.Messages, m => Assert.Equal((jobs.Name, 0), (m.Channel, m.DeliveryCount)));
        Assert.Equal(["m0", "m1", "m2", "m3", "later"], all.Messages.Select(m => Payloads.Text(m.Payload)));
        Assert.Equal([PeekedState.Ready, PeekedState.Ready, PeekedState.Ready, PeekedState.Ready, PeekedState.Delayed], all.Messages.Select(m => m.State));
        Assert.Equal("acme", HeaderCodec.Decode(all.Messages[1].Headers.Span)["tenant"]);
        Assert.True(all.Messages[0].Headers.IsEmpty);
        Assert.Null(all.Messages[0].DueAt);
        Assert.InRange(all.Messages[4].DueAt!.Value - all.Messages[4].ProducedAt, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(11));
        Assert.Equal(before, await management.GetChannelAsync(jobs.Name));

        // A consumer afterwards sees every message as a first delivery, in the order they were produced.
        await using var worker = await app.SubscribeAsync(jobs, new SubscriptionSettings(10, TimeSpan.FromMinutes(1)), CancellationToken.None);
        var deliveries = new List<Delivery>();
        for (var i = 0; i < ids.Count; i++)
            deliveries.Add(await worker.NextAsync());
        Assert.Equal(ids, deliveries.Select(d => d.Id));
        Assert.All(deliveries, d => Assert.Equal(1, d.Tries));

        var leased = await management.PeekAsync(jobs.Name, 0, 100);
        Assert.Equal([PeekedState.InFlight, PeekedState.InFlight, PeekedState.InFlight, PeekedState.InFlight, PeekedState.Delayed], leased.Messages.Select(m => m.State));
        Assert.Equal([1, 1, 1, 1, 0], leased.Messages.Select(m => m.DeliveryCount));
    }

    [Fact]
    public async Task PurgeRemovesReadyAndDelayedMessagesAndLeavesInFlightAndDeadLetters()
    {
        await using var server = await TestServer.StartAsync();
        await using var app = server.CreateTransport();
        var jobs = new ChannelDefinition("jobs/purge");
        await ManagementScenario.DeadLetterAsync(server, jobs, 1);
        for (var i = 0; i < 3; i++)
            await app.ProduceAsync(Payloads.Message(jobs, $"ready {i}"), CancellationToken.None);
        await app.ProduceAsync(Payloads.Message(jobs, "later", delay: TimeSpan.FromMinutes(10)), CancellationToken.None);
        await using var worker = await app.SubscribeAsync(jobs, OneAtATime, CancellationToken.None);
        var held = await worker.NextAsync();
        await using var management = await ManagementScenario.ConnectAsync(server.Address);

        var removed = await management.PurgeAsync(jobs.Name);

        Assert.Equal(3, removed);
        var row = await management.GetChannelAsync(jobs.Name);
        Assert.Equal((0L, 0L, 1L, 1L), (row!.Ready, row.Delayed, row.InFlight, row.DeadLetters));
        Assert.Equal([held.Id], (await management.PeekAsync(jobs.Name, 0, 100)).Messages.Select(m => m.Id));
        Assert.Equal(SettleOutcome.Completed, await worker.CompleteAsync(held, CancellationToken.None));
        Assert.Equal(0, await management.PurgeAsync(jobs.Name));
        Assert.Equal(0L, (await management.GetChannelAsync(jobs.Name))!.Unfinished);
    }

    [Fact]
    public async Task DeadLettersAreListedShownRedrivenAndDeleted()
    {
        await using var server = await TestServer.StartAsync();
        await using var app = server.CreateTransport();
        var jobs = new ChannelDefinition("jobs/dead");
        var ids = await ManagementScenario.DeadLetterAsync(server, jobs, 3, "bad input");
        await using var management = await ManagementScenario.ConnectAsync(server.Address);

        var first = await management.ListDeadLettersAsync(jobs.Name, 0, 2);
        var rest = await management.ListDeadLettersAsync(jobs.Name, first.Entries[^1].Id, 2);
        var shown = await management.GetDeadLetterAsync(jobs.Name, ids[0]);

        Assert.Equal(ids[..2], first.Entries.Select(e => e.Id));
        Assert.True(first.More);
        Assert.Equal([ids[2]], rest.Entries.Select(e => e.Id));
        Assert.False(rest.More);
        Assert.Equal(("dead 0", "bad input", jobs.Name), (Payloads.Text(shown!.Payload), shown.Error, shown.Channel));

        Assert.True(await management.RedriveDeadLetterAsync(jobs.Name, ids[0]));
        await using (var worker = await app.SubscribeAsync(jobs, OneAtATime, CancellationToken.None))
        {
            var redriven = await worker.NextAsync();
            Assert.Equal((ids[0], "dead 0"), (redriven.Id, redriven.Text()));
            Assert.Equal(SettleOutcome.Completed, await worker.CompleteAsync(redriven, CancellationToken.None));
        }
        Assert.True(await management.DeleteDeadLetterAsync(jobs.Name, ids[1]));
        Assert.Null(await management.GetDeadLetterAsync(jobs.Name, ids[1]));
        Assert.False(await management.DeleteDeadLetterAsync(jobs.Name, ids[1]));
        Assert.False(await management.RedriveDeadLetterAsync(jobs.Name, 999_999));
        Assert.Equal([ids[2]], (await management.ListDeadLettersAsync(jobs.Name, 0, 10)).Entries.Select(e => e.Id));
    }

    [Fact]
    public async Task AnApplicationsTransportAnswersTheManagementApiOverItsOwnConnection()
    {
        await using var server = await TestServer.StartAsync();
        await using var app = server.CreateTransport();
        var jobs = new ChannelDefinition("jobs/app");
        await app.ProduceAsync(Payloads.Message(jobs, "one"), CancellationToken.None);

        var management = Assert.IsAssignableFrom<IManageableTransport>(app).Management;
        var overview = await management.ListChannelsAsync();
        var status = await management.GetStatusAsync();

        Assert.Equal([jobs.Name], overview.Channels.Select(c => c.Name));
        Assert.Equal(1, status.Connections);
        Assert.Equal(1, server.Server.ConnectionCount);
        Assert.Same(management, ((IManageableTransport)app).Management);
    }

    [Fact]
    public async Task ConnectingWhereNothingListensFailsAtOnceNamingTheAddress()
    {
        var address = $"127.0.0.1:{FreePorts.Next()}";
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<ServerConnectionException>(() => ManagementScenario.ConnectAsync(address));

        Assert.Contains(address, error.Message, StringComparison.Ordinal);
        Assert.Contains("refused", error.Message, StringComparison.Ordinal);
        // One attempt, not ReconnectWait's 30 s of retries.
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task ConnectingWithWrongCredentialsFailsAtOnceSayingSo()
    {
        await using var server = await TestServer.StartAsync(o => o with { Token = "s3cret" });
        var watch = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<ServerConnectionException>(() => ManagementScenario.ConnectAsync(server.Address, o => o.Token = "wrong"));

        Assert.Contains(server.Address, error.Message, StringComparison.Ordinal);
        Assert.Contains("refused authentication", error.Message, StringComparison.Ordinal);
        Assert.Equal(Broker.Protocol.ErrorCodes.AuthenticationFailed, Assert.IsType<BrokerServerException>(error.InnerException).Code);
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        await using var management = await ManagementScenario.ConnectAsync(server.Address, o => o.Token = "s3cret");
        Assert.Empty((await management.ListChannelsAsync()).Channels);
    }

    [Fact]
    public async Task AnInvalidChannelNameIsRefusedByTheServerWithItsRule()
    {
        await using var server = await TestServer.StartAsync();
        await using var management = await ManagementScenario.ConnectAsync(server.Address);

        var error = await Assert.ThrowsAsync<BrokerServerException>(async () => await management.PeekAsync("jobs//x", 0, 10));

        Assert.Equal(Broker.Protocol.ErrorCodes.InvalidRequest, error.Code);
        Assert.Contains("'jobs//x'", error.Message, StringComparison.Ordinal);
        Assert.Empty((await management.ListChannelsAsync()).Channels);
    }

    private static async Task<List<PeekedMessage>> PeekAllAsync(IBrokerManagement management, string channel, int pageSize)
    {
        var all = new List<PeekedMessage>();
        long after = 0;
        while (true)
        {
            var page = await management.PeekAsync(channel, after, pageSize);
            Assert.InRange(page.Messages.Count, 1, pageSize);
            all.AddRange(page.Messages);
            if (!page.More) return all;
            after = page.Messages[^1].Id;
        }
    }
}
