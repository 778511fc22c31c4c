using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Broker.Nats.JetStream;

/// <summary>What every part of the adapter shares once connected: the connection, JetStream, settings, clock and log.</summary>
internal sealed class NatsContext(INatsConnection connection, INatsJSContext js, NatsTransportOptions options, TimeProvider time, ILogger logger, ServerCapabilities server)
{
    private long _leaseTokens;

    public INatsConnection Connection { get; } = connection;

    public INatsJSContext JetStream { get; } = js;

    public NatsTransportOptions Options { get; } = options;

    public TimeProvider Time { get; } = time;

    public ILogger Logger { get; } = logger;

    public ServerCapabilities Server { get; } = server;

    public Publisher Publisher { get; } = new(js, options.ProduceRetryTimeout, time);

    /// <summary>The wake-ups for idle subscriptions, coalesced per level and partition.</summary>
    public Bell Bell { get; } = new(connection, time);

    /// <summary>
    /// How much earlier than the server's ack wait the client stops trusting a lease: an ack sent just before the
    /// deadline must still arrive before the server redelivers.
    /// </summary>
    public long SafetyMargin => Ticks(TimeSpan.FromTicks(Math.Min(Options.AckWait.Ticks / 10, TimeSpan.FromSeconds(2).Ticks)));

    public long Now => Time.GetTimestamp();

    public long Ticks(TimeSpan duration) => (long)(duration.TotalSeconds * Time.TimestampFrequency);

    public TimeSpan Duration(long ticks) => TimeSpan.FromSeconds((double)ticks / Time.TimestampFrequency);

    public long NextLeaseToken() => Interlocked.Increment(ref _leaseTokens);
}
