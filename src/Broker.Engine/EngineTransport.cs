using Broker.Transport;

namespace Broker.Engine;

/// <summary>
/// The in-process adapter: channels talk to a <see cref="QueueEngine"/> in the same process, with no serialization
/// beyond the BSON payloads. <c>UseInMemory()</c> puts it over a <see cref="Storage.MemoryQueueStore"/>; the embedded
/// mode (<c>UseEmbedded(path)</c>) puts it over a <see cref="Storage.Log.LogQueueStore"/>.
/// </summary>
public sealed class EngineTransport : IQueueTransport, IDisposable
{
    private readonly bool _ownsEngine;

    /// <summary>Creates the adapter.</summary>
    /// <param name="engine">The engine.</param>
    /// <param name="ownsEngine">Whether disposing the adapter disposes the engine.</param>
    public EngineTransport(QueueEngine engine, bool ownsEngine = false)
    {
        ArgumentNullException.ThrowIfNull(engine);
        Engine = engine;
        _ownsEngine = ownsEngine;
    }

    /// <summary>The engine behind the adapter.</summary>
    public QueueEngine Engine { get; }

    /// <inheritdoc />
    public TimeProvider TimeProvider => Engine.TimeProvider;

    /// <inheritdoc />
    public ValueTask<ProduceResult> ProduceAsync(OutgoingMessage message, CancellationToken cancellationToken) =>
        Engine.ProduceAsync(message, cancellationToken);

    /// <inheritdoc />
    public async ValueTask<ITransportSubscription> SubscribeAsync(ChannelDefinition channel, SubscriptionSettings settings, CancellationToken cancellationToken) =>
        await Engine.SubscribeAsync(channel, settings, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<DeadLetterEntry>> ListDeadLettersAsync(ChannelDefinition channel, long afterId, int limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return Engine.ListDeadLettersAsync(channel.Name, afterId, limit, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<DeadLetterEntry?> GetDeadLetterAsync(ChannelDefinition channel, long id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return Engine.GetDeadLetterAsync(channel.Name, id, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> RedriveDeadLetterAsync(ChannelDefinition channel, long id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return Engine.RedriveDeadLetterAsync(channel.Name, id, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteDeadLetterAsync(ChannelDefinition channel, long id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return Engine.DeleteDeadLetterAsync(channel.Name, id, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Disposes the engine when the adapter owns it. Synchronous, so containers disposed either way can release it.</summary>
    public void Dispose()
    {
        if (_ownsEngine)
            Engine.Dispose();
    }
}
