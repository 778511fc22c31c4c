namespace Broker.Engine.Storage.Log;

/// <summary>What went wrong with one segment file.</summary>
public enum LogLossKind
{
    /// <summary>The file is gone: the log had created it and nothing deleted it (a hole, or the newest files).</summary>
    Missing,

    /// <summary>The file is shorter than it was: records at its end are gone.</summary>
    Truncated,

    /// <summary>A record in the file fails its checksum, and intact data follows it: this is not a torn write.</summary>
    Damaged,
}

/// <summary>The ids of one channel that a lost part of the log held.</summary>
/// <param name="Channel">The channel name.</param>
/// <param name="FromId">The lowest id that may be lost; null when not known (the segments before it are gone too).</param>
/// <param name="ToId">The highest id that may be lost; null when not known (nothing after it says how far ids went).</param>
public sealed record LostIds(string Channel, long? FromId, long? ToId)
{
    /// <inheritdoc />
    public override string ToString() =>
        (FromId, ToId) switch
        {
            ({ } from, { } to) when from == to => $"'{Channel}' id {from}",
            ({ } from, { } to) => $"'{Channel}' ids {from} to {to} (up to {to - from + 1} messages)",
            ({ } from, null) => $"'{Channel}' ids from {from} on",
            (null, { } to) => $"'{Channel}' ids up to {to}",
            _ => $"'{Channel}'",
        };
}

/// <summary>
/// One loss recovery found: which segment, what happened to it, and what it held. The counts are upper bounds of what
/// was unfinished: messages there may already have been completed.
/// </summary>
/// <param name="Kind">Missing, truncated or damaged.</param>
/// <param name="Sequence">The segment's number.</param>
/// <param name="Path">The segment file.</param>
/// <param name="What">What is wrong, in words (the offset of the damage, the size it should have).</param>
/// <param name="Messages">The message records still readable in a damaged segment (what quarantine moves aside); null otherwise.</param>
/// <param name="Ids">Per channel, the ids the lost part held.</param>
public sealed record LogLoss(LogLossKind Kind, long Sequence, string Path, string What, int? Messages, IReadOnlyList<LostIds> Ids)
{
    /// <summary>True when the lost part may have held ids above every id the log still knows: they are skipped, never handed out again.</summary>
    public bool OpenEnded => Ids.Count == 0 || Ids.Any(i => i.ToId is null);

    /// <summary>The loss in one sentence, for an operator.</summary>
    public string Describe()
    {
        var held = Messages is { } count ? $"; it held {count} message record(s) still readable" : string.Empty;
        var ids = Ids.Count == 0
            ? "; which ids it held is not known"
            : "; " + string.Join(", ", Ids.Take(10)) + (Ids.Count > 10 ? $" and {Ids.Count - 10} more channel(s)" : string.Empty);
        if (Sequence == 0)
            return What;
        return $"segment {System.IO.Path.GetFileName(Path)} is {Kind.ToString().ToLowerInvariant()} ({What}){held}{ids}";
    }
}
