using System.Diagnostics;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Broker.Benchmarks.Throughput.Peers;

/// <summary>
/// Raw JetStream with NATS.Net and no Broker code, the same shape as our adapter's stream: a work-queue file stream,
/// publishers awaiting each PubAck with a unique <c>Nats-Msg-Id</c>, then one pull loop (<c>ConsumeAsync</c>, 1,000
/// messages a pull, 20,000 acks pending) acknowledging each message, either with <c>AckAsync</c>, which the server does
/// not confirm, or with double acks, which it does (what our adapter's acknowledgement is). A third variant allows only
/// 256 unacknowledged messages (<c>MaxAckPending</c> 256), the in-flight count of every other side: our adapter's 256
/// handlers each await their confirmed ack, where NATS.Net's loop moves on with up to 20,000 acks outstanding.
/// </summary>
internal sealed class RawJetStreamPeer : IPeer
{
    private readonly NatsConnection _connection;
    private readonly NatsJSContext _js;
    private readonly string _stream;
    private readonly bool _doubleAck;
    private readonly NatsServer _server;
    private readonly int _maxAckPending;
    private int _rounds;

    private RawJetStreamPeer(NatsConnection connection, NatsJSContext js, string stream, bool doubleAck, NatsServer server, int maxAckPending)
    {
        _maxAckPending = maxAckPending;
        _connection = connection;
        _js = js;
        _stream = stream;
        _doubleAck = doubleAck;
        _server = server;
    }

    public string Name => (_doubleAck, _maxAckPending) switch
    {
        (false, _) => "raw JetStream (NATS.Net), AckAsync",
        (true, InFlightOnly) => "raw JetStream (NATS.Net), 256 in flight, double ack",
        _ => "raw JetStream (NATS.Net), double ack",
    };

    /// <summary>The unacknowledged messages the consumer allows: NATS.Net's loop at its best, or every side's in-flight count.</summary>
    public const int Unbounded = 20_000, InFlightOnly = PeerRuns.InFlight;

    public static async Task<RawJetStreamPeer> OpenAsync(NatsServer server, bool doubleAck, int maxAckPending = Unbounded)
    {
        var connection = new NatsConnection(new NatsOpts { Url = server.Url });
        var js = new NatsJSContext(connection);
        var stream = !doubleAck ? "RAW" : maxAckPending == Unbounded ? "RAWD" : "RAWF";
        await js.CreateStreamAsync(new StreamConfig(stream, [$"{stream.ToLowerInvariant()}.>"])
        {
            Retention = StreamConfigRetention.Workqueue,
            Storage = StreamConfigStorage.File,
            DuplicateWindow = TimeSpan.FromMinutes(2),
        });
        return new RawJetStreamPeer(connection, js, stream, doubleAck, server, maxAckPending);
    }

    public async Task<PeerRound> RoundAsync(PeerWorkload workload, int messages)
    {
        var round = ++_rounds;
        var subject = $"{_stream.ToLowerInvariant()}.{round}";
        var cpu = Cpu();
        var publish = await PublishAsync(subject, workload.Payload, messages);
        var publishCpu = Cpu();
        var consume = await ConsumeAsync($"c{round}", subject, messages);
        var consumeCpu = Cpu();
        return new PeerRound(publish, consume, (publishCpu - cpu).TotalMicroseconds / messages, (consumeCpu - publishCpu).TotalMicroseconds / messages);
    }

    private async Task<double> PublishAsync(string subject, byte[] payload, int messages)
    {
        long next = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, PeerRuns.InFlight).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= messages)
            {
                var ack = await _js.PublishAsync(subject, payload, opts: new NatsJSPubOpts { MsgId = Guid.NewGuid().ToString("N") });
                ack.EnsureSuccess();
            }
        })));
        return messages / clock.Elapsed.TotalSeconds;
    }

    // One pull loop with many acks in flight, which is what NATS.Net offers; acks are awaited only at the end.
    private async Task<double> ConsumeAsync(string name, string subject, int messages)
    {
        var consumer = await _js.CreateOrUpdateConsumerAsync(_stream, new ConsumerConfig(name)
        {
            AckPolicy = ConsumerConfigAckPolicy.Explicit,
            FilterSubject = subject,
            MaxAckPending = _maxAckPending,
        });
        var clock = Stopwatch.StartNew();
        var received = 0;
        var acks = new List<Task>(messages);
        await foreach (var message in consumer.ConsumeAsync<byte[]>(opts: new NatsJSConsumeOpts { MaxMsgs = Math.Min(1000, _maxAckPending) }))
        {
            acks.Add(message.AckAsync(new AckOpts { DoubleAck = _doubleAck }).AsTask());
            if (++received == messages) break;
        }
        await Task.WhenAll(acks);
        var rate = messages / clock.Elapsed.TotalSeconds;
        await _js.DeleteConsumerAsync(_stream, name);
        return rate;
    }

    // This process's CPU and nats-server's, together.
    private TimeSpan Cpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime + _server.CpuTime();
    }

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
