using Broker.Nats.Naming;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Broker.Nats.JetStream;

/// <summary>The three streams of one channel, created (or brought up to date) on first use.</summary>
internal sealed class ChannelStreams
{
    /// <summary>JetStream's default duplicate window. The work stream never uses less, because besides ExactlyOnce
    /// it is what makes a publish retried after a timeout safe (see docs/nats.md).</summary>
    public static readonly TimeSpan MinDuplicateWindow = TimeSpan.FromMinutes(2);

    private ChannelStreams(ChannelDefinition channel, ChannelNames names, INatsJSStream work, INatsJSStream deadLetters, INatsJSStream ledger, TimeSpan ledgerRetention, INatsJSStream? history, int partitions)
    {
        History = history;
        Partitions = partitions;
        Channel = channel;
        Names = names;
        Work = work;
        DeadLetters = deadLetters;
        Ledger = ledger;
        LedgerRetention = ledgerRetention;
    }

    public ChannelDefinition Channel { get; }

    public ChannelNames Names { get; }

    /// <summary>Work-queue retention: ready messages (one subject per priority) and delayed ones.</summary>
    public INatsJSStream Work { get; }

    /// <summary>Limits retention, one message per subject: a channel's dead letters, kept until re-driven or deleted.</summary>
    public INatsJSStream DeadLetters { get; }

    /// <summary>Limits retention, one message per key, aged out after <see cref="LedgerRetention"/>: accepted dedup keys.</summary>
    public INatsJSStream Ledger { get; }

    /// <summary>The longest deduplication window the ledger can honour.</summary>
    public TimeSpan LedgerRetention { get; }

    /// <summary>
    /// An ordered channel's limits stream, one message per subject: the history of keyed messages that were delivered
    /// without it counting as an attempt (see <c>KeyHistory</c>), and the channel's partition count. Null for a channel
    /// that is not ordered.
    /// </summary>
    public INatsJSStream? History { get; }

    /// <summary>How many partitions the channel's keyed messages are spread over; 0 for a channel that is not ordered.</summary>
    public int Partitions { get; }

    public static async Task<ChannelStreams> CreateAsync(INatsJSContext js, NatsTransportOptions options, ChannelDefinition channel, CancellationToken cancellationToken)
    {
        var names = new ChannelNames(options.Prefix, channel.Name);
        var window = channel.DedupInterval > MinDuplicateWindow ? channel.DedupInterval : MinDuplicateWindow;
        // Every work stream takes keyed subjects, ordered or not: a process that declares the channel ordered and one that
        // does not must not take a subject away from each other by updating the stream.
        var work = await EnsureAsync(js, new StreamConfig(names.WorkStream, [names.ReadySubjects, names.DelayedSubject, names.KeyedSubjects])
        {
            Description = $"Broker channel '{channel.Name}': ready, delayed and keyed messages",
            Retention = StreamConfigRetention.Workqueue,
            Storage = StreamConfigStorage.File,
            NumReplicas = options.Replicas,
            DuplicateWindow = window,
            Discard = StreamConfigDiscard.Old,
        }, cancellationToken).ConfigureAwait(false);

        var deadLetters = await EnsureAsync(js, new StreamConfig(names.DeadLetterStream, [names.DeadLetterSubjects])
        {
            Description = $"Broker channel '{channel.Name}': dead letters, one subject per message id",
            Retention = StreamConfigRetention.Limits,
            Storage = StreamConfigStorage.File,
            NumReplicas = options.Replicas,
            MaxMsgsPerSubject = 1,
            DuplicateWindow = MinDuplicateWindow,
        }, cancellationToken).ConfigureAwait(false);

        var retention = options.MaxDedupWindow > channel.DedupInterval ? options.MaxDedupWindow : channel.DedupInterval;
        var ledger = await EnsureAsync(js, new StreamConfig(names.LedgerStream, [names.LedgerSubjects])
        {
            Description = $"Broker channel '{channel.Name}': accepted deduplication keys",
            Retention = StreamConfigRetention.Limits,
            Storage = StreamConfigStorage.File,
            NumReplicas = options.Replicas,
            MaxMsgsPerSubject = 1,
            MaxAge = retention,
            DuplicateWindow = MinDuplicateWindow < retention ? MinDuplicateWindow : retention,
        }, cancellationToken).ConfigureAwait(false);

        INatsJSStream? history = null;
        var partitions = 0;
        if (channel.Ordered)
        {
            history = await EnsureAsync(js, new StreamConfig(names.HistoryStream, [names.HistorySubjects])
            {
                Description = $"Broker channel '{channel.Name}': histories of keyed messages, and the partition count",
                Retention = StreamConfigRetention.Limits,
                Storage = StreamConfigStorage.File,
                NumReplicas = options.Replicas,
                MaxMsgsPerSubject = 1,
                DuplicateWindow = MinDuplicateWindow,
            }, cancellationToken).ConfigureAwait(false);
            partitions = await PartitionCount.EnsureAsync(js, history, names, options.OrderedPartitions, cancellationToken).ConfigureAwait(false);
        }

        return new ChannelStreams(channel, names, work, deadLetters, ledger, retention, history, partitions);
    }

    private static async Task<INatsJSStream> EnsureAsync(INatsJSContext js, StreamConfig config, CancellationToken cancellationToken)
    {
        var stream = await js.CreateOrUpdateStreamAsync(config, cancellationToken).ConfigureAwait(false);
        var stored = stream.Info.Config;
        // 2.9 drops fields it does not know instead of refusing them: check that what we rely on was kept.
        if (stored.Retention != config.Retention || stored.NumReplicas != config.NumReplicas || stored.DuplicateWindow != config.DuplicateWindow ||
            stored.MaxMsgsPerSubject != config.MaxMsgsPerSubject && config.MaxMsgsPerSubject != 0 || stored.MaxAge != config.MaxAge)
        {
            throw new InvalidOperationException(
                $"nats-server stored stream '{config.Name}' with retention {stored.Retention}, {stored.NumReplicas} replicas, duplicate window {stored.DuplicateWindow}, " +
                $"max age {stored.MaxAge}, {stored.MaxMsgsPerSubject} messages per subject instead of the requested {config.Retention}, {config.NumReplicas}, " +
                $"{config.DuplicateWindow}, {config.MaxAge}, {config.MaxMsgsPerSubject}. Delete the stream or fix the server configuration.");
        }
        return stream;
    }
}
