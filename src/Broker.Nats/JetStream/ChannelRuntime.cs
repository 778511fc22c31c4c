using System.Collections.Concurrent;
using Broker.Nats.Consuming;
using Broker.Nats.Naming;
using Microsoft.Extensions.Logging;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Broker.Nats.JetStream;

/// <summary>
/// One channel in one transport: its streams, its consumers (created once and shared by the transport's
/// subscriptions), and the delay scheduler, which runs while the transport has at least one subscription to it.
/// </summary>
internal sealed partial class ChannelRuntime(NatsContext context, ChannelStreams streams)
{
    private readonly ConcurrentDictionary<int, Lazy<Task<INatsJSConsumer>>> _levels = new();
    private readonly ConcurrentDictionary<int, Lazy<Task<INatsJSConsumer>>> _partitions = new();
    private readonly Lock _gate = new();
    private DelayScheduler? _scheduler;
    private int _subscriptions;

    public ChannelStreams Streams { get; } = streams;

    public ChannelNames Names => Streams.Names;

    public ChannelDefinition Channel => Streams.Channel;

    public Task<INatsJSConsumer> LevelConsumerAsync(int level, CancellationToken cancellationToken) =>
        _levels.GetOrAdd(level, l => new Lazy<Task<INatsJSConsumer>>(() => CreateConsumerAsync(
            ChannelNames.LevelConsumer(l), Names.ReadySubject(l), CancellationToken.None))).Value.WaitAsync(cancellationToken);

    public bool HasConsumer(int level) => _levels.ContainsKey(level);

    /// <summary>
    /// The consumer of one partition of keyed messages: <c>MaxAckPending = 1</c>, so the server hands out one message
    /// of the partition at a time across every worker, and gives a NAKed or timed-out one back before the next.
    /// </summary>
    public Task<INatsJSConsumer> PartitionConsumerAsync(int partition, CancellationToken cancellationToken)
    {
        var lazy = _partitions.GetOrAdd(partition, p => new Lazy<Task<INatsJSConsumer>>(() => CreateConsumerAsync(
            ChannelNames.PartitionConsumer(p), Names.KeyedSubject(p), CancellationToken.None, maxAckPending: 1)));
        if (lazy.Value.IsFaulted)
            // Try again next time (the server may have been unreachable).
            _partitions.TryRemove(new KeyValuePair<int, Lazy<Task<INatsJSConsumer>>>(partition, lazy));
        return lazy.Value.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// A durable pull consumer with one filter subject (2.9 ignores the multi-subject form), explicit acks, unlimited
    /// deliveries (the adapter counts attempts itself, see docs/nats.md) and no BackOff list (on 2.9 BackOff replaces the
    /// ack wait of in-flight messages too, which would cut leases short). <paramref name="maxAckPending"/> is unlimited
    /// (-1) except for partitions of keyed messages (1).
    /// </summary>
    /// <remarks>
    /// A stored ack wait longer than this process's is kept, never shortened: every process fences its settles with its
    /// own ack wait (docs/nats.md, "Leases and fencing"), so one still running with the longer value (an older version
    /// on the 30 s default, during a rolling upgrade) would otherwise complete messages the server had already given to
    /// others. A process whose ack wait is shorter than the server's fences early, which is safe.
    /// </remarks>
    public async Task<INatsJSConsumer> CreateConsumerAsync(string name, string filter, CancellationToken cancellationToken, int maxAckPending = -1)
    {
        var ackWait = context.Options.AckWait;
        var existing = await Transient.RetryAsync(ct => FindConsumerAsync(name, ct), context.Options.ProduceRetryTimeout, context.Time, cancellationToken).ConfigureAwait(false);
        if (existing?.Info.Config.AckWait is { } kept && kept > ackWait)
        {
            LogLongerAckWaitKept(context.Logger, name, Names.WorkStream, kept, ackWait);
            ackWait = kept;
        }
        var config = new ConsumerConfig(name)
        {
            DurableName = name,
            FilterSubject = filter,
            AckPolicy = ConsumerConfigAckPolicy.Explicit,
            AckWait = ackWait,
            MaxDeliver = -1,
            MaxAckPending = maxAckPending,
            DeliverPolicy = ConsumerConfigDeliverPolicy.All,
            NumReplicas = 0,
        };
        var consumer = await Transient.RetryAsync(
            ct => context.JetStream.CreateOrUpdateConsumerAsync(Names.WorkStream, config, ct), context.Options.ProduceRetryTimeout, context.Time, cancellationToken).ConfigureAwait(false);
        var stored = consumer.Info.Config;
        // MaxAckPending is checked only where it is set: unlimited is stored as the server's default, not as -1.
        // Another process may have raised the ack wait meanwhile; a shorter one than ours would break our fence.
        if (stored.FilterSubject != filter || stored.AckWait < context.Options.AckWait || maxAckPending > 0 && stored.MaxAckPending != maxAckPending)
            throw new InvalidOperationException(
                $"nats-server stored consumer '{name}' of stream '{Names.WorkStream}' with filter '{stored.FilterSubject}', ack wait {stored.AckWait} and max ack pending {stored.MaxAckPending} instead of '{filter}', {config.AckWait} and {maxAckPending}.");
        return consumer;
    }

    private async ValueTask<INatsJSConsumer?> FindConsumerAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await context.JetStream.GetConsumerAsync(Names.WorkStream, name, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException ex) when (ex.Error.Code == 404)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message =
        "Consumer '{Consumer}' of stream '{Stream}' keeps its ack wait of {Stored} instead of this process's {Configured}: an ack wait is never shortened while a process may still fence with the longer one. To shorten it, stop every process of the channel, delete the channel's consumers, then start them all with the new value (docs/nats.md).")]
    private static partial void LogLongerAckWaitKept(ILogger logger, string consumer, string stream, TimeSpan stored, TimeSpan configured);

    public void AddSubscription()
    {
        lock (_gate)
        {
            if (_subscriptions++ == 0)
                _scheduler = DelayScheduler.Start(context, this);
        }
    }

    public Task RemoveSubscriptionAsync()
    {
        DelayScheduler? stopping = null;
        lock (_gate)
        {
            if (--_subscriptions == 0)
            {
                stopping = _scheduler;
                _scheduler = null;
            }
        }
        return stopping?.StopAsync() ?? Task.CompletedTask;
    }

    public async Task StopAsync()
    {
        DelayScheduler? stopping;
        lock (_gate)
        {
            stopping = _scheduler;
            _scheduler = null;
            _subscriptions = 0;
        }
        if (stopping is not null) await stopping.StopAsync().ConfigureAwait(false);
    }
}
