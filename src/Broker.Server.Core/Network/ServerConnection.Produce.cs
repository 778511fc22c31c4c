using System.Buffers;
using Broker.Protocol;
using Broker.Protocol.Messages;
using Broker.Server.Sessions;
using Broker.Transport;

namespace Broker.Server.Network;

internal sealed partial class ServerConnection
{
    private void Hello(uint id, ReadOnlySpan<byte> body)
    {
        var request = HelloRequest.Read(body);
        if (request.Version != HelloRequest.CurrentVersion)
            throw new ProtocolException(ErrorCodes.InvalidRequest, $"Protocol version {request.Version} is not supported; this server speaks version {HelloRequest.CurrentVersion}.");
        if (_session is not null && _session.Id != request.Session)
            throw new ProtocolException(ErrorCodes.InvalidRequest, "This connection already belongs to another session.");
        _session = _server.Sessions.Open(request.Session, this, out var resumed, out var replaced);
        // The older connection of the same client must not handle another frame: its produces would race this one's retries.
        (replaced as ServerConnection)?.Abort("superseded by a newer connection of the same client");
        if (request.Name is { Length: > 0 } name)
            Name = $"#{Id} {Remote} ({(name.Length > 64 ? name[..64] : name)})";
        ServerLog.Hello(Logger, Name, request.Name ?? "?", resumed ? "resumed" : "new");
        using var scope = Outbound.Enter();
        new WelcomeReply(HelloRequest.CurrentVersion, resumed, Options.MaxMessageBytes, Options.MaxFrameBytes, BrokerServer.Version).Write(scope.Buffer, id);
    }

    private void Declare(uint id, ReadOnlySpan<byte> body)
    {
        // The engine keeps and persists the policy (the last declaration wins); it takes effect before this returns, so
        // a produce right behind the Declare runs under it. The Ack waits until the declaration is durable.
        var pending = _server.Engine.DeclareAsync(DeclareRequest.Read(body).ToDefinition(), CancellationToken.None);
        if (pending.IsCompletedSuccessfully)
            ReplyAck(id);
        else
            _ = TrackAsync(id, MessageType.Declare, async () =>
            {
                await pending.ConfigureAwait(false);
                ReplyAck(id);
            });
    }

    private void Produce(uint id, ReadOnlySpan<byte> body)
    {
        var request = ProduceRequest.Read(body);
        CheckSize(request.Channel, request.Payload.Length);
        var dedup = request.DedupKey is { } key ? new Deduplication(key, Wire.FromMilliseconds(request.DedupWindowMs, "d")) : (Deduplication?)null;
        var delay = Wire.FromMilliseconds(request.DelayMs, "t");

        ProduceOutcome? outcome = null;
        if (_session is { } session && request.Sequence is { } sequence)
        {
            switch (session.Claim(this, sequence, request.Watermark, out outcome))
            {
                case ClaimKind.Existing:
                    AnswerRetry(id, outcome!);
                    return;
                case ClaimKind.Superseded:
                    return;
                case ClaimKind.Forgotten:
                    throw new ProtocolException(ErrorCodes.OutcomeUnknown, $"Produce {sequence} is older than what this server remembers of the session; whether it was stored is unknown.");
            }
        }
        Store(id, request.Channel, new OutgoingMessage(default, dedup, delay, request.Priority) { OrderingKey = request.OrderingKey }, request.Headers, request.Payload, outcome, request.Sequence, MessageType.Produced);
    }

    /// <summary>Refuses a payload that is empty or over the message limit.</summary>
    /// <exception cref="ProtocolException">MessageTooLarge or InvalidRequest.</exception>
    internal void CheckSize(string channel, int payloadBytes)
    {
        // The limits and sentences every adapter uses; an oversized payload gets its own error code.
        if (payloadBytes > Options.MaxMessageBytes)
            throw new ProtocolException(ErrorCodes.MessageTooLarge, MessageLimits.TooLarge(channel, payloadBytes, Options.MaxMessageBytes));
        MessageLimits.CheckPayload(channel, payloadBytes, Options.MaxMessageBytes);
    }

    /// <summary>
    /// Hands a message to the engine now, from the read loop, so produces of one connection get ids in the order they
    /// were sent; the reply goes out when the engine has stored it. The headers and payload are copied out of the read
    /// buffer, which the next frames overwrite while the store still reads them.
    /// </summary>
    /// <param name="id">The request's id.</param>
    /// <param name="channel">The channel's name; the message follows its declared policy.</param>
    /// <param name="message">The message, without its payload and headers.</param>
    /// <param name="headers">The headers' BSON document, in the read buffer; empty for none.</param>
    /// <param name="payload">The payload, in the read buffer.</param>
    /// <param name="outcome">The session's record of this produce, for a retry to be answered from; null without a session.</param>
    /// <param name="sequence">The produce's sequence in the session; null without a session.</param>
    /// <param name="reply">Produced (Broker's produce) or Ack (Deepkit's publish).</param>
    internal void Store(uint id, string channel, OutgoingMessage message, ReadOnlySpan<byte> headers, ReadOnlySpan<byte> payload, ProduceOutcome? outcome, long? sequence, MessageType reply)
    {
        var bytes = headers.Length + payload.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(bytes);
        headers.CopyTo(buffer);
        payload.CopyTo(buffer.AsSpan(headers.Length));
        message = message with { Headers = buffer.AsMemory(0, headers.Length), Payload = buffer.AsMemory(headers.Length, payload.Length) };
        ValueTask<ProduceResult> pending;
        try
        {
            pending = _server.Engine.ProduceAsync(channel, message, CancellationToken.None);
        }
        catch (Exception ex)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (outcome is not null)
            {
                outcome.Fail(ex);
                _session!.Forget(sequence!.Value, outcome);
            }
            ReplyFailure(id, MessageType.Produce, ex);
            return;
        }
        if (pending.IsCompletedSuccessfully)
        {
            var result = pending.Result;
            ArrayPool<byte>.Shared.Return(buffer);
            Stored(id, result, outcome, reply);
            return;
        }
        _inFlight.Begin(bytes);
        _ = AwaitStoredAsync(id, pending, buffer, bytes, outcome, sequence, reply);
    }

    private async Task AwaitStoredAsync(uint id, ValueTask<ProduceResult> pending, byte[] buffer, int bytes, ProduceOutcome? outcome, long? sequence, MessageType reply)
    {
        try
        {
            ProduceResult result;
            try
            {
                result = await pending.ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Only a store that failed is forgotten, so that a retry stores the message anew.
                if (outcome is not null)
                {
                    outcome.Fail(ex);
                    _session!.Forget(sequence!.Value, outcome);
                }
                ReplyFailure(id, MessageType.Produce, ex);
                return;
            }
            // Stored: the session keeps the outcome for a retry even if this connection is gone by now.
            try
            {
                Stored(id, result, outcome, reply);
            }
            catch (Exception ex)
            {
                // The reply cannot be written: closing the connection makes the client retry, and the retry is answered
                // from the session, instead of leaving its produce waiting for a reply that never comes.
                Abort("a produce reply could not be written: " + ex.Message);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _inFlight.End(bytes);
        }
    }

    private void Stored(uint id, ProduceResult result, ProduceOutcome? outcome, MessageType reply)
    {
        outcome?.Complete(result);
        using var scope = Outbound.Enter();
        if (reply == MessageType.Ack)
            FrameWriter.WriteEmpty(scope.Buffer, id, MessageType.Ack);
        else
            ProducedReply.Write(scope.Buffer, id, result);
    }

    /// <summary>A produce retried after a reconnect: answered with the first attempt's outcome, never stored twice.</summary>
    private void AnswerRetry(uint id, ProduceOutcome outcome)
    {
        if (outcome.TryGet(out var result, out var error))
        {
            if (error is null)
                Stored(id, result, null, MessageType.Produced);
            else
                ReplyFailure(id, MessageType.Produce, error);
            return;
        }
        _inFlight.Begin(0);
        _ = AwaitRetryAsync(id, outcome);
    }

    private async Task AwaitRetryAsync(uint id, ProduceOutcome outcome)
    {
        try
        {
            Stored(id, await outcome.WaitAsync().ConfigureAwait(false), null, MessageType.Produced);
        }
        catch (Exception ex)
        {
            ReplyFailure(id, MessageType.Produce, ex);
        }
        finally
        {
            _inFlight.End(0);
        }
    }
}
