// The seed's example in one process: the app produces registrations, a worker consumes them, all through dependency
// injection on the in-memory broker. Run it with: dotnet run --project samples/Sample.Demo
using Broker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sample.App;
using Sample.Channels;
using Sample.Worker;

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(options =>
{
    options.SingleLine = true;
    options.TimestampFormat = "HH:mm:ss.fff ";
});
builder.Logging.AddFilter("Microsoft", LogLevel.Warning);

builder.Services.AddBroker(b => b.UseInMemory()).AddChannels();
builder.Services.AddSampleWorker();   // worker.ts: the WelcomeMailer consumer with its Database
builder.Services.AddSampleApp();      // app.ts: the Service that produces

using var host = builder.Build();
await host.StartAsync();

var registrations = host.Services.GetRequiredService<RegistrationService>();
var database = host.Services.GetRequiredService<Database>();
User[] users = [new(1, "Peter"), new(2, "Alice"), new(3, "Bob")];

foreach (var user in users)
    Report(user, await registrations.RegisterAsync(user));

// The same registration again within the channel's one-second window: ExactlyOnce drops it.
Report(users[0], await registrations.RegisterAsync(users[0]));

using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
    await database.WaitForWelcomesAsync(users.Length, timeout.Token);

Console.WriteLine($"Done: {database.Welcomed.Count} users welcomed, each once: {string.Join(", ", database.Welcomed.Select(u => u.Username).Order())}.");
await host.StopAsync();

static void Report(User user, ProduceResult result) => Console.WriteLine(result.Status switch
{
    ProduceStatus.Enqueued => $"Produced {user.Username}: enqueued as message {result.MessageId}",
    _ => $"Produced {user.Username} again: duplicate of message {result.MessageId}, dropped by ExactlyOnce",
});
