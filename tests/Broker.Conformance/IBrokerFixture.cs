using Broker.Transport;

namespace Broker.Conformance;

/// <summary>
/// What an adapter's test project provides to run the conformance suite: a fresh, isolated broker per test and a way
/// to let time pass.
/// </summary>
public interface IBrokerFixture
{
    /// <summary>Creates a transport onto a broker with no channels, messages or subscriptions yet.</summary>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>The transport; the suite disposes it.</returns>
    ValueTask<IQueueTransport> CreateTransportAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Lets <paramref name="duration"/> pass for the broker: advances a fake clock, or really waits when the adapter runs
    /// on real time (its windows and leases are on a server).
    /// </summary>
    /// <param name="transport">The transport whose broker should see the time pass.</param>
    /// <param name="duration">How much time.</param>
    /// <returns>Completes when the time has passed.</returns>
    ValueTask AdvanceTimeAsync(IQueueTransport transport, TimeSpan duration);

    /// <summary>
    /// The lease the lease tests use: short on a fake clock; on real time long enough that a renewal's round trip and a
    /// busy machine's scheduling fit many times into its slack, so the tests check the rules, not the machine's speed.
    /// </summary>
    TimeSpan ShortLease => TimeSpan.FromSeconds(1);
}
