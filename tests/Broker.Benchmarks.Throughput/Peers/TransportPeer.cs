using Broker.Transport;

namespace Broker.Benchmarks.Throughput.Peers;

/// <summary>
/// One of our adapters through its <see cref="IQueueTransport"/>, as the channel runtime calls it minus the codec
/// (<see cref="AdapterRuns"/>): the raw transport rate that the typed sides are compared with.
/// </summary>
internal sealed class TransportPeer(string name, IQueueTransport transport, IAsyncDisposable owner) : IPeer
{
    private int _rounds;

    public string Name { get; } = name;

    public async Task<PeerRound> RoundAsync(PeerWorkload workload, int messages)
    {
        var channel = new ChannelDefinition($"peers/raw-{workload.Shape.ToString().ToLowerInvariant()}-{++_rounds}");
        var (produce, consume) = await AdapterRuns.MeasureAsync(transport, channel, workload.Payload, PeerRuns.InFlight, messages);
        return new PeerRound(produce, consume);
    }

    public ValueTask DisposeAsync() => owner.DisposeAsync();
}
