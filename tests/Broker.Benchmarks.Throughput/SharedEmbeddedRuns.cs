using System.Globalization;
using Broker.Engine.Storage.Log;
using Broker.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Benchmarks.Throughput;

/// <summary>
/// The shared embedded broker's ways in, in alternating rounds of one run (<c>--shared-embedded</c>):
/// <list type="bullet">
/// <item>in-process: this process hosts the directory (<c>UseEmbedded</c>, first to take the lock) and its own channels
/// run on the engine;</item>
/// <item>client process: a second process of this harness on the same directory, a client of the host's
/// <c>broker.sock</c>; the workload runs and is timed in that process;</item>
/// <item>TCP: a broker-server process on loopback TCP with a <c>UseServer</c> client in this process.</item>
/// </list>
/// The same workload on each (<see cref="AdapterRuns"/>: 256 producers awaiting fsync'd acks, then 256 handlers
/// awaiting fsync'd completions), Fsync durability everywhere, 40-byte payloads and 289-byte ones (about the codec
/// benchmarks' OrderEvent, whose BSON is 276 bytes; kept at 289 so runs stay comparable with the recorded ones). Each
/// side runs one unrecorded warm-up round per size (JIT tiering in all three processes); then the rounds alternate, the
/// side that goes first rotating each round, so a slow minute or a compaction left by the previous round falls on every
/// side alike. Each round uses a channel of its own.
/// </summary>
internal static class SharedEmbeddedRuns
{
    public const int Producers = 256;

    /// <summary>A 40-byte message (the raw runs' size) and one of 289 bytes (about an OrderEvent, 276 bytes as BSON).</summary>
    public static readonly int[] PayloadSizes = [40, 289];

    private enum Side
    {
        InProcess,
        ClientProcess,
        Tcp,
    }

    public static async Task RunAsync(Table table, string root, int messages, int rounds)
    {
        Console.WriteLine($"load average at start: {Machine.LoadAverage()}");
        // A short path: the socket's path must fit in 107 bytes.
        var directory = Path.Combine(root, "shared");
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        var services = new ServiceCollection();
        new BrokerBuilder(services).UseEmbedded(directory, o => o.Durability = DurabilityMode.Fsync);
        await using var provider = services.BuildServiceProvider();
        var embedded = provider.GetRequiredService<IQueueTransport>();
        var health = await embedded.CheckHealthAsync(CancellationToken.None);
        if (!health.Data.TryGetValue("role", out var role) || !"host".Equals(role))
            throw new InvalidOperationException($"This process should host '{directory}': {health}");

        await using var client = await SharedClientProcess.StartAsync(directory);
        using var server = BrokerServerProcess.Start(root);
        var tcpServices = new ServiceCollection();
        new BrokerBuilder(tcpServices).UseServer(server.Address);
        await using var tcpProvider = tcpServices.BuildServiceProvider();
        var tcp = tcpProvider.GetRequiredService<IQueueTransport>();

        Task<AdapterRuns.Metered> Round(Side side, string name, byte[] payload, int count) => side switch
        {
            // In-process: client and server are one process, so all its CPU is the client's column.
            Side.InProcess => AdapterRuns.MeterAsync(embedded, new ChannelDefinition($"bench/local-{name}"), payload, Producers, count, serverCpu: null),
            Side.ClientProcess => client.RoundAsync($"bench/socket-{name}", payload.Length, Producers, count),
            _ => AdapterRuns.MeterAsync(tcp, new ChannelDefinition($"bench/tcp-{name}"), payload, Producers, count, server.CpuTime),
        };

        foreach (var size in PayloadSizes)
        {
            var payload = new byte[size];
            Random.Shared.NextBytes(payload);
            foreach (var side in Enum.GetValues<Side>())
                await Round(side, $"{size}-warmup", payload, messages);
            var results = Enum.GetValues<Side>().ToDictionary(s => s, _ => new List<AdapterRuns.Metered>());
            for (var round = 0; round < rounds; round++)
            {
                for (var turn = 0; turn < 3; turn++)
                {
                    var side = (Side)((round + turn) % 3);
                    var r = await Round(side, $"{size}-{round}", payload, messages);
                    results[side].Add(r);
                    Console.WriteLine($"{size} B round {round + 1}, {side}: produce {r.Produce:N0}/s ({r.ProduceClientCpu:0.0} + {r.ProduceServerCpu:0.0} µs CPU/msg), consume {r.Consume:N0}/s ({r.ConsumeClientCpu:0.0} + {r.ConsumeServerCpu:0.0} µs CPU/msg)");
                }
            }
            AddRows(table, size, messages, rounds, results);
        }
        Console.WriteLine($"load average at end: {Machine.LoadAverage()}");
    }

    private static void AddRows(Table table, int size, int messages, int rounds, Dictionary<Side, List<AdapterRuns.Metered>> results)
    {
        var each = $"{messages:N0} messages a round, median of {rounds}";
        foreach (var produce in new[] { true, false })
        {
            double Rate(AdapterRuns.Metered r) => produce ? r.Produce : r.Consume;
            double ClientCpu(AdapterRuns.Metered r) => produce ? r.ProduceClientCpu : r.ConsumeClientCpu;
            double ServerCpu(AdapterRuns.Metered r) => produce ? r.ProduceServerCpu : r.ConsumeServerCpu;
            var what = produce ? "produce 256 in flight, fsync before ack" : "consume + ack, 256 handlers";
            var inProcess = Median(results[Side.InProcess].Select(Rate));
            var socket = Median(results[Side.ClientProcess].Select(Rate));
            var tcp = Median(results[Side.Tcp].Select(Rate));
            // Medians of CPU µs per message: the measuring process's, and the serving process's (none in-process).
            (double Client, double Server) Cpu(Side side) => (Median(results[side].Select(ClientCpu)), Median(results[side].Select(ServerCpu)));
            var (inProcessCpu, _) = Cpu(Side.InProcess);
            var (socketClient, socketHost) = Cpu(Side.ClientProcess);
            var (tcpClient, tcpServer) = Cpu(Side.Tcp);
            table.Add($"local endpoint, {size} B: in-process (the host's own channels), {what}", $"{inProcess:N0} msg/s",
                $"{each}: {List(results[Side.InProcess].Select(Rate))}; CPU {inProcessCpu:0.0} µs/msg");
            table.Add($"local endpoint, {size} B: client process over broker.sock, {what}", $"{socket:N0} msg/s",
                $"{socket / inProcess:0.00} x in-process, {socket / tcp:0.00} x TCP; {List(results[Side.ClientProcess].Select(Rate))}; " +
                $"CPU {socketClient + socketHost:0.0} µs/msg (client {socketClient:0.0} + host {socketHost:0.0})");
            table.Add($"local endpoint, {size} B: broker-server process over loopback TCP, {what}", $"{tcp:N0} msg/s",
                $"{List(results[Side.Tcp].Select(Rate))}; CPU {tcpClient + tcpServer:0.0} µs/msg (client {tcpClient:0.0} + server {tcpServer:0.0})");
        }
    }


    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string List(IEnumerable<double> values) =>
        string.Join(" · ", values.Select(v => (v / 1000).ToString("0", CultureInfo.InvariantCulture) + " k"));
}
