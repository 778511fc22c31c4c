using Broker;
using Microsoft.Extensions.Logging;
using Sample.Channels;

namespace Sample.Worker;

/// <summary>The seed's consumer: welcomes each registered user. One instance per message, in its own scope.</summary>
public sealed partial class WelcomeMailer(Database database, ILogger<WelcomeMailer> logger) : IConsumer<User>
{
    /// <inheritdoc />
    public ValueTask ConsumeAsync(QueueMessage<User> message, CancellationToken cancellationToken)
    {
        // If the worker crashes here, the message is not lost: it is redelivered to another worker. If this method
        // returns without throwing, the message is acknowledged and removed.
        if (database.TryRecordWelcome(message.Id, message.Data))
            LogWelcomed(message.Data.Username, message.Data.Id, message.Id, message.Tries);
        else
            LogAlreadyWelcomed(message.Data.Username, message.Id);
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Welcome mail sent to {Username} (user {UserId}; message {MessageId}, delivery {Tries})")]
    private partial void LogWelcomed(string username, int userId, long messageId, int tries);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Username} was already welcomed for message {MessageId}; nothing to do")]
    private partial void LogAlreadyWelcomed(string username, long messageId);
}
