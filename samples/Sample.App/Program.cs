// The seed's app.ts: registers users by producing them onto user/registered, then exits. The messages wait in the broker
// for a worker, which may start later: dotnet run --project samples/Sample.App -- --count 5
// (add --trace console to print its spans; docs/observability.md)
using Broker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sample.App;
using Sample.Channels;

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
builder.Services.AddBroker(b => b.UseSampleBroker(builder.Configuration)).AddChannels();
builder.Services.AddSampleApp();
builder.Services.AddSampleTracing(builder.Configuration, "Sample.App");

using var host = builder.Build();
await host.StartAsync();
var registrations = host.Services.GetRequiredService<RegistrationService>();
var count = builder.Configuration.GetValue("count", 5);
var first = builder.Configuration.GetValue("first", 1);

for (var id = first; id < first + count; id++)
{
    var user = new User(id, $"user{id}");
    // Stands in for the HTTP request a real app would produce from: the trace starts here and ends in a worker.
    using var request = SampleTracing.Source.StartActivity("register user");
    var result = await registrations.RegisterAsync(user);
    Console.WriteLine(result.IsEnqueued
        ? $"Registered {user.Username}: message {result.MessageId} stored"
        : $"Registered {user.Username} again within a second: duplicate of message {result.MessageId}, dropped");
}

await host.StopAsync();
