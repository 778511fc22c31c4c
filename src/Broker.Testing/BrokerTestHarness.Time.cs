using System.Diagnostics;

namespace Broker.Testing;

// Time and idleness: the clock moves only when the test says so, and AdvanceTimeAsync lets handlers run at each moment
// something falls due, so a retry sequence or a delayed message plays out within one call.
public sealed partial class BrokerTestHarness
{
    /// <summary>
    /// Lets <paramref name="by"/> of harness time pass as it would in real time, without waiting for it: the clock moves to
    /// each moment a delay, retry backoff, lease or deduplication window falls due, in order, and before each step waits
    /// until the handlers have settled what the previous one delivered. A failing message retried after 1 s, 2 s, 4 s and
    /// 8 s is dead-lettered within one <c>AdvanceTimeAsync(TimeSpan.FromSeconds(15))</c>.
    /// </summary>
    /// <remarks>
    /// A handler that waits on the harness clock itself (<c>Task.Delay(..., timeProvider)</c>) or on the test never lets the
    /// broker become idle; move time for it with <see cref="BrokerTestClock.Advance"/>, which does not wait.
    /// </remarks>
    /// <param name="by">How much harness time passes; zero only waits for running handlers.</param>
    /// <param name="timeout">How long, in real time, the whole call may wait for handlers; null for <see cref="DefaultTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>Completes when the clock reads <paramref name="by"/> later and no handler is running.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="by"/> is negative.</exception>
    /// <exception cref="BrokerHarnessException">Handlers were still running when <paramref name="timeout"/> ran out.</exception>
    public async Task AdvanceTimeAsync(TimeSpan by, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        var limit = timeout ?? DefaultTimeout;
        var started = Stopwatch.GetTimestamp();
        var target = Clock.GetUtcNow() + by;
        var what = $"AdvanceTimeAsync({by})";
        while (true)
        {
            await WaitForIdleAsync(what, limit, started, cancellationToken).ConfigureAwait(false);
            if (limit != Timeout.InfiniteTimeSpan && Stopwatch.GetElapsedTime(started) > limit)
                throw new BrokerHarnessException($"{what}: still stepping through timers after {limit}: a timer keeps falling due at once (one the application arms again every time it fires?).");
            // Step to the next one-shot timer (the engine arms one per channel, at its earliest deadline); periodic lease
            // renewals fire on the way without being stepped to, since an idle broker holds no lease to renew.
            var next = Clock.NextOneShotDue();
            if (next is not { } due || due > target)
                break;
            Clock.AdvanceTo(due);
        }
        Clock.AdvanceTo(target);
        await WaitForIdleAsync(what, limit, started, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits until no delivered message is waiting for its handler to settle it: every handler the broker started has
    /// returned or thrown. Messages that are delayed, waiting for a retry or have no consumer do not count, since only time
    /// or a consumer changes them. Use it before asserting that something did not happen.
    /// </summary>
    /// <param name="timeout">How long to wait, in real time; null for <see cref="DefaultTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>Completes when the broker is idle.</returns>
    /// <exception cref="BrokerHarnessException">Handlers were still running when <paramref name="timeout"/> ran out.</exception>
    public Task WhenIdleAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        WaitForIdleAsync("WhenIdleAsync", timeout ?? DefaultTimeout, Stopwatch.GetTimestamp(), cancellationToken);

    private async Task WaitForIdleAsync(string what, TimeSpan limit, long started, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Taken before looking, so a settle between the look and the wait still wakes this loop.
            var changed = _broker.Journal.Changed;
            var busy = _broker.Busy();
            if (busy.Count == 0)
                return;
            var remaining = limit == Timeout.InfiniteTimeSpan ? limit : limit - Stopwatch.GetElapsedTime(started);
            if (remaining != Timeout.InfiniteTimeSpan && remaining <= TimeSpan.Zero)
                throw new BrokerHarnessException(HarnessReport.NotIdle(what, limit, busy));
            try
            {
                await changed.WaitAsync(remaining, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Looked at once more at the top of the loop, which throws if still busy.
            }
        }
    }
}
