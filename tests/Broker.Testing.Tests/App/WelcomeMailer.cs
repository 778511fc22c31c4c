namespace Broker.Testing.Tests.App;

/// <summary>The app's mail gateway; tests replace it with a fake.</summary>
public interface IMailer
{
    Task SendAsync(string recipient, string text, CancellationToken cancellationToken);
}

/// <summary>Welcomes each registered user by mail, then announces it on the welcome channel.</summary>
public sealed class WelcomeMailer(IMailer mailer, IWelcomeChannel welcomes) : IConsumer<User>
{
    public async ValueTask ConsumeAsync(QueueMessage<User> message, CancellationToken cancellationToken)
    {
        var text = $"Welcome, {message.Data.Username}!";
        await mailer.SendAsync(message.Data.Username, text, cancellationToken);
        await welcomes.ProduceAsync(new Welcome(message.Data.Id, text), cancellationToken: cancellationToken);
    }
}
