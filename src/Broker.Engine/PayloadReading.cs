namespace Broker.Engine;

/// <summary>When a subscription's deliveries get their payloads.</summary>
public enum PayloadReading
{
    /// <summary>Read from the store when the lease is granted: every delivery carries its payload (in-process consumers).</summary>
    Eager,

    /// <summary>
    /// Not read when the lease is granted: deliveries are <see cref="DeferredDelivery"/>s that carry only the payload's
    /// length, and the consumer reads the payload through <see cref="EngineSubscription.TryReadPayload"/> just before it
    /// uses it. A server that pushes deliveries to a socket holds a payload only while it writes it, whatever the credit.
    /// </summary>
    Deferred,
}
