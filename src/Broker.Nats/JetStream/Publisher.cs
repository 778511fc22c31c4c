using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Broker.Nats.JetStream;

/// <summary>
/// Publishes to JetStream and waits for the PubAck, retrying temporary failures with the same <c>Nats-Msg-Id</c> (so
/// a retry whose first attempt was in fact stored is reported as a duplicate of it, never stored twice).
/// </summary>
internal sealed class Publisher(INatsJSContext js, TimeSpan retryBudget, TimeProvider time)
{
    public INatsJSContext JetStream => js;

    public async ValueTask<PubAckResponse> PublishAsync(string subject, ReadOnlyMemory<byte> payload, string msgId, NatsHeaders? headers, CancellationToken cancellationToken, ulong? expectedLastSubjectSequence = null)
    {
        // The first attempt goes straight out (the hot path: no closure, no copy of absent headers); a temporary
        // failure moves to the retry loop, which sends the same message id again.
        try
        {
            return await AttemptAsync(subject, payload, msgId, headers, expectedLastSubjectSequence, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Transient.IsTransient(ex))
        {
        }
        return await Transient.RetryAsync(
            ct => AttemptAsync(subject, payload, msgId, headers, expectedLastSubjectSequence, ct), retryBudget, time, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<PubAckResponse> AttemptAsync(string subject, ReadOnlyMemory<byte> payload, string msgId, NatsHeaders? headers, ulong? expectedLastSubjectSequence, CancellationToken cancellationToken)
    {
        // NATS.Net sets Nats-Msg-Id from MsgId; fresh headers per attempt, because it writes into them.
        var opts = new NatsJSPubOpts { MsgId = msgId, ExpectedLastSubjectSequence = expectedLastSubjectSequence };
        var ack = await js.PublishAsync(subject, payload, opts: opts, headers: Copy(headers), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (ack.Error is { } error)
            throw new NatsJSApiException(error);
        return ack;
    }

    private static NatsHeaders? Copy(NatsHeaders? headers)
    {
        if (headers is null) return null;
        var copy = new NatsHeaders();
        foreach (var (name, value) in headers)
            copy[name] = value;
        return copy;
    }
}
