using System.Globalization;
using System.Text;
using Broker.Nats.Naming;
using NATS.Client.Core;

namespace Broker.Nats.JetStream;

/// <summary>
/// A core NATS message (not stored) published whenever a message becomes ready on a priority level, carrying the
/// level. Idle subscriptions listen to it to look for work at once instead of at their next poll; losing one costs at
/// most one poll interval.
/// </summary>
internal static class Bell
{
    public static async ValueTask RingAsync(INatsConnection connection, ChannelNames names, int level)
    {
        try
        {
            await connection.PublishAsync(names.BellSubject, Encoding.ASCII.GetBytes(level.ToString(CultureInfo.InvariantCulture))).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NatsException or OperationCanceledException or ObjectDisposedException)
        {
            // Only a wake-up: subscriptions poll anyway.
        }
    }

    public static int? LevelOf(byte[]? payload) =>
        payload is { Length: > 0 } && int.TryParse(Encoding.ASCII.GetString(payload), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var level) ? level : null;
}
