using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Broker.Transport;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Broker.Benchmarks.Throughput;

/// <summary>A nats-server 2.9 with JetStream on a free loopback port and a store of its own, stopped by its process id.</summary>
internal sealed class NatsServer : IDisposable
{
    private readonly Process _process;

    private NatsServer(Process process, int port, string store)
    {
        _process = process;
        Url = $"nats://127.0.0.1:{port}";
        Store = store;
    }

    public string Url { get; }

    public string Store { get; }

    public static string? FindBinary() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Append("/usr/sbin")
            .Select(d => Path.Combine(d, "nats-server")).FirstOrDefault(File.Exists);

    public static NatsServer Start(string binary, string root)
    {
        var store = Path.Combine(root, "nats");
        if (Directory.Exists(store)) Directory.Delete(store, recursive: true);
        var port = ServerProcesses.FreePort();
        var process = ServerProcesses.StartListening(new ProcessStartInfo(binary, $"-a 127.0.0.1 -p {port} -js -sd \"{store}\""), port, "nats-server");
        return new NatsServer(process, port, store);
    }

    public void Dispose()
    {
        _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
    }
}

internal static class NatsRuns
{
    /// <summary>Our NATS adapter, resolved exactly as an application gets it from <c>UseNats</c>.</summary>
    public static async Task<(double Produce, double Consume)> AdapterAsync(string url, ChannelDefinition channel, byte[] payload, int producers, int messages)
    {
        var services = new ServiceCollection();
        new BrokerBuilder(services).UseNats(o => o.Url = url);
        await using var provider = services.BuildServiceProvider();
        var transport = provider.GetRequiredService<IQueueTransport>();
        return await AdapterRuns.MeasureAsync(transport, channel, payload, producers, messages);
    }

    /// <summary>
    /// Opens raw JetStream with NATS.Net, the same shape as our adapter's stream: a work-queue file stream whose rounds
    /// each publish to a subject of their own.
    /// </summary>
    public static async Task<RawJetStream> OpenRawAsync(string url)
    {
        var connection = new NatsConnection(new NatsOpts { Url = url });
        var js = new NatsJSContext(connection);
        await js.CreateStreamAsync(new StreamConfig("RAW", ["raw.>"])
        {
            Retention = StreamConfigRetention.Workqueue,
            Storage = StreamConfigStorage.File,
            DuplicateWindow = TimeSpan.FromMinutes(2),
        });
        return new RawJetStream(connection, js);
    }

    /// <summary>A raw JetStream connection whose rounds the head-to-head comparison alternates with the server's.</summary>
    internal sealed class RawJetStream(NatsConnection connection, NatsJSContext js) : IAsyncDisposable
    {
        private int _rounds;

        /// <summary>
        /// N concurrent publishers awaiting each PubAck (with a unique Nats-Msg-Id, as our adapter sends), then a pull
        /// consumer acknowledging each message, on a subject of the round's own.
        /// </summary>
        public async Task<(double Publish, double Consume)> RoundAsync(byte[] payload, int producers, int messages, bool doubleAck)
        {
            var round = ++_rounds;
            var publish = await PublishAsync(js, $"raw.{round}", payload, producers, messages);
            var consume = await ConsumeAsync(js, $"c{round}", $"raw.{round}", messages, doubleAck);
            return (publish, consume);
        }

        public ValueTask DisposeAsync() => connection.DisposeAsync();
    }

    private static async Task<double> PublishAsync(NatsJSContext js, string subject, byte[] payload, int producers, int messages)
    {
        long next = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, producers).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= messages)
            {
                var ack = await js.PublishAsync(subject, payload, opts: new NatsJSPubOpts { MsgId = Guid.NewGuid().ToString("N") });
                ack.EnsureSuccess();
            }
        })));
        return messages / clock.Elapsed.TotalSeconds;
    }

    // A single pull loop with many acks in flight: what NATS.Net offers; acks are not awaited one by one unless double.
    private static async Task<double> ConsumeAsync(NatsJSContext js, string name, string subject, int messages, bool doubleAck)
    {
        var consumer = await js.CreateOrUpdateConsumerAsync("RAW", new ConsumerConfig(name)
        {
            AckPolicy = ConsumerConfigAckPolicy.Explicit,
            FilterSubject = subject,
            MaxAckPending = 20_000,
        });
        var clock = Stopwatch.StartNew();
        var received = 0;
        var acks = new List<Task>(messages);
        await foreach (var message in consumer.ConsumeAsync<byte[]>(opts: new NatsJSConsumeOpts { MaxMsgs = 1000 }))
        {
            acks.Add(message.AckAsync(new AckOpts { DoubleAck = doubleAck }).AsTask());
            if (++received == messages) break;
        }
        await Task.WhenAll(acks);
        return messages / clock.Elapsed.TotalSeconds;
    }
}
