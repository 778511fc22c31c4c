using Broker.Engine.Dispatch;
using Broker.Engine.Storage;

namespace Broker.Engine.Leases;

/// <summary>
/// One delivery's hold on a message. Settling needs its token; it ends when settled, lost or expired. It carries what
/// the delivery is built from, taken under the channel's lock, so the delivery is written without it.
/// </summary>
internal sealed class Lease(long token, long id, EngineSubscription owner, int tries, long expiresTicks, PayloadRef payload, long producedTicks, int priority)
{
    /// <summary>The fencing token: unique and increasing within the channel.</summary>
    public long Token { get; } = token;

    public long Id { get; } = id;

    public EngineSubscription Owner { get; } = owner;

    /// <summary>The message's tries as of this delivery.</summary>
    public int Tries { get; } = tries;

    /// <summary>UTC ticks at which the lease is lost unless renewed.</summary>
    public long ExpiresTicks { get; set; } = expiresTicks;

    public PayloadRef Payload { get; } = payload;

    public long ProducedTicks { get; } = producedTicks;

    public int Priority { get; } = priority;
}

/// <summary>A lease's place in the expiry heap: the expiry it had when pushed (renewals move it later, never earlier).</summary>
internal readonly record struct LeaseDeadline(long ExpiresTicks, Lease Lease);

/// <summary>Earliest deadline first.</summary>
internal readonly struct LeaseDeadlineOrder : IHeapOrder<LeaseDeadline>
{
    public static bool Before(LeaseDeadline a, LeaseDeadline b) => a.ExpiresTicks < b.ExpiresTicks;
}
