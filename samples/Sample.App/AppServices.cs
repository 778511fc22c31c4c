using Microsoft.Extensions.DependencyInjection;

namespace Sample.App;

/// <summary>The app's registrations, shared by its own host and the one-process demo.</summary>
public static class AppServices
{
    /// <summary>Adds the registration service.</summary>
    public static IServiceCollection AddSampleApp(this IServiceCollection services) =>
        services.AddSingleton<RegistrationService>();
}
