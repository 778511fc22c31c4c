using System.Globalization;
using Broker.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Benchmarks.Throughput.Peers;

/// <summary>
/// The head-to-head comparison of issue 17: every side (<see cref="IPeer"/>) runs the same workloads in alternating
/// rounds of one run, so a slow minute on this shared machine hits every side alike, and rows compare medians.
/// <list type="bullet">
/// <item>Sides: raw JetStream (AckAsync, and double ack), our NATS adapter, the broker server, the embedded broker,
/// MassTransit on RabbitMQ when <c>rabbitmq-server</c> is installed, and the typed end-to-end path (a generated channel
/// and a hosted consumer) on the server, embedded and NATS.</item>
/// <item>Workloads: the 40-byte message and the 276-byte OrderEvent (<see cref="PeerWorkload"/>), 256 in flight.</item>
/// <item>Each side first runs one unrecorded warm-up round per workload (JIT tiering in clients and servers, the
/// stores' first files), then <c>rounds</c> rounds; the order of the sides rotates from round to round.</item>
/// </list>
/// </summary>
internal static class PeerRuns
{
    /// <summary>Producers awaiting acknowledgements, and consume acknowledgements in flight, on every side.</summary>
    public const int InFlight = 256;

    /// <summary>Opens every side this machine can run. Skipped sides are listed in the table with the reason.</summary>
    public static async Task RunAsync(Table table, string root, int messages, int rounds, Func<string, bool> include)
    {
        Console.WriteLine($"peers: start {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC, load average {Machine.LoadAverage()}");
        await using var sides = new PeerSet();
        var natsBinary = NatsServer.FindBinary();
        if (natsBinary is null)
            table.Add("peers: raw JetStream and the NATS adapter", "skipped", "nats-server not found on PATH or in /usr/sbin");
        var nats = natsBinary is null ? null : sides.Own(NatsServer.Start(natsBinary, root));
        var server = sides.Own(BrokerServerProcess.Start(root));

        if (nats is not null && include("raw"))
        {
            sides.Add(await RawJetStreamPeer.OpenAsync(nats, doubleAck: false));
            sides.Add(await RawJetStreamPeer.OpenAsync(nats, doubleAck: true));
            sides.Add(await RawJetStreamPeer.OpenAsync(nats, doubleAck: true, RawJetStreamPeer.InFlightOnly));
        }
        if (include("server"))
            sides.Add(Transport("server (UseServer, loopback TCP), fsync before ack", b => b.UseServer(server.Address), server.CpuTime));
        if (include("embedded"))
        {
            var directory = Path.Combine(root, "peers-embedded");
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
            sides.Add(Transport("embedded (UseEmbedded), fsync before ack", b => b.UseEmbedded(directory), null));
        }
        if (nats is not null && include("nats"))
            sides.Add(Transport("NATS adapter (UseNats), double ack", b => b.UseNats(o => o.Url = nats.Url), nats.CpuTime));
        foreach (var typed in TypedPeer.Open(root, server.Address, nats?.Url, include))
            sides.Add(typed);
        if (include("masstransit") && !RabbitMqServer.Installed)
            table.Add("peers: MassTransit on RabbitMQ", "skipped", "rabbitmq-server not installed (apt-get install rabbitmq-server)");
        else if (include("masstransit"))
            sides.Add(await MassTransitPeer.OpenAsync(sides.Own(await RabbitMqServer.StartAsync(root)), table));

        var results = sides.Peers.ToDictionary(p => p, _ => PeerWorkload.All.ToDictionary(w => w, _ => new List<PeerRound>()));
        foreach (var workload in PeerWorkload.All)
        {
            foreach (var peer in sides.Peers)
                await peer.RoundAsync(workload, Count(peer, Math.Max(1000, messages / 4)));
            for (var round = 0; round < rounds; round++)
            {
                // Rotating the order: no side always runs right after the same other side.
                for (var i = 0; i < sides.Peers.Count; i++)
                {
                    var peer = sides.Peers[(i + round) % sides.Peers.Count];
                    var result = await peer.RoundAsync(workload, Count(peer, messages));
                    results[peer][workload].Add(result);
                    Console.WriteLine($"peers {workload.Label} round {round + 1}: {peer.Name}: produce {result.Produce:N0}/s, consume {result.Consume:N0}/s");
                }
            }
        }
        Console.WriteLine($"peers: end {DateTime.UtcNow:yyyy-MM-dd HH:mm:ss} UTC, load average {Machine.LoadAverage()}");
        Report(table, results, messages);
    }

    private static int Count(IPeer peer, int messages) => Math.Max(1000, (int)(messages * peer.Scale));

    private static TransportPeer Transport(string name, Action<BrokerBuilder> use, Func<TimeSpan>? serverCpu)
    {
        var services = new ServiceCollection();
        use(new BrokerBuilder(services));
        var provider = services.BuildServiceProvider();
        return new TransportPeer(name, provider.GetRequiredService<IQueueTransport>(), provider, serverCpu);
    }

    private static void Report(Table table, Dictionary<IPeer, Dictionary<PeerWorkload, List<PeerRound>>> results, int messages)
    {
        foreach (var workload in PeerWorkload.All)
        {
            foreach (var (peer, byWorkload) in results)
            {
                var runs = byWorkload[workload];
                if (runs.Count == 0) continue;
                var each = $"{Count(peer, messages):N0} a round, median of {runs.Count}";
                table.Add($"peers {workload.Label}: {peer.Name}, produce", $"{Median(runs, r => r.Produce):N0} msg/s", $"{each}: {List(runs, r => r.Produce)}{Cpu(runs, r => r.ProduceCpu)}");
                table.Add($"peers {workload.Label}: {peer.Name}, consume + ack", $"{Median(runs, r => r.Consume):N0} msg/s", $"{each}: {List(runs, r => r.Consume)}{Cpu(runs, r => r.ConsumeCpu)}");
            }
            foreach (var (name, ours, theirs, produce, consume) in Ratios())
            {
                // Their side may be several sides running the same work (the raw JetStream sides all publish alike):
                // their rounds are pooled.
                var a = results.Keys.FirstOrDefault(p => p.Name.StartsWith(ours, StringComparison.Ordinal));
                var b = results.Keys.Where(p => p.Name.StartsWith(theirs, StringComparison.Ordinal)).ToList();
                if (a is null || b.Count == 0) continue;
                var (ra, rb) = (results[a][workload], b.SelectMany(p => results[p][workload]).ToList());
                if (produce)
                    table.Add($"peers {workload.Label}: {name}, produce", $"{Median(ra, r => r.Produce) / Median(rb, r => r.Produce):0.00} x", "ratio of medians");
                if (consume)
                    table.Add($"peers {workload.Label}: {name}, consume", $"{Median(ra, r => r.Consume) / Median(rb, r => r.Consume):0.00} x", "ratio of medians");
            }
        }
    }

    /// <summary>The ratios the goals are stated in: (row name, our side's name prefix, their side's, produce?, consume?).</summary>
    private static IEnumerable<(string Name, string Ours, string Theirs, bool Produce, bool Consume)> Ratios() =>
    [
        ("server ÷ raw JetStream publish (the rounds of all three raw sides)", "server (", "raw JetStream (NATS.Net)", true, false),
        ("server ÷ raw JetStream (AckAsync)", "server (", "raw JetStream (NATS.Net), AckAsync", false, true),
        ("server ÷ MassTransit on RabbitMQ", "server (", "MassTransit", true, true),
        ("NATS adapter ÷ raw JetStream publish (the rounds of all three raw sides)", "NATS adapter", "raw JetStream (NATS.Net)", true, false),
        ("NATS adapter ÷ raw JetStream (double ack)", "NATS adapter", "raw JetStream (NATS.Net), double ack", false, true),
        ("NATS adapter ÷ raw JetStream (256 in flight, double ack)", "NATS adapter", "raw JetStream (NATS.Net), 256 in flight, double ack", false, true),
        ("NATS adapter ÷ raw JetStream (AckAsync)", "NATS adapter", "raw JetStream (NATS.Net), AckAsync", false, true),
        ("typed server ÷ raw server transport", "typed: server", "server (", true, true),
        ("typed embedded ÷ raw embedded transport", "typed: embedded", "embedded (", true, true),
        ("typed NATS ÷ raw NATS adapter", "typed: NATS", "NATS adapter", true, true),
    ];

    private static double Median(List<PeerRound> runs, Func<PeerRound, double> rate)
    {
        var sorted = runs.Select(rate).Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    // CPU µs per message, client and serving process together; omitted where the side reads none.
    private static string Cpu(List<PeerRound> runs, Func<PeerRound, double> cpu) =>
        runs.All(r => cpu(r) == 0) ? "" : $"; {Median(runs, cpu):0.0} µs CPU/msg";

    private static string List(List<PeerRound> runs, Func<PeerRound, double> rate) =>
        string.Join(" · ", runs.Select(r => (rate(r) / 1000).ToString("0", CultureInfo.InvariantCulture) + " k"));

    /// <summary>The sides and the server processes they run against, disposed together (sides first).</summary>
    private sealed class PeerSet : IAsyncDisposable
    {
        private readonly List<IDisposable> _processes = [];

        public List<IPeer> Peers { get; } = [];

        public T Own<T>(T process) where T : IDisposable
        {
            _processes.Add(process);
            return process;
        }

        public void Add(IPeer peer) => Peers.Add(peer);

        public async ValueTask DisposeAsync()
        {
            foreach (var peer in Peers)
                await peer.DisposeAsync();
            foreach (var process in _processes)
                process.Dispose();
        }
    }
}
