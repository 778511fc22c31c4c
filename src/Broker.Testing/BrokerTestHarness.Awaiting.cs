using System.Runtime.CompilerServices;
using Broker.Bson;

namespace Broker.Testing;

// The awaits, per channel and per kind of event. Each comes twice: named by the channel interface
// (Consumed<IRegistrationChannel, User>(...): C# cannot infer the message type from the interface, so it is the second
// type argument), or given the channel itself (Consumed(channel, ...): the message type is inferred).
public sealed partial class BrokerTestHarness
{
    /// <summary>
    /// Waits until a message matching <paramref name="predicate"/> was produced to <typeparamref name="TChannel"/> (stored, or
    /// dropped as a duplicate: see <see cref="ObservedMessage{T}.IsDuplicate"/>). Completes at once when it already was.
    /// </summary>
    /// <typeparam name="TChannel">The channel interface.</typeparam>
    /// <typeparam name="T">Its message type.</typeparam>
    /// <param name="predicate">Which message; null for any.</param>
    /// <param name="timeout">How long to wait, in real time; null for <see cref="DefaultTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <param name="predicateText">Filled in by the compiler: the predicate's source, for the failure message.</param>
    /// <returns>The first matching produce.</returns>
    /// <exception cref="BrokerHarnessException">None was seen in time; the message lists what was seen on the channel.</exception>
    public Task<ObservedMessage<T>> Produced<TChannel, T>(Func<ObservedMessage<T>, bool>? predicate = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default, [CallerArgumentExpression(nameof(predicate))] string? predicateText = null)
        where TChannel : class, IQueueChannel<T> =>
        WaitAsync(HarnessEventKind.Produced, GetChannel<TChannel>(), typeof(TChannel), predicate, timeout, predicateText, cancellationToken);

    /// <summary>
    /// Waits until a message matching <paramref name="predicate"/> was produced to <paramref name="channel"/> (stored, or
    /// dropped as a duplicate: see <see cref="ObservedMessage{T}.IsDuplicate"/>). Completes at once when it already was.
    /// </summary>
    /// <typeparam name="T">Its message type.</typeparam>
    /// <param name="channel">The channel, as the harness or the application resolves it.</param>
    /// <param name="predicate">Which message; null for any.</param>
    /// <param name="timeout">How long to wait, in real time; null for <see cref="DefaultTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <param name="predicateText">Filled in by the compiler: the predicate's source, for the failure message.</param>
    /// <returns>The first matching produce.</returns>
    /// <exception cref="BrokerHarnessException">None was seen in time; the message lists what was seen on the channel.</exception>
    public Task<ObservedMessage<T>> Produced<T>(IQueueChannel<T> channel, Func<ObservedMessage<T>, bool>? predicate = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default, [CallerArgumentExpression(nameof(predicate))] string? predicateText = null) =>
        WaitAsync(HarnessEventKind.Produced, channel, null, predicate, timeout, predicateText, cancellationToken);

    /// <summary>
    /// Waits until a message matching <paramref name="predicate"/> was consumed from <typeparamref name="TChannel"/>: its
    /// handler returned and the broker removed it, so the handler's side effects are done. Completes at once when it already was.
    /// </summary>
    /// <typeparam name="TChannel">The channel interface.</typeparam>
    /// <typeparam name="T">Its message type.</typeparam>
    /// <param name="predicate">Which message; null for any.</param>
    /// <param name="timeout">How long to wait, in real time; null for <see cref="DefaultTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <param name="predicateText">Filled in by the compiler: the predicate's source, for the failure message.</param>
    /// <returns>The first matching consumption.</returns>
    /// <exception cref="BrokerHarnessException">None was seen in time; the message lists what was seen on the channel.</exception>
    public Task<ObservedMessage<T>> Consumed<TChannel, T>(Func<ObservedMessage<T>, bool>? predicate = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default, [CallerArgumentExpression(nameof(predicate))] string? predicateText = null)
        where TChannel : class, IQueueChannel<T> =>
        WaitAsync(HarnessEventKind.Consumed, GetChannel<TChannel>(), typeof(TChannel), predicate, timeout, predicateText, cancellationToken);

    /// <summary>
    /// Waits until a message matching <paramref name="predicate"/> was consumed from <paramref name="channel"/>: its
    /// handler returned and the broker removed it, so the handler's side effects are done. Completes at once when it already was.
    /// </summary>
    /// <typeparam name="T">Its message type.</typeparam>
    /// <param name="channel">The channel, as the harness or the application resolves it.</param>
    /// <param name="predicate">Which message; null for any.</param>
    /// <param name="timeout">How long to wait, in real time; null for <see cref="DefaultTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <param name="predicateText">Filled in by the compiler: the predicate's source, for the failure message.</param>
    /// <returns>The first matching consumption.</returns>
    /// <exception cref="BrokerHarnessException">None was seen in time; the message lists what was seen on the channel.</exception>
    public Task<ObservedMessage<T>> Consumed<T>(IQueueChannel<T> channel, Func<ObservedMessage<T>, bool>? predicate = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default, [CallerArgumentExpression(nameof(predicate))] string? predicateText = null) =>
        WaitAsync(HarnessEventKind.Consumed, channel, null, predicate, timeout, predicateText, cancellationToken);

    /// <summary>
    /// Waits until a delivery of a message matching <paramref name="predicate"/> failed on <typeparamref name="TChannel"/>:
    /// its handler threw (<see cref="ObservedMessage{T}.Error"/>), and the broker will retry it or dead-lettered it
    /// (<see cref="ObservedMessage{T}.WasDeadLettered"/>). Each failed delivery is one event; filter on
    /// <see cref="ObservedMessage{T}.Tries"/> for a given one. Completes at once when it already happened.
    /// </summary>
    /// <typeparam name="TChannel">The channel interface.</typeparam>
    /// <typeparam name="T">Its message type.</typeparam>
    /// <param name="predicate">Which failure; null for any.</param>
    /// <param name="timeout">How long to wait, in real time; null for <see cref="DefaultTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <param name="predicateText">Filled in by the compiler: the predicate's source, for the failure message.</param>
    /// <returns>The first matching failure.</returns>
    /// <exception cref="BrokerHarnessException">None was seen in time; the message lists what was seen on the channel.</exception>
    public Task<ObservedMessage<T>> Failed<TChannel, T>(Func<ObservedMessage<T>, bool>? predicate = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default, [CallerArgumentExpression(nameof(predicate))] string? predicateText = null)
        where TChannel : class, IQueueChannel<T> =>
        WaitAsync(HarnessEventKind.Failed, GetChannel<TChannel>(), typeof(TChannel), predicate, timeout, predicateText, cancellationToken);

    /// <summary>
    /// Waits until a delivery of a message matching <paramref name="predicate"/> failed on <paramref name="channel"/>:
    /// its handler threw (<see cref="ObservedMessage{T}.Error"/>), and the broker will retry it or dead-lettered it
    /// (<see cref="ObservedMessage{T}.WasDeadLettered"/>). Each failed delivery is one event; filter on
    /// <see cref="ObservedMessage{T}.Tries"/> for a given one. Completes at once when it already happened.
    /// </summary>
    /// <typeparam name="T">Its message type.</typeparam>
    /// <param name="channel">The channel, as the harness or the application resolves it.</param>
    /// <param name="predicate">Which failure; null for any.</param>
    /// <param name="timeout">How long to wait, in real time; null for <see cref="DefaultTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <param name="predicateText">Filled in by the compiler: the predicate's source, for the failure message.</param>
    /// <returns>The first matching failure.</returns>
    /// <exception cref="BrokerHarnessException">None was seen in time; the message lists what was seen on the channel.</exception>
    public Task<ObservedMessage<T>> Failed<T>(IQueueChannel<T> channel, Func<ObservedMessage<T>, bool>? predicate = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default, [CallerArgumentExpression(nameof(predicate))] string? predicateText = null) =>
        WaitAsync(HarnessEventKind.Failed, channel, null, predicate, timeout, predicateText, cancellationToken);

    /// <summary>
    /// Waits until a message matching <paramref name="predicate"/> was moved to the dead-letter queue of
    /// <typeparamref name="TChannel"/>: its attempts were used up (or it cannot be decoded). Retries wait for their backoff
    /// on the harness clock, so advance it first (<see cref="AdvanceTimeAsync"/>). Completes at once when it already happened.
    /// </summary>
    /// <typeparam name="TChannel">The channel interface.</typeparam>
    /// <typeparam name="T">Its message type.</typeparam>
    /// <param name="predicate">Which message; null for any.</param>
    /// <param name="timeout">How long to wait, in real time; null for <see cref="DefaultTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <param name="predicateText">Filled in by the compiler: the predicate's source, for the failure message.</param>
    /// <returns>The first matching dead-lettering, with the last error.</returns>
    /// <exception cref="BrokerHarnessException">None was seen in time; the message lists what was seen on the channel.</exception>
    public Task<ObservedMessage<T>> DeadLettered<TChannel, T>(Func<ObservedMessage<T>, bool>? predicate = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default, [CallerArgumentExpression(nameof(predicate))] string? predicateText = null)
        where TChannel : class, IQueueChannel<T> =>
        WaitAsync(HarnessEventKind.DeadLettered, GetChannel<TChannel>(), typeof(TChannel), predicate, timeout, predicateText, cancellationToken);

    /// <summary>
    /// Waits until a message matching <paramref name="predicate"/> was moved to the dead-letter queue of
    /// <paramref name="channel"/>: its attempts were used up (or it cannot be decoded). Retries wait for their backoff
    /// on the harness clock, so advance it first (<see cref="AdvanceTimeAsync"/>). Completes at once when it already happened.
    /// </summary>
    /// <typeparam name="T">Its message type.</typeparam>
    /// <param name="channel">The channel, as the harness or the application resolves it.</param>
    /// <param name="predicate">Which message; null for any.</param>
    /// <param name="timeout">How long to wait, in real time; null for <see cref="DefaultTimeout"/>.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <param name="predicateText">Filled in by the compiler: the predicate's source, for the failure message.</param>
    /// <returns>The first matching dead-lettering, with the last error.</returns>
    /// <exception cref="BrokerHarnessException">None was seen in time; the message lists what was seen on the channel.</exception>
    public Task<ObservedMessage<T>> DeadLettered<T>(IQueueChannel<T> channel, Func<ObservedMessage<T>, bool>? predicate = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default, [CallerArgumentExpression(nameof(predicate))] string? predicateText = null) =>
        WaitAsync(HarnessEventKind.DeadLettered, channel, null, predicate, timeout, predicateText, cancellationToken);

    /// <summary>Everything seen on <typeparamref name="TChannel"/> so far, in order: produces, consumptions, failures, dead letters...</summary>
    /// <typeparam name="TChannel">The channel interface.</typeparam>
    /// <typeparam name="T">Its message type.</typeparam>
    /// <returns>A snapshot; later events do not change it.</returns>
    public IReadOnlyList<ObservedMessage<T>> Seen<TChannel, T>()
        where TChannel : class, IQueueChannel<T> => Seen(GetChannel<TChannel>());

    /// <summary>Everything seen on <paramref name="channel"/> so far, in order: produces, consumptions, failures, dead letters...</summary>
    /// <typeparam name="T">Its message type.</typeparam>
    /// <param name="channel">The channel.</param>
    /// <returns>A snapshot; later events do not change it.</returns>
    public IReadOnlyList<ObservedMessage<T>> Seen<T>(IQueueChannel<T> channel)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var codec = CodecOf<T>();
        return [.. _broker.Journal.Snapshot(channel.Definition.Name).Select(e => ObservedMessage<T>.From(e, codec))];
    }

    private async Task<ObservedMessage<T>> WaitAsync<T>(
        HarnessEventKind kind,
        IQueueChannel<T> channel,
        Type? channelType,
        Func<ObservedMessage<T>, bool>? predicate,
        TimeSpan? timeout,
        string? predicateText,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var name = channel.Definition.Name;
        var limit = timeout ?? DefaultTimeout;
        var codec = CodecOf<T>();
        var entry = await _broker.Journal.WaitAsync(e => e.Kind == kind && e.Channel == name && Matches(e), limit, cancellationToken).ConfigureAwait(false);
        if (entry is null)
            throw new BrokerHarnessException(HarnessReport.NotSeen(kind, name, channelType, predicateText, limit, _broker, codec));
        return ObservedMessage<T>.From(entry, codec);

        // A message that cannot be decoded never matches a predicate (it would only throw there); it is still listed.
        bool Matches(JournalEntry e)
        {
            if (predicate is null) return true;
            var message = ObservedMessage<T>.From(e, codec);
            return message.DecodeError is null && predicate(message);
        }
    }

    private static IBsonCodec<T> CodecOf<T>() =>
        BsonCodec.TryGet<T>(out var codec) ? codec : throw new InvalidOperationException(
            $"No BSON codec is registered for {typeof(T).FullName}, so the harness cannot decode the channel's messages. The Broker source " +
            "generator writes one for the message type of every [Channel] interface, in the assembly that declares the channel.");
}
