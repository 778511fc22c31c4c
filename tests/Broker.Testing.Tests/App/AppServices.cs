using Microsoft.Extensions.DependencyInjection;

namespace Broker.Testing.Tests.App;

/// <summary>The app's registrations, as its Program.cs calls them: on the embedded durable broker, which the harness replaces.</summary>
public static class AppServices
{
    /// <summary>Where the app would keep its broker; a test checks the harness never creates it.</summary>
    public static string BrokerDirectory { get; } = Path.Combine(Path.GetTempPath(), "broker-testing-tests-never-created-" + Environment.ProcessId);

    public static IServiceCollection AddShopApp(this IServiceCollection services)
    {
        services.AddBroker(b => b.UseEmbedded(BrokerDirectory)).AddChannels();
        services.AddConsumer<IRegistrationChannel, WelcomeMailer>();
        services.AddConsumer<IPaymentChannel, PaymentConsumer>();
        return services;
    }
}
