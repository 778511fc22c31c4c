// The seed's example in one process: the app produces registrations, a worker consumes them, all through dependency
// injection on the embedded durable broker, the default a new user gets: every message is fsync'd to a log in a data
// directory before ProduceAsync returns. The demo names its directory and deletes it at the end (--keep keeps it).
// Run it with: dotnet run --project samples/Sample.Demo
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

var data = Path.Combine(Path.GetTempPath(), "broker-demo-" + Guid.NewGuid().ToString("N")[..8]);
var keep = args.Contains("--keep");
Console.WriteLine($"Embedded broker in {data}{(keep ? " (kept afterwards)" : " (deleted afterwards)")}");
builder.Services.AddBroker(b => b.UseEmbedded(data)).AddChannels();
builder.Services.AddSampleWorker();   // worker.ts: the WelcomeMailer consumer with its Database
builder.Services.AddSampleApp();      // app.ts: the Service that produces

try
{
    await RunAsync(builder);
}
finally
{
    if (!keep && Directory.Exists(data))
        Directory.Delete(data, recursive: true);
}

// The host is disposed before the directory is deleted: the log closes its files and lets go of the lock first.
static async Task RunAsync(HostApplicationBuilder builder)
{
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
}

static void Report(User user, ProduceResult result) => Console.WriteLine(result.Status switch
{
    ProduceStatus.Enqueued => $"Produced {user.Username}: enqueued as message {result.MessageId}",
    _ => $"Produced {user.Username} again: duplicate of message {result.MessageId}, dropped by ExactlyOnce",
});
