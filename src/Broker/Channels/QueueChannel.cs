using Broker.Bson;
using Broker.Consuming;
using Broker.Diagnostics;
using Broker.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker;

/// <summary>
/// The implementation behind every generated channel: encodes, hashes and produces messages, and runs subscriptions.
/// The source generator derives a small sealed class from it per <c>[Channel]</c> interface; it can also be used
/// directly for channels that are only known at run time.
/// </summary>
/// <typeparam name="T">The message type.</typeparam>
public class QueueChannel<T> : IQueueChannel<T>
{
    private readonly ChannelOpener _channel;
    private readonly IBsonCodec<T> _codec;
    private readonly ILoggerFactory _loggerFactory;
    // The largest message encoded so far (up to a limit): the next produce rents a buffer that size at once, instead of
    // renting, outgrowing and copying for every message larger than the first rent.
    private int _encodedSize = 256;

    /// <summary>Creates a channel.</summary>
    /// <param name="transport">The adapter that carries it.</param>
    /// <param name="definition">Its name and policy.</param>
    /// <param name="codec">The BSON codec of <typeparamref name="T"/>.</param>
    /// <param name="loggerFactory">Logging for its subscriptions; null for none.</param>
    public QueueChannel(IQueueTransport transport, ChannelDefinition definition, IBsonCodec<T> codec, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(codec);
        _channel = new ChannelOpener(transport, definition);
        _codec = codec;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        Definition = definition;
        DeadLetters = new DeadLetterQueue<T>(_channel, codec);
    }

    /// <inheritdoc />
    public ChannelDefinition Definition { get; }

    /// <inheritdoc />
    public Type MessageType => typeof(T);

    /// <inheritdoc />
    public IDeadLetterQueue<T> DeadLetters { get; }

    /// <inheritdoc />
    public TResult Accept<TResult>(IQueueChannelVisitor<TResult> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        return visitor.Visit(this);
    }

    /// <inheritdoc />
    public async ValueTask<ProduceResult> ProduceAsync(T message, ProduceOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (message is null)
            throw new ArgumentNullException(nameof(message), $"Channel '{Definition.Name}' cannot carry a null message.");
        var telemetry = SendInstrumentation.Start(Definition.Name);
        try
        {
            var delay = ProducePolicy.ResolveDelay(Definition, options);

            using var buffer = new PooledBufferWriter(Volatile.Read(ref _encodedSize));
            var writer = new BsonWriter(buffer);
            _codec.Write(ref writer, message);
            writer.Flush();
            RememberSize(buffer.WrittenSpan.Length);

            var dedup = ProducePolicy.ResolveDedup(Definition, options, buffer.WrittenSpan);
            var orderingKey = ProducePolicy.ResolveOrderingKey(Definition, options, options?.OrderingKey is null && Definition.Ordered ? OrderingKeyOf(message) : null);
            var outgoing = new OutgoingMessage(buffer.WrittenMemory, dedup, delay, options?.Priority ?? 0)
            {
                OrderingKey = orderingKey,
                Headers = HeaderCodec.EncodeWithTraceContext(options?.Headers, TraceContextHeaders.Inject(telemetry.ContextToCarry), Definition.Name),
            };
            var channel = await _channel.GetAsync(cancellationToken).ConfigureAwait(false);
            var result = await channel.ProduceAsync(outgoing, cancellationToken).ConfigureAwait(false);
            telemetry.Succeeded(result, outgoing.Payload.Length);
            return result;
        }
        catch (Exception ex)
        {
            telemetry.Failed(ex);
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask<IQueueSubscription> ConsumeAsync(
        Func<QueueMessage<T>, CancellationToken, ValueTask> handler,
        ConsumeOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        options ??= new ConsumeOptions();
        options.Validate(Definition.Name);
        var settings = new SubscriptionSettings(options.MaxParallel, options.LeaseDuration);
        var channel = await _channel.GetAsync(cancellationToken).ConfigureAwait(false);
        var subscription = await channel.SubscribeAsync(settings, cancellationToken).ConfigureAwait(false);
        var logger = _loggerFactory.CreateLogger("Broker.Subscription");
        return SubscriptionRunner<T>.Start(subscription, Definition, _codec, handler, settings, _channel.Transport.TimeProvider, logger);
    }

    private void RememberSize(int size)
    {
        // A rare huge message should not make every later produce rent that much.
        if (size > Volatile.Read(ref _encodedSize) && size <= MaxRememberedSize)
            Volatile.Write(ref _encodedSize, size);
    }

    private const int MaxRememberedSize = 64 * 1024;

    /// <summary>
    /// The ordering key a message carries when its produce gives none: the generated channel of a
    /// <c>[Channel(..., OrderBy = ...)]</c> interface returns that member's value. Null (the default): no key.
    /// </summary>
    /// <param name="message">The message being produced.</param>
    /// <returns>The key, or null for an unordered message.</returns>
    protected virtual string? OrderingKeyOf(T message) => null;

    /// <inheritdoc />
    public override string ToString() => $"QueueChannel<{typeof(T).Name}> {Definition}";
}
