namespace Broker.Nats.Tests.Infrastructure;

public static class Waits
{
    /// <summary>The longest a test waits for something that should happen: generous, a loaded 2-core CI machine must not flake.</summary>
    public static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    /// <summary>Polls <paramref name="condition"/> until it holds, failing with <paramref name="what"/> after <see cref="Generous"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Generous;
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (started.Elapsed > limit) Assert.Fail($"Timed out after {limit.TotalSeconds:0} s waiting for {what}.");
            await Task.Delay(20);
        }
    }
}
