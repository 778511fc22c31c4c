using Broker.Transport;

namespace Broker.Management;

/// <summary>Where an unfinished message is.</summary>
public enum PeekedState
{
    /// <summary>Waiting for a worker.</summary>
    Ready,

    /// <summary>Not yet due: delayed when produced, or waiting for a retry.</summary>
    Delayed,

    /// <summary>Delivered to a worker and not yet settled.</summary>
    InFlight,
}

/// <summary>A copy of an unfinished message, read without consuming it.</summary>
/// <param name="Id">The message id.</param>
/// <param name="Channel">The channel name.</param>
/// <param name="State">Where it is.</param>
/// <param name="DeliveryCount">Deliveries so far (0 for one never delivered).</param>
/// <param name="ProducedAt">When it was accepted.</param>
/// <param name="DueAt">For a delayed message, when it becomes ready; otherwise null.</param>
/// <param name="Priority">Its priority (0 by default).</param>
/// <param name="Payload">The BSON document, as produced.</param>
public sealed record PeekedMessage(long Id, string Channel, PeekedState State, int DeliveryCount, DateTimeOffset ProducedAt, DateTimeOffset? DueAt, int Priority, ReadOnlyMemory<byte> Payload)
{
    /// <summary>Its headers, encoded by <see cref="HeaderCodec.Encode"/>; empty for none (decode with <see cref="HeaderCodec.Decode"/>).</summary>
    public ReadOnlyMemory<byte> Headers { get; init; }
}

/// <summary>A page of peeked messages.</summary>
/// <param name="Messages">The messages in id order.</param>
/// <param name="More">Whether more follow: ask again after the last id.</param>
public sealed record MessagePage(IReadOnlyList<PeekedMessage> Messages, bool More);

/// <summary>A page of dead letters.</summary>
/// <param name="Entries">The dead letters in id order.</param>
/// <param name="More">Whether more follow: ask again after the last id.</param>
public sealed record DeadLetterListing(IReadOnlyList<DeadLetterEntry> Entries, bool More);
