using Microsoft.Extensions.Time.Testing;

namespace Broker.Engine.Tests.Support;

/// <summary>Fake time whose timers never fire, to prove a rule holds even before the engine's timer catches up.</summary>
internal sealed class SilentTimersTimeProvider() : FakeTimeProvider(EngineHarness.Start)
{
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new SilentTimer();

    private sealed class SilentTimer : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
