using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Sample.App;

/// <summary>
/// <c>--count 5 --first 1</c>: registers user1 to user5 and exits, as the seed's app.ts does. What a script or a
/// test uses to fill a broker.
/// </summary>
internal static class CommandLineRegistrations
{
    public static async Task RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args);
        builder.AddSampleAppHost();
        using var host = builder.Build();
        await host.StartAsync();
        var registrations = host.Services.GetRequiredService<RegistrationService>();
        var count = builder.Configuration.GetValue("count", 5);
        var first = builder.Configuration.GetValue("first", 1);

        for (var id = first; id < first + count; id++)
            Console.WriteLine(await AppHost.RegisterAsync(registrations, id, CancellationToken.None));

        await host.StopAsync();
    }
}
