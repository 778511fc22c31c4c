using Broker.Engine;
using Broker.Engine.Storage;
using Microsoft.Extensions.Logging;

namespace Broker.Testing;

/// <summary>
/// What one harness owns: the clock, the journal, and the in-memory engine behind the recording transport. One per
/// service provider; the provider disposes the transport (and with it the engine).
/// </summary>
internal sealed class HarnessBroker
{
    public HarnessBroker(BrokerTestHarnessOptions options, BrokerTestClock clock, ILoggerFactory? loggerFactory)
    {
        Options = options;
        Clock = clock;
        // The engine UseInMemory() builds, on the harness clock: every rule of the delivery contract, nothing persisted.
        Engine = new QueueEngine(new MemoryQueueStore(), new QueueEngineOptions(), clock, loggerFactory?.CreateLogger("Broker.Engine"));
        Transport = new RecordingTransport(new EngineTransport(Engine, ownsEngine: true), Journal);
    }

    public BrokerTestHarnessOptions Options { get; }

    public BrokerTestClock Clock { get; }

    public HarnessJournal Journal { get; } = new();

    public QueueEngine Engine { get; }

    public RecordingTransport Transport { get; }

    /// <summary>The channels holding a delivered message that is not settled yet: a handler is running, or about to.</summary>
    /// <remarks>
    /// The engine hands a due message to a subscription with credit inside the call that made it due (a produce, a settle,
    /// a timer), so "nothing leased" means no handler has work: what is left is delayed, or has nobody to consume it.
    /// </remarks>
    public List<ChannelStats> Busy()
    {
        var busy = new List<ChannelStats>();
        foreach (var channel in Engine.Channels)
        {
            var stats = Engine.GetStats(channel);
            if (stats.Leased > 0)
                busy.Add(stats);
        }
        return busy;
    }
}
