using System.Globalization;
using System.Text;
using Broker.Nats.Naming;
using NATS.Client.Core;

namespace Broker.Nats.JetStream;

/// <summary>
/// A core NATS message (not stored) published whenever a message becomes ready on a priority level, carrying the
/// level, or in a partition of keyed messages (its head was produced, settled or handed back), carrying <c>k</c> and
/// the partition. Idle subscriptions listen to it to look for work at once instead of at their next poll; losing one
/// costs at most one poll interval.
/// </summary>
internal static class Bell
{
    public static ValueTask RingAsync(INatsConnection connection, ChannelNames names, int level) =>
        SendAsync(connection, names, level.ToString(CultureInfo.InvariantCulture));

    public static ValueTask RingPartitionAsync(INatsConnection connection, ChannelNames names, int partition) =>
        SendAsync(connection, names, "k" + partition.ToString(CultureInfo.InvariantCulture));

    private static async ValueTask SendAsync(INatsConnection connection, ChannelNames names, string payload)
    {
        try
        {
            await connection.PublishAsync(names.BellSubject, Encoding.ASCII.GetBytes(payload)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NatsException or OperationCanceledException or ObjectDisposedException)
        {
            // Only a wake-up: subscriptions poll anyway.
        }
    }

    public static int? PartitionOf(byte[]? payload) =>
        payload is { Length: > 1 } && payload[0] == (byte)'k' && int.TryParse(Encoding.ASCII.GetString(payload, 1, payload.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var partition)
            ? partition
            : null;

    public static int? LevelOf(byte[]? payload) =>
        payload is { Length: > 0 } && int.TryParse(Encoding.ASCII.GetString(payload), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var level) ? level : null;
}
