using Broker.Transport;

namespace Broker.Engine;

/// <summary>
/// A channel handle of <see cref="EngineTransport"/>: its policy was declared when it was opened, and every call goes
/// to the engine by name. If the engine dropped the declaration meanwhile (its table of policies was full and the
/// channel held nothing), the handle declares it again before it produces or subscribes, so its messages never fall
/// back to the defaults.
/// </summary>
internal sealed class EngineChannel(QueueEngine engine, ChannelDefinition definition) : ITransportChannel
{
    public ChannelDefinition Definition => definition;

    public ValueTask<ProduceResult> ProduceAsync(OutgoingMessage message, CancellationToken cancellationToken) =>
        engine.IsDeclared(definition.Name)
            ? engine.ProduceAsync(definition.Name, message, cancellationToken)
            : DeclareAndProduceAsync(message, cancellationToken);

    public async ValueTask<ITransportSubscription> SubscribeAsync(SubscriptionSettings settings, CancellationToken cancellationToken)
    {
        if (!engine.IsDeclared(definition.Name))
            await engine.DeclareAsync(definition, cancellationToken).ConfigureAwait(false);
        return await engine.SubscribeAsync(definition.Name, settings, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<IReadOnlyList<DeadLetterEntry>> ListDeadLettersAsync(long afterId, int limit, CancellationToken cancellationToken) =>
        engine.ListDeadLettersAsync(definition.Name, afterId, limit, cancellationToken);

    public ValueTask<DeadLetterEntry?> GetDeadLetterAsync(long id, CancellationToken cancellationToken) =>
        engine.GetDeadLetterAsync(definition.Name, id, cancellationToken);

    public ValueTask<bool> RedriveDeadLetterAsync(long id, CancellationToken cancellationToken) =>
        engine.RedriveDeadLetterAsync(definition.Name, id, cancellationToken);

    public ValueTask<bool> DeleteDeadLetterAsync(long id, CancellationToken cancellationToken) =>
        engine.DeleteDeadLetterAsync(definition.Name, id, cancellationToken);

    private async ValueTask<ProduceResult> DeclareAndProduceAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        await engine.DeclareAsync(definition, cancellationToken).ConfigureAwait(false);
        return await engine.ProduceAsync(definition.Name, message, cancellationToken).ConfigureAwait(false);
    }
}
