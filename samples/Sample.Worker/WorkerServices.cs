using Microsoft.Extensions.DependencyInjection;
using Sample.Channels;

namespace Sample.Worker;

/// <summary>The worker's registrations, shared by its own host and the one-process demo.</summary>
public static class WorkerServices
{
    /// <summary>Adds the database and the welcome-mail consumer (four messages at a time).</summary>
    public static IServiceCollection AddSampleWorker(this IServiceCollection services)
    {
        services.AddSingleton<Database>();
        services.AddConsumer<IRegistrationChannel, WelcomeMailer>(options => options.MaxParallel = 4);
        return services;
    }
}
