namespace Broker.Engine.Dispatch;

/// <summary>A dead-lettered message with why and when.</summary>
internal sealed class DeadLetterState(MessageEntry entry, string? error, long deadLetteredAtTicks)
{
    public MessageEntry Entry { get; } = entry;

    public string? Error { get; } = error;

    public long DeadLetteredAtTicks { get; } = deadLetteredAtTicks;
}
