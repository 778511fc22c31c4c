using System.Globalization;
using System.Text;
using Broker.Nats.Naming;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Broker.Nats.JetStream;

/// <summary>
/// An ordered channel's partition count, recorded on the server by the first process that opens the channel. A key's
/// partition is its hash modulo the count, so two processes with different counts would put one key's messages in two
/// partitions and lose its order: a process whose <see cref="NatsTransportOptions.OrderedPartitions"/> differs from the
/// recorded count is refused. (2.9 has no stream metadata, so the count is a message of the history stream.)
/// </summary>
internal static class PartitionCount
{
    /// <summary>nats-server's "wrong last sequence" error code: another process recorded its count first.</summary>
    private const int WrongLastSequence = 10071;

    public static async Task<int> EnsureAsync(INatsJSContext js, INatsJSStream history, ChannelNames names, int wanted, CancellationToken cancellationToken)
    {
        var recorded = await ReadAsync(history, names, cancellationToken).ConfigureAwait(false);
        if (recorded is null)
        {
            try
            {
                // Expected last subject sequence 0: stored only if no count is recorded yet, so racing processes agree.
                var opts = new NatsJSPubOpts { ExpectedLastSubjectSequence = 0 };
                var ack = await js.PublishAsync(names.PartitionCountSubject, Encoding.ASCII.GetBytes(wanted.ToString(CultureInfo.InvariantCulture)), opts: opts, cancellationToken: cancellationToken).ConfigureAwait(false);
                if (ack.Error is { } error) throw new NatsJSApiException(error);
                recorded = wanted;
            }
            catch (NatsJSApiException ex) when (ex.Error.ErrCode == WrongLastSequence)
            {
                recorded = await ReadAsync(history, names, cancellationToken).ConfigureAwait(false);
            }
        }
        if (recorded != wanted)
        {
            throw new InvalidOperationException(
                $"Channel '{names.Channel}' is ordered with {recorded} partitions on nats-server (recorded by the first process that opened it, " +
                $"in stream '{names.HistoryStream}'), but this process has NatsTransportOptions.OrderedPartitions = {wanted}. Every process must use the same " +
                "count, or one key's messages would land in two partitions and lose their order. Set it to " +
                $"{recorded}, or drain the channel and delete the stream '{names.HistoryStream}' to record a new count.");
        }
        return wanted;
    }

    private static async Task<int?> ReadAsync(INatsJSStream history, ChannelNames names, CancellationToken cancellationToken)
    {
        StreamMsgGetResponse response;
        try
        {
            response = await history.GetAsync(new StreamMsgGetRequest { LastBySubj = names.PartitionCountSubject }, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException ex) when (ex.Error.Code == 404)
        {
            return null;
        }
        var text = Encoding.ASCII.GetString(response.Message.Data.Span);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0
            ? count
            : throw new InvalidOperationException($"Stream '{names.HistoryStream}' records the partition count of channel '{names.Channel}' as '{text}', which is not a count.");
    }
}
