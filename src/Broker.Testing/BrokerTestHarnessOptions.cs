namespace Broker.Testing;

/// <summary>Settings of a <see cref="BrokerTestHarness"/>.</summary>
public sealed class BrokerTestHarnessOptions
{
    /// <summary>
    /// How long, in real time, an await such as <see cref="BrokerTestHarness.Consumed{TChannel, T}"/> waits when the call
    /// gives no timeout. Default 10 seconds: generous for a loaded CI machine, since a passing test never waits it out.
    /// </summary>
    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// What the harness clock reads when the harness starts; it stands still until the test advances it. Default
    /// 2025-01-01T00:00:00Z, the same in every run, so times in assertions and failure messages are reproducible.
    /// </summary>
    public DateTimeOffset StartTime { get; set; } = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// How long <see cref="BrokerTestHarness.DisposeAsync"/> lets running handlers of a harness started with
    /// <see cref="BrokerTestHarness.StartAsync"/> finish before cancelling them (the host's shutdown timeout). Default 5 seconds.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Checks the values, naming the first invalid one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A timeout is zero or negative (other than <see cref="Timeout.InfiniteTimeSpan"/>).</exception>
    public void Validate()
    {
        if (DefaultTimeout <= TimeSpan.Zero && DefaultTimeout != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(DefaultTimeout), DefaultTimeout, "BrokerTestHarnessOptions.DefaultTimeout must be positive (or Timeout.InfiniteTimeSpan).");
        if (ShutdownTimeout < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(ShutdownTimeout), ShutdownTimeout, "BrokerTestHarnessOptions.ShutdownTimeout must be zero or more.");
    }
}
