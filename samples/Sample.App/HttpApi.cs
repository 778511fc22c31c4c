using Broker.Transport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Sample.App;

/// <summary>
/// <c>--http 127.0.0.1:5080</c>: the app as a web API that produces on each request, until stopped (Ctrl+C).
/// <c>POST /users/{id}</c> registers <c>user{id}</c>; <c>GET /health</c> says whether the broker is usable and, on the
/// embedded broker, whether this process hosts its directory or reaches it through the process that does.
/// </summary>
internal static class HttpApi
{
    public static async Task RunAsync(string[] args, string address)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddSampleAppHost();
        builder.Services.AddHealthChecks().AddBroker();
        // Port 0 takes a free port; the line printed once listening names the one taken.
        builder.WebHost.UseUrls(address.Contains("://", StringComparison.Ordinal) ? address : "http://" + address);

        await using var app = builder.Build();
        app.MapPost("/users/{id:int}", async (int id, RegistrationService registrations, CancellationToken cancellationToken) =>
        {
            var line = await AppHost.RegisterAsync(registrations, id, cancellationToken);
            Console.WriteLine(line);
            return Results.Text(line + "\n");
        });
        app.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteHealthAsync });

        await app.StartAsync();
        // Opens the broker now rather than at the first request: on the embedded broker this process takes its role
        // (host or client of the shared directory) at start, as the workers do.
        _ = app.Services.GetRequiredService<IQueueTransport>();
        Console.WriteLine($"Listening on {string.Join(", ", app.Urls)}: POST /users/{{id}} registers user{{id}}, GET /health; Ctrl+C stops");
        await app.WaitForShutdownAsync();
    }

    // One line: the status, the adapter and role, and the adapter's own words.
    private static Task WriteHealthAsync(HttpContext context, HealthReport report)
    {
        var facts = report.Entries.Values.SelectMany(e => e.Data)
            .Where(d => d.Key is "adapter" or "role")
            .Select(d => $"{d.Key} {d.Value}");
        var descriptions = report.Entries.Values.Select(e => e.Description).OfType<string>();
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync($"{report.Status} ({string.Join(", ", facts)}): {string.Join(" ", descriptions)}\n");
    }
}
