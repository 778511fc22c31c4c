using System.Diagnostics;
using MassTransit;
using RabbitMQ.Client;

namespace Broker.Benchmarks.Throughput.Peers;

/// <summary>
/// MassTransit 8.5 on RabbitMQ 3.10, configured as a user who must not lose a message would: a durable quorum queue,
/// publisher confirms (each <c>Send</c> returns once RabbitMQ confirmed the message), persistent messages, and
/// MassTransit's default System.Text.Json envelope serializer, which is its typed end-to-end path, so this side sends
/// <see cref="PeerUser"/> and <see cref="PeerOrderEvent"/> values, not the workload's BSON bytes. One bus for the whole
/// run; each round connects a receive endpoint for a queue of its own (its consumer counts, 256 prefetched and 256
/// concurrent: acknowledgements in flight), and deletes that queue afterwards.
/// </summary>
internal sealed class MassTransitPeer : IPeer
{
    private readonly IBusControl _bus;
    private readonly IConnection _admin;
    private int _rounds;

    private MassTransitPeer(IBusControl bus, IConnection admin)
    {
        _bus = bus;
        _admin = admin;
    }

    public string Name => "MassTransit 8.5.12 on RabbitMQ 3.10 (quorum queue, publisher confirms, System.Text.Json)";

    /// <summary>
    /// 15-40 k messages a second on this 2-core machine, about a tenth of the server side's rate: a tenth of the count
    /// gives rounds of similar length.
    /// </summary>
    public double Scale => 0.1;

    /// <summary>Starts the bus on <paramref name="server"/>; the table notes other Erlang VMs competing for the CPU.</summary>
    public static async Task<MassTransitPeer> OpenAsync(RabbitMqServer server, Table table)
    {
        if (server.OtherNodes > 0)
            table.Add("peers: MassTransit on RabbitMQ", "warning", $"{server.OtherNodes} other Erlang VM(s) running (rabbitmq-server's own service?): they share the CPU");
        var bus = Bus.Factory.CreateUsingRabbitMq(bus => bus.Host("127.0.0.1", (ushort)server.Port, "/", host =>
        {
            host.Username("guest");
            host.Password("guest");
            // MassTransit's default already; said here because the comparison rests on it.
            host.PublisherConfirmation = true;
        }));
        await bus.StartAsync();
        return new MassTransitPeer(bus, await server.ConnectAsync());
    }

    public async Task<PeerRound> RoundAsync(PeerWorkload workload, int messages)
    {
        var queue = $"peers-masstransit-{workload.Shape.ToString().ToLowerInvariant()}-{++_rounds}";
        var counter = new RoundCounter(messages);

        // The endpoint declares its topology (the quorum queue, and the exchange of the same name bound to it), and
        // stops before a message exists: the producers then fill a backlog, as on every other side.
        var declared = _bus.ConnectReceiveEndpoint(queue, endpoint => Configure(endpoint, counter));
        await declared.Ready;
        await declared.StopAsync();

        // To the endpoint's exchange: a "queue:" address would declare the queue again without x-queue-type, which
        // RabbitMQ 3.10 refuses for a quorum queue (PRECONDITION_FAILED, inequivalent arg), and MassTransit retries.
        var produce = await ProduceAsync(new Uri($"exchange:{queue}"), workload.Shape, messages);

        var consuming = _bus.ConnectReceiveEndpoint(queue, endpoint => Configure(endpoint, counter));
        await counter.Done;
        var consume = messages / Stopwatch.GetElapsedTime(counter.First, counter.Last).TotalSeconds;
        await consuming.StopAsync();

        await using var channel = await _admin.CreateChannelAsync();
        var left = await channel.QueueDeclarePassiveAsync(queue);
        if (left.MessageCount != 0)
            throw new InvalidOperationException($"{left.MessageCount} messages left on {queue}: acknowledgements were lost.");
        await channel.QueueDeleteAsync(queue);
        await channel.ExchangeDeleteAsync(queue);
        return new PeerRound(produce, consume);
    }

    private static void Configure(IReceiveEndpointConfigurator endpoint, RoundCounter counter)
    {
        var rabbit = (IRabbitMqReceiveEndpointConfigurator)endpoint;
        rabbit.SetQuorumQueue();
        rabbit.PrefetchCount = PeerRuns.InFlight;
        rabbit.ConcurrentMessageLimit = PeerRuns.InFlight;
        // Messages are sent to the queue's own exchange: no exchange per message type bound to a queue of one round.
        rabbit.ConfigureConsumeTopology = false;
        rabbit.Consumer(() => new CountingConsumer(counter));
    }

    // 256 producers, each awaiting its Send: MassTransit returns once RabbitMQ confirmed the persistent message.
    private async Task<double> ProduceAsync(Uri address, MessageShape shape, int messages)
    {
        var endpoint = await _bus.GetSendEndpoint(address);
        long next = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, PeerRuns.InFlight).Select(_ => Task.Run(async () =>
        {
            long id;
            while ((id = Interlocked.Increment(ref next)) <= messages)
            {
                if (shape == MessageShape.User)
                    await endpoint.Send(PeerMessages.User(id));
                else
                    await endpoint.Send(PeerMessages.Order(id));
            }
        })));
        return messages / clock.Elapsed.TotalSeconds;
    }

    public async ValueTask DisposeAsync()
    {
        await _bus.StopAsync();
        await _admin.DisposeAsync();
    }

    /// <summary>
    /// Counts a round's consumed messages: the clock runs from the first one's consumer to the last one's (its ack
    /// follows at once), as the other sides' clocks start once their subscription exists, not while it is set up.
    /// </summary>
    private sealed class RoundCounter(int expected)
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _first;
        private int _count;

        public Task Done => _done.Task;

        /// <summary>When the first message reached its consumer (a <see cref="Stopwatch"/> timestamp).</summary>
        public long First => Interlocked.Read(ref _first);

        /// <summary>When the last one did.</summary>
        public long Last { get; private set; }

        public void Count()
        {
            Interlocked.CompareExchange(ref _first, Stopwatch.GetTimestamp(), 0);
            if (Interlocked.Increment(ref _count) != expected) return;
            Last = Stopwatch.GetTimestamp();
            _done.TrySetResult();
        }
    }

    /// <summary>The consumer: one instance per message from its factory, as MassTransit creates consumers (its IConsumer, not ours).</summary>
    private sealed class CountingConsumer(RoundCounter counter) : MassTransit.IConsumer<PeerUser>, MassTransit.IConsumer<PeerOrderEvent>
    {
        public Task Consume(ConsumeContext<PeerUser> context)
        {
            counter.Count();
            return Task.CompletedTask;
        }

        public Task Consume(ConsumeContext<PeerOrderEvent> context)
        {
            counter.Count();
            return Task.CompletedTask;
        }
    }
}
