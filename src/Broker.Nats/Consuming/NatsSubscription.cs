using System.Threading.Channels;
using Broker.Nats.JetStream;
using Broker.Nats.Naming;
using Broker.Transport;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace Broker.Nats.Consuming;

/// <summary>
/// One worker's subscription to a channel. It pulls from the channel's priority levels, highest first, never asking
/// for more than its free credit (<see cref="SubscriptionSettings.MaxParallel"/> less what it holds: JetStream's
/// <c>MaxAckPending</c> is per consumer, shared by all workers, so it cannot bound one subscription). Idle, it waits
/// for a bell (a message became ready), its own retry timers or the poll interval. It keeps each delivery's lease on
/// the client and fences settles against it (see <see cref="NatsDelivery"/>), and maps the settle outcomes:
/// <list type="bullet">
/// <item>Complete: ack, waiting for the server's confirmation (double ack).</item>
/// <item>Fail (transient, attempts left): NAK with the channel's backoff as the NAK delay.</item>
/// <item>Fail (permanent or attempts exhausted): copy to the dead-letter stream, then ack.</item>
/// <item>Retry(delay) and Release: a copy carrying the message's id and history (tries, requested retries), then ack;
/// JetStream's delivery count would otherwise count a release as an attempt and a requested retry as a failure.</item>
/// </list>
/// </summary>
/// <remarks>
/// Split by concern into partial files, as System.Text.Json splits Utf8JsonReader: this file holds the state, starting,
/// stopping and the log messages; <c>NatsSubscription.Pulling.cs</c> fetches within the free credit;
/// <c>NatsSubscription.Partitions.cs</c> pulls the partitions of an ordered channel's keyed messages;
/// <c>NatsSubscription.Leases.cs</c> keeps leases alive and gives up expired ones; <c>NatsSubscription.Settling.cs</c>
/// maps settle outcomes to acks, NAKs and copies.
/// </remarks>
internal sealed partial class NatsSubscription : ITransportSubscription
{
    private readonly NatsContext _context;
    private readonly ChannelRuntime _channel;
    private readonly SubscriptionSettings _settings;
    private readonly Channel<Delivery> _deliveries = Channel.CreateUnbounded<Delivery>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly Lock _gate = new();
    private readonly HashSet<NatsDelivery> _held = [];
    private readonly SortedSet<int> _levels = new(Comparer<int>.Create(static (a, b) => b.CompareTo(a)));
    private readonly HashSet<int> _candidates = [];
    private readonly Dictionary<int, Task> _partitionPulls = [];
    private readonly AsyncSignal _wake = new();
    private readonly CancellationTokenSource _stopPulling = new();
    private readonly CancellationTokenSource _disposed = new();
    private readonly ITimer _maintenance;
    private Task _pullLoop = Task.CompletedTask;
    private Task _bellLoop = Task.CompletedTask;
    private INatsSub<byte[]>? _bell;
    private PartitionRequests? _requests;
    private Task? _stop;
    private int _disposing;
    private bool _registered;

    private NatsSubscription(NatsContext context, ChannelRuntime channel, SubscriptionSettings settings)
    {
        _context = context;
        _channel = channel;
        _settings = settings;
        var tick = TimeSpan.FromTicks(Math.Min(settings.LeaseDuration.Ticks / 4, context.Options.AckWait.Ticks / 6));
        if (tick < TimeSpan.FromMilliseconds(20)) tick = TimeSpan.FromMilliseconds(20);
        _maintenance = context.Time.CreateTimer(static s => ((NatsSubscription)s!).Maintain(), this, tick, tick);
    }

    public ChannelReader<Delivery> Deliveries => _deliveries.Reader;

    private ChannelDefinition Definition => _channel.Channel;

    private ChannelNames Names => _channel.Names;

    public static async Task<NatsSubscription> StartAsync(NatsContext context, ChannelRuntime channel, SubscriptionSettings settings, CancellationToken cancellationToken)
    {
        var subscription = new NatsSubscription(context, channel, settings);
        try
        {
            subscription._bell = await context.Connection.SubscribeCoreAsync<byte[]>(channel.Names.BellSubject, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (channel.Channel.Ordered)
                subscription._requests = await PartitionRequests.StartAsync(context.Connection, context.JetStream, channel.Names, context.Time, subscription.LeaveStrayAsync, cancellationToken).ConfigureAwait(false);
            await subscription.DiscoverLevelsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await subscription.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        channel.AddSubscription();
        subscription._registered = true;
        subscription._bellLoop = Task.Run(subscription.BellLoopAsync, CancellationToken.None);
        subscription._pullLoop = Task.Run(subscription.PullLoopAsync, CancellationToken.None);
        return subscription;
    }

    // ---- Stopping ----

    public ValueTask StopDeliveriesAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
            _stop ??= StopPullingAsync();
        return new ValueTask(_stop.WaitAsync(cancellationToken));
    }

    private async Task StopPullingAsync()
    {
        await _stopPulling.CancelAsync().ConfigureAwait(false);
        await _pullLoop.ConfigureAwait(false);
        // Partition pulls are never abandoned (the server could hand a message to a request nobody reads, and its key
        // would wait an ack wait): they end by themselves within two seconds (a guard's delay plus its margin).
        await Task.WhenAll(PartitionPulls()).ConfigureAwait(false);
        _deliveries.Writer.TryComplete();
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposing, 1) != 0) return;
        await StopDeliveriesAsync(CancellationToken.None).ConfigureAwait(false);
        await _maintenance.DisposeAsync().ConfigureAwait(false);
        // Closing without settling is the crash path: unsettled deliveries go back to the server at once.
        await Task.WhenAll(HeldDeliveries().Select(ExpireAsync)).ConfigureAwait(false);
        // A partition request still open on the server may yet be answered: its inbox stays until it ends.
        await Task.WhenAll(PartitionPulls()).ConfigureAwait(false);
        if (_requests is not null) await _requests.DisposeAsync().ConfigureAwait(false);
        await _disposed.CancelAsync().ConfigureAwait(false);
        if (_bell is not null)
        {
            try
            {
                await _bell.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NatsException or ObjectDisposedException)
            {
            }
        }
        await _bellLoop.ConfigureAwait(false);
        if (_registered)
            await _channel.RemoveSubscriptionAsync().ConfigureAwait(false);
        _stopPulling.Dispose();
        _disposed.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pulling messages of channel '{Channel}' failed; retrying after the poll interval")]
    private static partial void LogPullFailed(ILogger logger, Exception ex, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not settle message {MessageId} of channel '{Channel}'; the server redelivers it after its ack wait")]
    private static partial void LogSettleFailed(ILogger logger, Exception ex, string channel, long messageId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not keep the lease of message {MessageId} of channel '{Channel}' alive")]
    private static partial void LogRenewFailed(ILogger logger, Exception ex, string channel, long messageId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} of channel '{Channel}' was dead-lettered after losing its lease on all {Tries} deliveries")]
    private static partial void LogDeadLetteredUnhandled(ILogger logger, string channel, long messageId, int tries);
}
