namespace Broker.Server.Diagnostics;

/// <summary>
/// Keeps a flood of one kind of log line (failed authentications, storage failures) from flooding the log, while still
/// saying how big the flood was. At most <c>linesPerWindow</c> lines are written per window; every event, written or
/// not, is counted under its key (an address, a file); once a window has ended, <see cref="TakeSummaries"/> hands out one
/// summary per key that had lines held back ("37 failed authentications from 10.1.2.3 in the last 10 s").
/// </summary>
/// <remarks>
/// Bounded whatever the input: a window tracks at most <c>maxKeys</c> keys, and events of further keys are counted
/// together under <see cref="OtherKeys"/>, so neither the lines written nor the table grow with the number of distinct
/// keys (an attacker's addresses). Thread-safe. Windows roll lazily, on the next call after one ended, so the owner
/// calls <see cref="TakeSummaries"/> from a timer (a summary is never lost, only written late when nobody asks).
/// </remarks>
internal sealed class LogRateLimiter
{
    /// <summary>The key under which events of keys past the table's size are counted.</summary>
    public const string OtherKeys = "(other)";

    private readonly Lock _gate = new();
    private readonly int _linesPerWindow;
    private readonly TimeSpan _window;
    private readonly int _maxKeys;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, Counts> _counts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Counts> _ended = new(StringComparer.Ordinal);
    private long _windowStart;
    private long _endedStart;
    private long _endedEnd;
    private int _written;

    /// <param name="linesPerWindow">Lines written per window, across all keys.</param>
    /// <param name="window">The window's length.</param>
    /// <param name="maxKeys">Keys counted one by one per window; more are counted together.</param>
    /// <param name="time">The clock (tests pass a fake one).</param>
    public LogRateLimiter(int linesPerWindow, TimeSpan window, int maxKeys = 16, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(linesPerWindow);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxKeys, 1);
        _linesPerWindow = linesPerWindow;
        _window = window;
        _maxKeys = maxKeys;
        _time = time ?? TimeProvider.System;
        _windowStart = _time.GetTimestamp();
    }

    /// <summary>Counts an event of <paramref name="key"/>.</summary>
    /// <returns>True when its line should be written now; false when it is only counted (and summarised later).</returns>
    public bool TryAcquire(string key)
    {
        lock (_gate)
        {
            RollIfEnded(_time.GetTimestamp());
            if (!_counts.ContainsKey(key) && _counts.Count >= _maxKeys)
                key = OtherKeys;
            var counts = _counts.GetValueOrDefault(key);
            var write = _written < _linesPerWindow;
            if (write) _written++;
            _counts[key] = new Counts(counts.Events + 1, counts.Suppressed + (write ? 0 : 1));
            return write;
        }
    }

    /// <summary>
    /// The summaries of the windows that ended since the last call: one per key whose lines were held back, with how
    /// many events it had in all. Empty while the current window lasts or when nothing was held back.
    /// </summary>
    public IReadOnlyList<LogSummary> TakeSummaries()
    {
        lock (_gate)
        {
            RollIfEnded(_time.GetTimestamp());
            if (_ended.Count == 0)
                return [];
            var span = _time.GetElapsedTime(_endedStart, _endedEnd);
            var summaries = _ended.Where(e => e.Value.Suppressed > 0).Select(e => new LogSummary(e.Key, e.Value.Events, e.Value.Suppressed, span)).ToArray();
            _ended.Clear();
            return summaries;
        }
    }

    private void RollIfEnded(long now)
    {
        if (_time.GetElapsedTime(_windowStart, now) < _window)
            return;
        if (_counts.Count > 0)
        {
            // Merged into windows not yet taken, under the same key cap, so a caller that never asks stays bounded.
            if (_ended.Count == 0)
                _endedStart = _windowStart;
            foreach (var (key, counts) in _counts)
            {
                var target = _ended.ContainsKey(key) || _ended.Count < _maxKeys ? key : OtherKeys;
                var before = _ended.GetValueOrDefault(target);
                _ended[target] = new Counts(before.Events + counts.Events, before.Suppressed + counts.Suppressed);
            }
            // The window's end, not now: a roll that comes late must not stretch "in the last N s".
            _endedEnd = _windowStart + (long)(_window.TotalSeconds * _time.TimestampFrequency);
            _counts.Clear();
        }
        _written = 0;
        _windowStart = now;
    }

    private readonly record struct Counts(int Events, int Suppressed);
}

/// <summary>What a <see cref="LogRateLimiter"/> held back for one key.</summary>
/// <param name="Key">The key (<see cref="LogRateLimiter.OtherKeys"/> for keys past the table's size).</param>
/// <param name="Events">Events of the key in the period, lines written included.</param>
/// <param name="Suppressed">Events whose lines were not written.</param>
/// <param name="Period">How long the period was.</param>
internal readonly record struct LogSummary(string Key, int Events, int Suppressed, TimeSpan Period);
