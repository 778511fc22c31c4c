using Broker;
using Microsoft.Extensions.Logging;
using Sample.Channels;

namespace Sample.Worker;

/// <summary>The seed's consumer: welcomes each registered user. One instance per message, in its own scope.</summary>
public sealed partial class WelcomeMailer(Database database, MailSettings mail, ILogger<WelcomeMailer> logger) : IConsumer<User>
{
    /// <inheritdoc />
    public async ValueTask ConsumeAsync(QueueMessage<User> message, CancellationToken cancellationToken)
    {
        if (mail.MailTime > TimeSpan.Zero)
        {
            LogSending(message.Data.Username, message.Id, message.Tries);
            // If the worker crashes here, the message is not lost: it is redelivered to another worker.
            await Task.Delay(mail.MailTime, cancellationToken);
        }
        // Returning without throwing acknowledges the message, and it is removed.
        if (database.TryRecordWelcome(message.Id, message.Data))
            LogWelcomed(message.Data.Username, message.Data.Id, message.Id, message.Tries);
        else
            LogAlreadyWelcomed(message.Data.Username, message.Id);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sending the welcome mail to {Username} (message {MessageId}, delivery {Tries})...")]
    private partial void LogSending(string username, long messageId, int tries);

    [LoggerMessage(Level = LogLevel.Information, Message = "Welcome mail sent to {Username} (user {UserId}; message {MessageId}, delivery {Tries})")]
    private partial void LogWelcomed(string username, int userId, long messageId, int tries);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Username} was already welcomed for message {MessageId}; nothing to do")]
    private partial void LogAlreadyWelcomed(string username, long messageId);
}
