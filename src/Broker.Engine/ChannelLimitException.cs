namespace Broker.Engine;

/// <summary>
/// A produce or subscribe named a channel the engine does not hold while it holds its limit of channels
/// (<see cref="QueueEngineOptions.MaxChannels"/>; <c>--max-channels</c> on the server). Nothing was stored.
/// </summary>
public sealed class ChannelLimitException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public ChannelLimitException()
        : base("The engine holds its limit of channels.")
    {
        Channel = string.Empty;
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public ChannelLimitException(string message)
        : base(message)
    {
        Channel = string.Empty;
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ChannelLimitException(string message, Exception innerException)
        : base(message, innerException)
    {
        Channel = string.Empty;
    }

    /// <summary>Creates the exception for a channel that could not be created.</summary>
    /// <param name="channel">The channel name.</param>
    /// <param name="maxChannels">The limit.</param>
    public ChannelLimitException(string channel, int maxChannels)
        : base($"Channel '{channel}' cannot be created: {maxChannels} channels hold messages, dead letters, dedup keys or subscriptions, the limit. " +
               "Nothing was stored. Drain or delete unused channels, or raise the limit (MaxChannels; --max-channels on the server).")
    {
        Channel = channel;
        MaxChannels = maxChannels;
    }

    /// <summary>The channel that could not be created.</summary>
    public string Channel { get; }

    /// <summary>The limit.</summary>
    public int MaxChannels { get; }
}
