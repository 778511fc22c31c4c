using System.Collections.Concurrent;
using System.Diagnostics;

namespace Broker.Observability.Tests;

/// <summary>Records every span of Broker's source (and of the tests' own "HTTP" source) as it stops.</summary>
internal sealed class SpanRecorder : IDisposable
{
    /// <summary>Stands in for an HTTP server's instrumentation: the span a produce happens under.</summary>
    public static readonly ActivitySource Http = new("Broker.Observability.Tests.Http");

    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly SemaphoreSlim _signal = new(0);

    public SpanRecorder()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Broker" or "Broker.Observability.Tests.Http",
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                _stopped.Enqueue(activity);
                _signal.Release();
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public IReadOnlyList<Activity> Stopped => [.. _stopped];

    /// <summary>Waits until <paramref name="count"/> stopped spans match.</summary>
    public async Task<IReadOnlyList<Activity>> WaitForAsync(Func<Activity, bool> match, int count = 1)
    {
        var deadline = DateTime.UtcNow + TestBroker.Generous;
        while (true)
        {
            var found = _stopped.Where(match).ToList();
            if (found.Count >= count)
                return found;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _signal.WaitAsync(left))
                Assert.Fail($"Expected {count} matching spans; saw: {string.Join(", ", _stopped.Select(a => a.DisplayName))}");
        }
    }

    public void Dispose() => _listener.Dispose();
}
