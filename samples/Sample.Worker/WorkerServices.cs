using Broker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Sample.Channels;

namespace Sample.Worker;

/// <summary>The worker's registrations, shared by its own host and the one-process demo.</summary>
public static class WorkerServices
{
    /// <summary>
    /// Adds the database and the welcome-mail consumer (four messages at a time). <c>--mail-time 2s</c> makes each
    /// mail take that long, so a worker can be killed in the middle of one.
    /// </summary>
    public static IServiceCollection AddSampleWorker(this IServiceCollection services, IConfiguration? configuration = null)
    {
        var mailTime = configuration?["mail-time"] is { } text ? Interval.Parse(text) : TimeSpan.Zero;
        services.AddSingleton(new MailSettings(mailTime));
        services.AddSingleton<Database>();
        services.AddConsumer<IRegistrationChannel, WelcomeMailer>(options => options.MaxParallel = 4);
        return services;
    }
}

/// <summary>How long sending one welcome mail takes.</summary>
public sealed record MailSettings(TimeSpan MailTime);
