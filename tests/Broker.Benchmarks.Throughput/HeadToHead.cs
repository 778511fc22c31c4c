using System.Globalization;
using Broker.Transport;

namespace Broker.Benchmarks.Throughput;

/// <summary>
/// The broker server against raw JetStream, both running at once as processes of their own on this machine, in
/// alternating rounds of the same workload (256 concurrent producers awaiting their acknowledgements, then 256
/// handlers, or JetStream's pull loop, acknowledging the backlog). Each side first runs one unrecorded warm-up round
/// (JIT tiering in the client and in the server, the stores' first files), then the rounds alternate, so a minute
/// when this shared machine is slow hits both sides alike; the medians are compared.
/// </summary>
internal static class HeadToHead
{
    public static async Task RunAsync(Table table, string natsBinary, string root, ChannelDefinition channel, byte[] payload, int producers, int messages, int rounds)
    {
        using var nats = NatsServer.Start(natsBinary, root);
        using var server = BrokerServerProcess.Start(root);
        await using var jetStream = await NatsRuns.OpenRawAsync(nats.Url);
        await using var client = server.Connect();

        await jetStream.RoundAsync(payload, producers, messages, doubleAck: false);
        await client.RoundAsync(channel, payload, producers, messages);

        var raw = new List<(double Publish, double Consume)>();
        var ours = new List<(double Produce, double Consume)>();
        for (var round = 0; round < rounds; round++)
        {
            raw.Add(await jetStream.RoundAsync(payload, producers, messages, doubleAck: false));
            ours.Add(await client.RoundAsync(channel, payload, producers, messages));
            Console.WriteLine($"head-to-head round {round + 1}: JetStream publish {raw[^1].Publish:N0}/s, consume {raw[^1].Consume:N0}/s; server produce {ours[^1].Produce:N0}/s, consume {ours[^1].Consume:N0}/s");
        }
        var (_, doubleAck) = await jetStream.RoundAsync(payload, producers, messages, doubleAck: true);

        var rawPublish = Median(raw.Select(r => r.Publish));
        var rawConsume = Median(raw.Select(r => r.Consume));
        var produce = Median(ours.Select(r => r.Produce));
        var consume = Median(ours.Select(r => r.Consume));
        var each = $"{messages:N0} messages a round, median of {rounds}";
        table.Add("head-to-head: raw JetStream (NATS.Net), publish 256 in flight, Nats-Msg-Id", $"{rawPublish:N0} msg/s", $"{each}: {List(raw.Select(r => r.Publish))}; PubAck not preceded by an fsync");
        table.Add("head-to-head: raw JetStream (NATS.Net), consume + AckAsync", $"{rawConsume:N0} msg/s", $"{List(raw.Select(r => r.Consume))}; acks not confirmed by the server");
        table.Add("head-to-head: raw JetStream (NATS.Net), consume + double ack", $"{doubleAck:N0} msg/s", "one round after the others; server-confirmed acks");
        table.Add("head-to-head: server (UseServer, loopback TCP), produce 256 in flight, fsync before ack", $"{produce:N0} msg/s", $"{produce / rawPublish:0.00} x raw JetStream publish; {List(ours.Select(r => r.Produce))}");
        table.Add("head-to-head: server (UseServer, loopback TCP), consume + ack, 256 handlers", $"{consume:N0} msg/s", $"{consume / rawConsume:0.00} x raw JetStream consume + AckAsync; {List(ours.Select(r => r.Consume))}; ack = fsync'd completion, confirmed");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string List(IEnumerable<double> values) =>
        string.Join(" · ", values.Select(v => (v / 1000).ToString("0", CultureInfo.InvariantCulture) + " k"));
}
