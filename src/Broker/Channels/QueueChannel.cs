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
    /// <remarks>
    /// While nothing listens to Broker's spans (the common case) this is not an async method: it encodes and hands the
    /// message to the adapter, and only the wait for the broker's answer is one (<see cref="AwaitProducedAsync"/>), whose
    /// state machine holds five values instead of the whole method's dozen (about 130 bytes less per produce); an answer
    /// that is already there costs none. Like an async method it leaves the caller's execution context as it found it.
    /// </remarks>
    public ValueTask<ProduceResult> ProduceAsync(T message, ProduceOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (message is null)
            return ValueTask.FromException<ProduceResult>(new ArgumentNullException(nameof(message), $"Channel '{Definition.Name}' cannot carry a null message."));
        // A send span becomes the current activity while the produce runs; an async method's boundary hides that from
        // the caller, so with a listener the whole produce is one. So is it when the context does not flow.
        var context = ExecutionContext.Capture();
        if (context is null || BrokerTelemetry.Source.HasListeners())
            return ProduceTracedAsync(message, options, cancellationToken);

        var telemetry = SendInstrumentation.Start(Definition.Name);
        PooledBufferWriter? buffer = null;
        try
        {
            var outgoing = Encode(message, options, telemetry, out buffer);
            var opening = _channel.GetAsync(cancellationToken);
            if (!opening.IsCompletedSuccessfully)
                return OpenAndProduceAsync(opening, outgoing, Hand(ref buffer), telemetry, cancellationToken);
            var pending = opening.Result.ProduceAsync(outgoing, cancellationToken);
            if (!pending.IsCompletedSuccessfully)
                return AwaitProducedAsync(pending, Hand(ref buffer), telemetry, outgoing.Payload.Length);
            var result = pending.Result;
            telemetry.Succeeded(result, outgoing.Payload.Length);
            return new ValueTask<ProduceResult>(result);
        }
        catch (Exception ex)
        {
            telemetry.Failed(ex);
            // As an async method would report it: a cancellation as cancelled, anything else as faulted.
            return ex is OperationCanceledException { CancellationToken.IsCancellationRequested: true } cancelled
                ? ValueTask.FromCanceled<ProduceResult>(cancelled.CancellationToken)
                : ValueTask.FromException<ProduceResult>(ex);
        }
        finally
        {
            buffer?.Dispose();
            ExecutionContext.Restore(context);
        }
    }

    /// <summary>Passes the buffer on to the method that will dispose it.</summary>
    private static PooledBufferWriter Hand(ref PooledBufferWriter? buffer)
    {
        var handed = buffer!;
        buffer = null;
        return handed;
    }

    /// <summary>The produce as one async method, for when a send span may become the current activity.</summary>
    private async ValueTask<ProduceResult> ProduceTracedAsync(T message, ProduceOptions? options, CancellationToken cancellationToken)
    {
        var telemetry = SendInstrumentation.Start(Definition.Name);
        PooledBufferWriter? buffer = null;
        try
        {
            var outgoing = Encode(message, options, telemetry, out buffer);
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
        finally
        {
            buffer?.Dispose();
        }
    }

    private static async ValueTask<ProduceResult> AwaitProducedAsync(ValueTask<ProduceResult> pending, PooledBufferWriter buffer, SendInstrumentation telemetry, int size)
    {
        try
        {
            var result = await pending.ConfigureAwait(false);
            telemetry.Succeeded(result, size);
            return result;
        }
        catch (Exception ex)
        {
            telemetry.Failed(ex);
            throw;
        }
        finally
        {
            buffer.Dispose();
        }
    }

    private static async ValueTask<ProduceResult> OpenAndProduceAsync(
        ValueTask<ITransportChannel> opening, OutgoingMessage outgoing, PooledBufferWriter buffer, SendInstrumentation telemetry, CancellationToken cancellationToken)
    {
        try
        {
            var channel = await opening.ConfigureAwait(false);
            var result = await channel.ProduceAsync(outgoing, cancellationToken).ConfigureAwait(false);
            telemetry.Succeeded(result, outgoing.Payload.Length);
            return result;
        }
        catch (Exception ex)
        {
            telemetry.Failed(ex);
            throw;
        }
        finally
        {
            buffer.Dispose();
        }
    }

    /// <summary>
    /// Encodes the message into <paramref name="buffer"/> (the caller disposes it, also when this throws) and applies
    /// the channel's policy and the options.
    /// </summary>
    private OutgoingMessage Encode(T message, ProduceOptions? options, SendInstrumentation telemetry, out PooledBufferWriter? buffer)
    {
        buffer = null;
        var delay = ProducePolicy.ResolveDelay(Definition, options);

        buffer = new PooledBufferWriter(Volatile.Read(ref _encodedSize));
        var writer = new BsonWriter(buffer);
        _codec.Write(ref writer, message);
        writer.Flush();
        RememberSize(buffer.WrittenSpan.Length);

        var dedup = ProducePolicy.ResolveDedup(Definition, options, buffer.WrittenSpan);
        var orderingKey = ProducePolicy.ResolveOrderingKey(Definition, options, options?.OrderingKey is null && Definition.Ordered ? OrderingKeyOf(message) : null);
        return new OutgoingMessage(buffer.WrittenMemory, dedup, delay, options?.Priority ?? 0)
        {
            OrderingKey = orderingKey,
            Headers = HeaderCodec.EncodeWithTraceContext(options?.Headers, TraceContextHeaders.Inject(telemetry.ContextToCarry), Definition.Name),
        };
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
