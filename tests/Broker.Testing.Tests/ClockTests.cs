namespace Broker.Testing.Tests;

/// <summary>The harness clock: still until advanced, and each timer fires at its own due time, in order.</summary>
public sealed class ClockTests
{
    private static readonly DateTimeOffset Start = new(2030, 6, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TimersFireInDueOrderEachSeeingItsOwnDueTime()
    {
        var clock = new BrokerTestClock(Start);
        var fired = new List<(string Name, TimeSpan At)>();
        using var late = clock.CreateTimer(_ => fired.Add(("late", clock.GetUtcNow() - Start)), null, TimeSpan.FromSeconds(5), Timeout.InfiniteTimeSpan);
        using var early = clock.CreateTimer(_ => fired.Add(("early", clock.GetUtcNow() - Start)), null, TimeSpan.FromSeconds(2), Timeout.InfiniteTimeSpan);
        using var periodic = clock.CreateTimer(_ => fired.Add(("periodic", clock.GetUtcNow() - Start)), null, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(3));

        clock.Advance(TimeSpan.FromSeconds(7));

        Assert.Equal(
            [("early", TimeSpan.FromSeconds(2)), ("periodic", TimeSpan.FromSeconds(3)), ("late", TimeSpan.FromSeconds(5)), ("periodic", TimeSpan.FromSeconds(6))],
            fired);
        Assert.Equal(Start + TimeSpan.FromSeconds(7), clock.GetUtcNow());
        Assert.Equal(clock.GetUtcNow().UtcTicks, clock.GetTimestamp());
    }

    [Fact]
    public void AChangedOrDisposedTimerFiresAtItsNewTimeOrNever()
    {
        var clock = new BrokerTestClock(Start);
        var fired = new List<TimeSpan>();
        var moved = clock.CreateTimer(_ => fired.Add(clock.GetUtcNow() - Start), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
        var disposed = clock.CreateTimer(_ => fired.Add(TimeSpan.MinValue), null, TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);

        Assert.True(moved.Change(TimeSpan.FromSeconds(4), Timeout.InfiniteTimeSpan));
        disposed.Dispose();
        Assert.False(disposed.Change(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan));
        clock.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal([TimeSpan.FromSeconds(4)], fired);
    }

    [Fact]
    public async Task FakeTimeDrivesTaskDelayAndATimerDueNowFiresWithoutAnAdvance()
    {
        var clock = new BrokerTestClock(Start);

        var delay = Task.Delay(TimeSpan.FromHours(1), clock);
        Assert.False(delay.IsCompleted);
        clock.Advance(TimeSpan.FromHours(1));
        await delay.WaitAsync(TimeSpan.FromSeconds(10));

        // As a real timer: due now means soon, on the thread pool, not never.
        var now = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var timer = clock.CreateTimer(_ => now.TrySetResult(), null, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        await now.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void TimeNeverGoesBack()
    {
        var clock = new BrokerTestClock(Start);

        Assert.Throws<ArgumentOutOfRangeException>(() => clock.Advance(TimeSpan.FromTicks(-1)));
    }
}
