using Broker.Nats.JetStream;
using Broker.Nats.Naming;
using Microsoft.Extensions.Logging;
using NATS.Client.JetStream;

namespace Broker.Nats.Consuming;

/// <summary>
/// Delay on top of 2.9, which has no scheduled messages: a delayed message waits on the channel's delayed subject,
/// where one durable consumer (shared by every transport that subscribes to the channel) takes it, NAKs it with the
/// time left until it is due, and once due copies it onto its priority's ready subject and acks it. The copy's
/// <c>Nats-Msg-Id</c> is derived from the delayed message's stream sequence, so a scheduler that dies between copy and
/// ack cannot make two copies.
/// </summary>
internal sealed partial class DelayScheduler : IDisposable
{
    private readonly NatsContext _context;
    private readonly ChannelRuntime _channel;
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    private DelayScheduler(NatsContext context, ChannelRuntime channel)
    {
        _context = context;
        _channel = channel;
    }

    public static DelayScheduler Start(NatsContext context, ChannelRuntime channel)
    {
        var scheduler = new DelayScheduler(context, channel);
        scheduler._loop = Task.Run(scheduler.RunAsync);
        return scheduler;
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        Dispose();
    }

    public void Dispose() => _stop.Dispose();

    private async Task RunAsync()
    {
        var token = _stop.Token;
        INatsJSConsumer? consumer = null;
        while (!token.IsCancellationRequested)
        {
            try
            {
                consumer ??= await _channel.CreateConsumerAsync(ChannelNames.SchedulerConsumer, _channel.Names.DelayedSubject, token).ConfigureAwait(false);
                var opts = new NatsJSFetchOpts { MaxMsgs = 64, Expires = TimeSpan.FromSeconds(5), IdleHeartbeat = TimeSpan.FromSeconds(2) };
                await foreach (var message in consumer.FetchAsync<byte[]>(opts, cancellationToken: token).ConfigureAwait(false))
                    await HandleAsync(message, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogSchedulerFailed(_context.Logger, ex, _channel.Channel.Name);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), _context.Time, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task HandleAsync(INatsJSMsg<byte[]> message, CancellationToken cancellationToken)
    {
        var headers = message.Headers;
        var due = MessageHeaders.GetLong(headers, MessageHeaders.Due) is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : DateTimeOffset.MinValue;
        var left = due - _context.Time.GetUtcNow();
        if (left > TimeSpan.Zero)
        {
            await message.NakAsync(new AckOpts { DoubleAck = true, NakDelay = left }, cancellationToken).ConfigureAwait(false);
            return;
        }

        var metadata = message.Metadata!.Value;
        var priority = (int)(MessageHeaders.GetLong(headers, MessageHeaders.Priority) ?? 0);
        var copy = MessageCopies.Headers(
            MessageHeaders.GetLong(headers, MessageHeaders.Id) ?? (long)metadata.Sequence.Stream,
            MessageHeaders.GetLong(headers, MessageHeaders.ProducedAt) is { } produced ? DateTimeOffset.FromUnixTimeMilliseconds(produced) : metadata.Timestamp,
            (int)(MessageHeaders.GetLong(headers, MessageHeaders.Tries) ?? 0),
            (int)(MessageHeaders.GetLong(headers, MessageHeaders.Retries) ?? 0),
            priority,
            MessageHeaders.GetUser(headers));
        await _context.Publisher.PublishAsync(_channel.Names.ReadySubject(priority), message.Data ?? [], MessageCopies.CopyId(metadata.Sequence.Stream), copy, cancellationToken).ConfigureAwait(false);
        await message.AckAsync(new AckOpts { DoubleAck = true }, cancellationToken).ConfigureAwait(false);
        await _context.Bell.RingAsync(_channel.Names, priority).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The delay scheduler of channel '{Channel}' failed; it retries in a second")]
    private static partial void LogSchedulerFailed(ILogger logger, Exception ex, string channel);
}
