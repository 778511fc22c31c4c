using Broker.Transport;

namespace Broker.Benchmarks.Throughput.Peers;

/// <summary>
/// One of our adapters through its <see cref="IQueueTransport"/>, as the channel runtime calls it minus the codec
/// (<see cref="AdapterRuns"/>): the raw transport rate that the typed sides are compared with.
/// </summary>
internal sealed class TransportPeer(string name, IQueueTransport transport, IAsyncDisposable owner, Func<TimeSpan>? serverCpu) : IPeer
{
    private int _rounds;

    public string Name { get; } = name;

    public async Task<PeerRound> RoundAsync(PeerWorkload workload, int messages)
    {
        var channel = new ChannelDefinition($"peers/raw-{workload.Shape.ToString().ToLowerInvariant()}-{++_rounds}");
        var r = await AdapterRuns.MeterAsync(transport, channel, workload.Payload, PeerRuns.InFlight, messages, serverCpu);
        return new PeerRound(r.Produce, r.Consume, r.ProduceClientCpu + r.ProduceServerCpu, r.ConsumeClientCpu + r.ConsumeServerCpu);
    }

    public ValueTask DisposeAsync() => owner.DisposeAsync();
}
