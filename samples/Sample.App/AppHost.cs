using Broker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sample.Channels;

namespace Sample.App;

/// <summary>What both ways of running the app set up the same way: its log, its broker and its services.</summary>
internal static class AppHost
{
    public static void AddSampleAppHost(this IHostApplicationBuilder builder)
    {
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.AddBroker(b => b.UseSampleBroker(builder.Configuration)).AddChannels();
        builder.Services.AddSampleApp();
        builder.Services.AddSampleTracing(builder.Configuration, "Sample.App");
    }

    /// <summary>Registers one user, in a span that stands for the request it came from; the line says what happened.</summary>
    public static async Task<string> RegisterAsync(RegistrationService registrations, int id, CancellationToken cancellationToken)
    {
        var user = new User(id, $"user{id}");
        // The trace starts here and ends in a worker.
        using var request = SampleTracing.Source.StartActivity("register user");
        var result = await registrations.RegisterAsync(user, cancellationToken);
        return result.IsEnqueued
            ? $"Registered {user.Username}: message {result.MessageId} stored"
            : $"Registered {user.Username} again within a second: duplicate of message {result.MessageId}, dropped";
    }
}
