namespace Broker;

/// <summary>A message whose deliveries were exhausted, as kept in a channel's dead-letter queue.</summary>
/// <typeparam name="T">The channel's message type.</typeparam>
/// <param name="Id">The message id.</param>
/// <param name="Channel">The channel name.</param>
/// <param name="Payload">The message's BSON bytes, as produced.</param>
/// <param name="Data">The decoded message; default when the bytes cannot be decoded (see <paramref name="DecodeError"/>).</param>
/// <param name="DecodeError">Why the bytes cannot be decoded into <typeparamref name="T"/>; null when they can.</param>
/// <param name="Tries">How many deliveries it had.</param>
/// <param name="Error">The last handler error, or why it was dead-lettered.</param>
/// <param name="ProducedAt">When it was stored.</param>
/// <param name="DeadLetteredAt">When it was dead-lettered.</param>
public sealed record DeadLetter<T>(long Id, string Channel, ReadOnlyMemory<byte> Payload, T? Data, string? DecodeError, int Tries, string? Error, DateTimeOffset ProducedAt, DateTimeOffset DeadLetteredAt)
{
    /// <summary>The message's headers, as produced (<see cref="ProduceOptions.Headers"/>); empty for none.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty;
}

/// <summary>A channel's dead-letter queue: list, inspect, re-drive and delete messages whose deliveries were exhausted.</summary>
/// <typeparam name="T">The channel's message type.</typeparam>
public interface IDeadLetterQueue<T>
{
    /// <summary>Lists dead letters in id order.</summary>
    /// <param name="afterId">Only ids greater than this; 0 for the start. Use the last id of a page to get the next.</param>
    /// <param name="limit">At most this many, 1 to 10,000.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The dead letters.</returns>
    ValueTask<IReadOnlyList<DeadLetter<T>>> ListAsync(long afterId = 0, int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>Gets one dead letter.</summary>
    /// <param name="id">The message id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The dead letter, or null when no dead letter has that id.</returns>
    ValueTask<DeadLetter<T>?> GetAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Puts a dead letter back on the channel with a fresh attempt budget, deliverable at once.</summary>
    /// <param name="id">The message id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when it was re-driven; false when no dead letter has that id.</returns>
    ValueTask<bool> RedriveAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Deletes a dead letter for good.</summary>
    /// <param name="id">The message id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when it was deleted; false when no dead letter has that id.</returns>
    ValueTask<bool> DeleteAsync(long id, CancellationToken cancellationToken = default);
}
