namespace Broker.Embedded.Tests.Processes;

/// <summary>
/// Everything the children of one test printed, by process, and the checks over it. Keys are <c>producer/number</c>
/// with the producer's incarnation name, so the producer of any message is known from its key alone.
/// </summary>
internal sealed class ProcessLedger
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Acknowledgement> _acks = new(StringComparer.Ordinal);
    private readonly HashSet<string> _unknown = new(StringComparer.Ordinal);
    private readonly List<string> _failures = [];
    private readonly List<string> _retries = [];
    private readonly Dictionary<string, List<Handling>> _done = new(StringComparer.Ordinal);
    private readonly List<RoleChange> _roles = [];
    private readonly Dictionary<string, long> _killed = new(StringComparer.Ordinal);
    private readonly HashSet<(string Process, string Kind)> _seen = [];

    public sealed record Acknowledgement(string Process, long Id, QueueMessageProcessing Mode, long Timestamp, bool Duplicate);

    public sealed record Handling(string Process, long Id, int Tries);

    public sealed record RoleChange(string Process, bool Host, long Timestamp);

    public void Record(string process, ChildLine line)
    {
        lock (_gate)
        {
            _seen.Add((process, line.Kind));
            switch (line.Kind)
            {
                case ChildOutput.Ack:
                    // A producer acknowledges each of its keys once; a second ACK would mean the child's bookkeeping is off.
                    if (!_acks.TryAdd(line.Key!, new Acknowledgement(process, line.Id, line.Mode, line.Timestamp, line.Duplicate)))
                        _failures.Add($"{process}: acknowledged twice: {line.Text}");
                    break;
                case ChildOutput.Done:
                    if (!_done.TryGetValue(line.Key!, out var handlings))
                        _done[line.Key!] = handlings = [];
                    handlings.Add(new Handling(process, line.Id, line.Tries));
                    break;
                case ChildOutput.OutcomeUnknown:
                    _unknown.Add(line.Key!);
                    break;
                case ChildOutput.Retry:
                    _retries.Add($"{process}: {line.Text}");
                    break;
                case ChildOutput.Failed or ChildLine.Garbled:
                    _failures.Add($"{process}: {line.Text}");
                    break;
                case ChildOutput.Host or ChildOutput.Client:
                    _roles.Add(new RoleChange(process, line.Kind == ChildOutput.Host, line.Timestamp));
                    break;
            }
        }
    }

    /// <summary>Notes that the test SIGKILLs <paramref name="process"/> at <paramref name="timestamp"/> (before the signal: it hosts no longer after).</summary>
    public void Killed(string process, long timestamp)
    {
        lock (_gate) _killed[process] = timestamp;
    }

    public int Acknowledged
    {
        get { lock (_gate) return _acks.Count; }
    }

    public bool HasPrinted(string process, string kind)
    {
        lock (_gate) return _seen.Contains((process, kind));
    }

    /// <summary>The process's latest role: true for host, false for client, null before it printed one.</summary>
    public bool? RoleOf(string process)
    {
        lock (_gate) return _roles.LastOrDefault(r => r.Process == process)?.Host;
    }

    /// <summary>The first process (other than <paramref name="except"/>) to report HOST at or after <paramref name="since"/>, with the moment it did.</summary>
    public RoleChange? FirstHostSince(long since, string? except = null)
    {
        lock (_gate) return _roles.Where(r => r.Host && r.Timestamp >= since && r.Process != except).MinBy(r => r.Timestamp);
    }

    /// <summary>The first acknowledgement stamped at or after <paramref name="since"/> (in <paramref name="process"/>, if given).</summary>
    public Acknowledgement? FirstAckSince(long since, string? process = null)
    {
        lock (_gate) return _acks.Values.Where(a => a.Timestamp >= since && (process is null || a.Process == process)).MinBy(a => a.Timestamp);
    }

    /// <summary>FAILED lines (produces that failed for good), lines that did not parse, and keys acknowledged twice.</summary>
    public IReadOnlyList<string> Failures
    {
        get { lock (_gate) return [.. _failures]; }
    }

    /// <summary>RETRY lines: ExactlyOnce produces that failed and went again under their key.</summary>
    public IReadOnlyList<string> Retries
    {
        get { lock (_gate) return [.. _retries]; }
    }

    public int Unknown
    {
        get { lock (_gate) return _unknown.Count; }
    }

    /// <summary>Acknowledged, never handled.</summary>
    public IReadOnlyList<string> Lost()
    {
        lock (_gate) return [.. _acks.Keys.Where(k => !_done.ContainsKey(k))];
    }

    /// <summary>
    /// Acknowledged keys handled under a message id other than the one their produce was acknowledged with: a second
    /// copy of the message stored by the broker (a dedup key not honoured, or a produce stored twice).
    /// </summary>
    public IReadOnlyList<string> StoredTwice()
    {
        lock (_gate)
        {
            return [.. _acks.Where(a => _done.TryGetValue(a.Key, out var h) && h.Any(x => x.Id != a.Value.Id))
                .Select(a => $"{a.Key} acknowledged as {a.Value.Id} ({a.Value.Mode}), handled as {string.Join(", ", _done[a.Key].Select(h => $"{h.Id} try {h.Tries} in {h.Process}"))}")];
        }
    }

    /// <summary>
    /// Handled, yet neither acknowledged nor of unknown outcome, and produced by a process that was not killed (a killed
    /// producer's produces in flight are legitimately unanswered): a message the broker made up.
    /// </summary>
    public IReadOnlyList<string> Unexpected()
    {
        lock (_gate)
        {
            return [.. _done.Keys.Where(k => !_acks.ContainsKey(k) && !_unknown.Contains(k) && !_killed.ContainsKey(k[..k.IndexOf('/', StringComparison.Ordinal)]))];
        }
    }

    /// <summary>Keys handled more than once (redeliveries: same message id, see <see cref="StoredTwice"/>).</summary>
    public IReadOnlyList<string> HandledMoreThanOnce()
    {
        lock (_gate) return [.. _done.Where(d => d.Value.Count > 1).Select(d => d.Key)];
    }

    /// <summary>Acknowledged keys produced with <paramref name="mode"/>.</summary>
    public int AcknowledgedAs(QueueMessageProcessing mode)
    {
        lock (_gate) return _acks.Values.Count(a => a.Mode == mode);
    }

    /// <summary>
    /// Pairs of processes that reported HOST over overlapping spans of time. A process hosts from its HOST line until
    /// its next CLIENT line or until the test killed it (stamped before the signal, so the span ends early if anything).
    /// Meaningful where processes leave by SIGKILL only: a process stopping gracefully still reports HOST while the next
    /// one already hosts.
    /// </summary>
    public IReadOnlyList<string> OverlappingHosts()
    {
        lock (_gate)
        {
            var spans = new List<(string Process, long From, long To)>();
            foreach (var group in _roles.GroupBy(r => r.Process))
            {
                long? from = null;
                foreach (var change in group.OrderBy(r => r.Timestamp))
                {
                    if (change.Host && from is null)
                        from = change.Timestamp;
                    else if (!change.Host && from is { } start)
                    {
                        spans.Add((group.Key, start, change.Timestamp));
                        from = null;
                    }
                }
                if (from is { } open)
                    spans.Add((group.Key, open, _killed.TryGetValue(group.Key, out var killed) ? killed : long.MaxValue));
            }
            var overlaps = new List<string>();
            var ordered = spans.OrderBy(s => s.From).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                for (var j = 0; j < i; j++)
                {
                    if (ordered[j].To > ordered[i].From)
                        overlaps.Add($"{ordered[j].Process} hosted until {ordered[j].To}, {ordered[i].Process} from {ordered[i].From}");
                }
            }
            return overlaps;
        }
    }

    /// <summary>How many times any process reported HOST.</summary>
    public int HostReports
    {
        get { lock (_gate) return _roles.Count(r => r.Host); }
    }

    /// <summary>How many messages each process handled (for the record: the load is shared).</summary>
    public string HandledPerProcess()
    {
        lock (_gate)
        {
            return string.Join(", ", _done.Values.SelectMany(h => h).GroupBy(h => h.Process).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{g.Key} {g.Count()}"));
        }
    }

    public string Summary()
    {
        lock (_gate)
        {
            var handled = _done.Values.Sum(h => h.Count);
            return $"acknowledged {_acks.Count} ({_acks.Values.Count(a => a.Mode == QueueMessageProcessing.ExactlyOnce)} ExactlyOnce, {_acks.Values.Count(a => a.Duplicate)} as duplicates), outcome unknown {_unknown.Count}, " +
                $"retries {_retries.Count}, failures {_failures.Count}, keys handled {_done.Count} ({handled} handlings), lost {_acks.Keys.Count(k => !_done.ContainsKey(k))}, " +
                $"host reports {_roles.Count(r => r.Host)}, killed {_killed.Count}";
        }
    }
}
