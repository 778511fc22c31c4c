using System.Diagnostics;
using Broker.Transport;

namespace Broker.Diagnostics;

/// <summary>The metrics of settling a delivery: how long the broker took to answer, and what became of the message.</summary>
internal static class SettleTelemetry
{
    /// <summary>The start of a settle, or 0 when its duration is not recorded.</summary>
    public static long Start() => ClientInstruments.OperationDuration.Enabled ? Stopwatch.GetTimestamp() : 0;

    /// <summary>Records a settle the broker answered with <paramref name="outcome"/>.</summary>
    public static void Answered(string channel, string operation, long started, SettleOutcome outcome)
    {
        RecordDuration(channel, operation, started, errorType: null);
        var counter = outcome switch
        {
            SettleOutcome.DeadLettered => ClientInstruments.DeadLettered,
            SettleOutcome.Retrying => ClientInstruments.Retried,
            SettleOutcome.LeaseLost => ClientInstruments.LeasesLost,
            _ => null,
        };
        if (counter is { Enabled: true })
            counter.Add(1, ClientInstruments.Tags(channel, operation, errorType: null));
    }

    /// <summary>Records a settle that failed: the broker's answer never came.</summary>
    public static void Failed(string channel, string operation, long started, Exception exception) =>
        RecordDuration(channel, operation, started, exception.GetType().FullName);

    /// <summary>Records a renewal the broker refused: the lease is gone.</summary>
    public static void LeaseLostOnRenewal(string channel)
    {
        if (ClientInstruments.LeasesLost.Enabled)
            ClientInstruments.LeasesLost.Add(1, ClientInstruments.Tags(channel, "renew", errorType: null));
    }

    /// <summary>The outcome's value for <see cref="MessagingTags.Outcome"/>.</summary>
    public static string Name(SettleOutcome outcome) => outcome switch
    {
        SettleOutcome.Completed => "completed",
        SettleOutcome.Retrying => "retrying",
        SettleOutcome.Released => "released",
        SettleOutcome.DeadLettered => "dead_lettered",
        SettleOutcome.LeaseLost => "lease_lost",
        _ => "unknown",
    };

    private static void RecordDuration(string channel, string operation, long started, string? errorType)
    {
        if (started == 0 || !ClientInstruments.OperationDuration.Enabled)
            return;
        var tags = ClientInstruments.Tags(channel, operation, errorType);
        tags.Add(MessagingTags.OperationType, MessagingTags.SettleOperation);
        ClientInstruments.OperationDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, tags);
    }
}
