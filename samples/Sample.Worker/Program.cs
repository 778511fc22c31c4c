// The seed's worker.ts: consumes user/registered until stopped (Ctrl+C). Start several, and the app, on one data
// directory (./broker-data by default) or one broker server (--server host:port) to share the load:
// dotnet run --project samples/Sample.Worker
using Broker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sample.Channels;
using Sample.Worker;

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.ClearProviders();
builder.Logging.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "HH:mm:ss.fff ";
});
builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
builder.Services.AddBroker(b => b.UseSampleBroker(builder.Configuration)).AddChannels();
builder.Services.AddSampleWorker(builder.Configuration);
builder.Services.AddSampleTracing(builder.Configuration, "Sample.Worker");

await builder.Build().RunAsync();
