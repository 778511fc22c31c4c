namespace Broker.Testing;

/// <summary>
/// The harness's clock: a <see cref="TimeProvider"/> that stands still until the test moves it. The broker engine (delays,
/// retries, leases, deduplication windows), the subscriptions' lease renewals and every service of the app under test that
/// takes a <see cref="TimeProvider"/> run on it.
/// </summary>
/// <remarks>
/// <see cref="Advance"/> fires each due timer at its own due time, in due order (ties in the order they were armed), on the
/// calling thread: a callback that reads the clock sees the moment it was due, not the end of the jump, as it would in
/// real time. A timer armed with a due time of zero fires at once on the thread pool, as a real timer does.
/// <see cref="TimeProvider.GetTimestamp"/> counts the same fake time, in ticks.
/// </remarks>
public sealed class BrokerTestClock : TimeProvider
{
    private readonly Lock _gate = new();
    // One advance at a time: timers fire in due order even when two threads move the clock.
    private readonly Lock _advancing = new();
    private readonly List<ClockTimer> _armed = [];
    private DateTimeOffset _now;
    private long _armings;

    /// <summary>Creates a clock that reads <paramref name="start"/> until it is advanced.</summary>
    /// <param name="start">The first time the clock reads.</param>
    public BrokerTestClock(DateTimeOffset start) => _now = start.ToUniversalTime();

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate) return _now;
    }

    /// <inheritdoc />
    public override long GetTimestamp() => GetUtcNow().UtcTicks;

    /// <inheritdoc />
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>UTC, so a test reads the same local times on every machine.</summary>
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <inheritdoc />
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new ClockTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>
    /// Moves the clock forward by <paramref name="by"/> at once, firing every timer that falls due on the way, each at its
    /// own due time. Handlers that those timers start (a retry, a delayed message) run on their own threads: this does not
    /// wait for them. <see cref="BrokerTestHarness.AdvanceTimeAsync"/> does, between timers.
    /// </summary>
    /// <param name="by">How far; zero fires what is already due.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="by"/> is negative: time never goes back.</exception>
    public void Advance(TimeSpan by)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        lock (_advancing)
            AdvanceTo(GetUtcNow() + by);
    }

    /// <summary>The earliest due time of an armed one-shot timer, or null when none is armed.</summary>
    /// <remarks>
    /// Periodic timers are left out: a subscription renews its leases on one every third of a lease, forever, so stepping
    /// to them would only walk an idle broker through renewals that renew nothing. They still fire on the way.
    /// </remarks>
    internal DateTimeOffset? NextOneShotDue()
    {
        lock (_gate)
        {
            DateTimeOffset? earliest = null;
            foreach (var timer in _armed)
            {
                if (!timer.IsPeriodic && (earliest is null || timer.Due < earliest))
                    earliest = timer.Due;
            }
            return earliest;
        }
    }

    /// <summary>Moves the clock to <paramref name="target"/> (if later), firing due timers in order.</summary>
    internal void AdvanceTo(DateTimeOffset target)
    {
        lock (_advancing)
        {
            while (true)
            {
                ClockTimer? next;
                lock (_gate)
                {
                    next = EarliestDueLocked(target);
                    if (next is null)
                    {
                        if (target > _now) _now = target;
                        return;
                    }
                    if (next.Due > _now) _now = next.Due;
                    next.FiredLocked();
                }
                // Outside the clock's lock: a callback reads the clock and arms timers (the engine arms its next deadline).
                next.Invoke();
            }
        }
    }

    private ClockTimer? EarliestDueLocked(DateTimeOffset until)
    {
        ClockTimer? earliest = null;
        foreach (var timer in _armed)
        {
            if (timer.Due > until) continue;
            if (earliest is null || timer.Due < earliest.Due || (timer.Due == earliest.Due && timer.Arming < earliest.Arming))
                earliest = timer;
        }
        return earliest;
    }

    /// <summary>Arms or disarms a timer; returns false when it was disposed.</summary>
    private bool Change(ClockTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        ValidateTimeout(dueTime, nameof(dueTime));
        ValidateTimeout(period, nameof(period));
        bool fireNow;
        lock (_gate)
        {
            if (timer.Disposed) return false;
            _armed.Remove(timer);
            if (dueTime == Timeout.InfiniteTimeSpan)
                return true;
            timer.Arm(_now + dueTime, period, ++_armings);
            _armed.Add(timer);
            fireNow = dueTime == TimeSpan.Zero;
        }
        // A real timer due now fires soon on the thread pool, never inside the call that armed it (the caller may hold a lock).
        if (fireNow)
            ThreadPool.UnsafeQueueUserWorkItem(static clock => clock.Advance(TimeSpan.Zero), this, preferLocal: false);
        return true;
    }

    private void Dispose(ClockTimer timer)
    {
        lock (_gate)
        {
            timer.Disposed = true;
            _armed.Remove(timer);
        }
    }

    private static void ValidateTimeout(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero && value != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(name, value, "A timer's due time and period are zero or more, or Timeout.InfiniteTimeSpan.");
    }

    /// <summary>A timer of this clock: armed while it is in the clock's list.</summary>
    private sealed class ClockTimer(BrokerTestClock clock, TimerCallback callback, object? state) : ITimer
    {
        private TimeSpan _period;

        public DateTimeOffset Due { get; private set; }

        public long Arming { get; private set; }

        public bool Disposed { get; set; }

        // Period zero or infinite means one-shot, as for System.Threading.Timer.
        public bool IsPeriodic => _period > TimeSpan.Zero;

        public void Arm(DateTimeOffset due, TimeSpan period, long arming)
        {
            Due = due;
            _period = period;
            Arming = arming;
        }

        /// <summary>Called under the clock's lock as the timer fires: a periodic timer's next due time, or disarmed.</summary>
        public void FiredLocked()
        {
            if (IsPeriodic)
                Due += _period;
            else
                clock._armed.Remove(this);
        }

        public void Invoke() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period) => clock.Change(this, dueTime, period);

        public void Dispose() => clock.Dispose(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
