using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Broker.Nats.JetStream;

/// <summary>
/// Retries an operation whose failure is temporary: no stream leader during a cluster election, no responders while
/// the connection is re-established, a request that timed out. Only operations that are safe to repeat go through
/// here (publishes carry a <c>Nats-Msg-Id</c>; reads and purges are idempotent).
/// </summary>
internal static class Transient
{
    public static bool IsTransient(Exception ex) => ex switch
    {
        OperationCanceledException => false,
        NatsJSApiException api => api.Error.Code is 503 or 408 or 500 || api.Error.ErrCode is 10008 /* cluster not available */ or 10023 /* insufficient resources: a node is down */,
        NatsJSException => true,
        NatsNoRespondersException => true,
        NatsNoReplyException => true,
        NatsException => true,
        TimeoutException => true,
        _ => false,
    };

    public static async ValueTask<T> RetryAsync<T>(Func<CancellationToken, ValueTask<T>> operation, TimeSpan budget, TimeProvider time, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var wait = TimeSpan.FromMilliseconds(50);
        while (true)
        {
            try
            {
                return await operation(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (IsTransient(ex) && time.GetElapsedTime(started) + wait < budget)
            {
                await Task.Delay(wait, time, cancellationToken).ConfigureAwait(false);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromSeconds(1).Ticks));
            }
        }
    }
}
