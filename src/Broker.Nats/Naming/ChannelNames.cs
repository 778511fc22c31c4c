using System.Globalization;

namespace Broker.Nats.Naming;

/// <summary>
/// Maps one channel to its NATS names, injectively. A channel name (<see cref="ChannelNameRules"/>: ASCII letters,
/// digits, '-', '_' in segments separated by '/') becomes subject tokens by turning '/' into '.', which is one-to-one
/// because segments never contain '.'. Stream names may not contain '.' (nor '/' without creating directories in the
/// store), so there '/' becomes '~', a character channel names never contain. The kind of subject (ready, delayed,
/// dead letter, dedup ledger) is a fixed token before the channel tokens, so no two channels' subjects overlap.
/// </summary>
internal sealed class ChannelNames
{
    public ChannelNames(string prefix, string channel)
    {
        Channel = channel;
        var tokens = channel.Replace('/', '.');
        var escaped = channel.Replace('/', '~');
        var lower = prefix.ToLowerInvariant();
        WorkStream = prefix + "_Q_" + escaped;
        DeadLetterStream = prefix + "_DLQ_" + escaped;
        LedgerStream = prefix + "_DEDUP_" + escaped;
        HistoryStream = prefix + "_KH_" + escaped;
        ReadySubjects = lower + ".q.*." + tokens;
        DelayedSubject = lower + ".d." + tokens;
        KeyedSubjects = lower + ".k.*." + tokens;
        HistorySubjects = lower + ".kh.*." + tokens;
        PartitionCountSubject = lower + ".kh.partitions." + tokens;
        DeadLetterSubjects = lower + ".dlq.*." + tokens;
        LedgerSubjects = lower + ".dedup.*." + tokens;
        BellSubject = lower + ".bell." + tokens;
        _readyPrefix = lower + ".q.";
        _tokenSuffix = "." + tokens;
        _deadLetterPrefix = lower + ".dlq.";
        _ledgerPrefix = lower + ".dedup.";
        _keyedPrefix = lower + ".k.";
        _historyPrefix = lower + ".kh.";
    }

    private readonly string _readyPrefix;
    private readonly string _tokenSuffix;
    private readonly string _deadLetterPrefix;
    private readonly string _ledgerPrefix;
    private readonly string _keyedPrefix;
    private readonly string _historyPrefix;

    /// <summary>The channel name.</summary>
    public string Channel { get; }

    /// <summary>The work-queue stream holding ready and delayed messages.</summary>
    public string WorkStream { get; }

    /// <summary>The limits stream holding dead letters, one subject per message id.</summary>
    public string DeadLetterStream { get; }

    /// <summary>The limits stream recording accepted deduplication keys (see <c>DedupLedger</c>).</summary>
    public string LedgerStream { get; }

    /// <summary>An ordered channel's limits stream of keyed messages' histories and its partition count.</summary>
    public string HistoryStream { get; }

    /// <summary>The wildcard over every partition subject of keyed messages (ordered channels), in the work stream.</summary>
    public string KeyedSubjects { get; }

    /// <summary>The wildcard over the history stream's subjects.</summary>
    public string HistorySubjects { get; }

    /// <summary>Where the history stream records the channel's partition count (a token no stream sequence can be).</summary>
    public string PartitionCountSubject { get; }

    /// <summary>The wildcard over every priority level's ready subject.</summary>
    public string ReadySubjects { get; }

    /// <summary>Where delayed messages wait for the scheduler.</summary>
    public string DelayedSubject { get; }

    /// <summary>The wildcard over every dead letter's subject.</summary>
    public string DeadLetterSubjects { get; }

    /// <summary>The wildcard over every ledger key's subject.</summary>
    public string LedgerSubjects { get; }

    /// <summary>A core (not stored) subject rung whenever a message becomes ready, so idle subscriptions wake at once.</summary>
    public string BellSubject { get; }

    /// <summary>The ready subject of one priority level.</summary>
    public string ReadySubject(int priority) => _readyPrefix + priority.ToString(CultureInfo.InvariantCulture) + _tokenSuffix;

    /// <summary>The priority level of a ready subject, or null for any other subject.</summary>
    public int? LevelOf(string subject)
    {
        if (!subject.StartsWith(_readyPrefix, StringComparison.Ordinal) || !subject.EndsWith(_tokenSuffix, StringComparison.Ordinal))
            return null;
        var token = subject.AsSpan(_readyPrefix.Length, subject.Length - _readyPrefix.Length - _tokenSuffix.Length);
        return int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var level) ? level : null;
    }

    /// <summary>The durable pull consumer of one priority level; shared by every worker of the channel.</summary>
    public static string LevelConsumer(int priority) =>
        priority >= 0 ? "p" + priority.ToString(CultureInfo.InvariantCulture) : "n" + (-(long)priority).ToString(CultureInfo.InvariantCulture);

    /// <summary>The level of a consumer name made by <see cref="LevelConsumer"/>, or null.</summary>
    public static int? LevelOfConsumer(string name)
    {
        if (name.Length < 2 || (name[0] != 'p' && name[0] != 'n')) return null;
        if (!long.TryParse(name.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var value)) return null;
        value = name[0] == 'n' ? -value : value;
        return value is >= int.MinValue and <= int.MaxValue ? (int)value : null;
    }

    /// <summary>The subject of one partition of keyed messages.</summary>
    public string KeyedSubject(int partition) => _keyedPrefix + partition.ToString(CultureInfo.InvariantCulture) + _tokenSuffix;

    /// <summary>The partition of a keyed subject, or null for any other subject.</summary>
    public int? PartitionOf(string subject)
    {
        if (!subject.StartsWith(_keyedPrefix, StringComparison.Ordinal) || !subject.EndsWith(_tokenSuffix, StringComparison.Ordinal))
            return null;
        var token = subject.AsSpan(_keyedPrefix.Length, subject.Length - _keyedPrefix.Length - _tokenSuffix.Length);
        return int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var partition) ? partition : null;
    }

    /// <summary>The durable consumer of one partition (<c>MaxAckPending = 1</c>); shared by every worker of the channel.</summary>
    public static string PartitionConsumer(int partition) => "k" + partition.ToString(CultureInfo.InvariantCulture);

    /// <summary>The history subject of one keyed message, by the work-stream sequence of its stored copy.</summary>
    public string HistorySubject(ulong streamSequence) => _historyPrefix + streamSequence.ToString(CultureInfo.InvariantCulture) + _tokenSuffix;

    /// <summary>The durable consumer of the delay scheduler.</summary>
    public const string SchedulerConsumer = "scheduler";

    /// <summary>The subject of one dead letter.</summary>
    public string DeadLetterSubject(long id) => _deadLetterPrefix + id.ToString(CultureInfo.InvariantCulture) + _tokenSuffix;

    /// <summary>The message id of a dead letter's subject, or null.</summary>
    public long? DeadLetterIdOf(string subject)
    {
        if (!subject.StartsWith(_deadLetterPrefix, StringComparison.Ordinal) || !subject.EndsWith(_tokenSuffix, StringComparison.Ordinal))
            return null;
        var token = subject.AsSpan(_deadLetterPrefix.Length, subject.Length - _deadLetterPrefix.Length - _tokenSuffix.Length);
        return long.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
    }

    /// <summary>The ledger subject of one deduplication key.</summary>
    public string LedgerSubject(UInt128 key) => _ledgerPrefix + KeyHex(key) + _tokenSuffix;

    /// <summary>The 128-bit key as 32 lower-case hex digits: what <c>Nats-Msg-Id</c> carries.</summary>
    public static string KeyHex(UInt128 key) => key.ToString("x32", CultureInfo.InvariantCulture);
}
