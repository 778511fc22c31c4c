using Broker.Conformance;
using Broker.Nats.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Nats.Tests.Transport;

/// <summary>
/// The NATS adapter's health through <c>AddHealthChecks().AddBroker()</c>: healthy when connected and JetStream
/// answers; unhealthy, saying so, when the server runs without JetStream or nothing listens.
/// </summary>
public sealed class HealthTests(NatsFixture fixture) : IClassFixture<NatsFixture>
{
    private static readonly TimeSpan Generous = Infrastructure.Waits.Generous;

    [NatsFact]
    public async Task WithJetStreamItIsHealthyAndNamesTheServer()
    {
        var options = fixture.Options();
        await using var provider = Provider(options);

        var entry = await CheckAsync(provider);

        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal("NATS", entry.Data["adapter"]);
        Assert.Equal(options.Url, entry.Data["url"]);
        Assert.Equal("single", entry.Data["server"]);
        Assert.Contains("JetStream answers", entry.Description, StringComparison.Ordinal);
    }

    [NatsFact]
    public async Task AServerWithoutJetStreamIsUnhealthySayingSo()
    {
        using var store = new StoreDirectory();
        await using var server = await NatsServerProcess.StartAsync(store.Path, jetStream: false);
        await using var provider = Provider(fixture.Options(o => o.Url = server.Url));

        var entry = await CheckAsync(provider);

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("runs without JetStream; start it with -js", entry.Description, StringComparison.Ordinal);
    }

    [NatsFact]
    public async Task NothingListeningIsUnhealthyThenHealthyOnceAServerStarts()
    {
        var port = FreePorts.Next();
        using var store = new StoreDirectory();
        await using var provider = Provider(fixture.Options(o => o.Url = $"nats://127.0.0.1:{port}"));

        var down = await CheckAsync(provider);
        await using var server = await NatsServerProcess.StartAsync(store.Path, port);
        var up = await UntilHealthyAsync(provider);

        Assert.Equal(HealthStatus.Unhealthy, down.Status);
        Assert.Contains($"Cannot connect to nats-server at nats://127.0.0.1:{port}", down.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, up.Status);
    }

    private static ServiceProvider Provider(NatsTransportOptions options)
    {
        var services = new ServiceCollection();
        // The health check service logs; these tests read its report, not its log.
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddBroker(b => b.UseNats(options));
        services.AddHealthChecks().AddBroker(timeout: Generous);
        return services.BuildServiceProvider();
    }

    private static async Task<HealthReportEntry> CheckAsync(IServiceProvider provider)
    {
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync().WaitAsync(Generous);
        return report.Entries["broker"];
    }

    private static async Task<HealthReportEntry> UntilHealthyAsync(IServiceProvider provider)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var entry = await CheckAsync(provider);
            if (entry.Status == HealthStatus.Healthy)
                return entry;
            Assert.True(watch.Elapsed < Generous, $"Still {entry.Status} after {Generous.TotalSeconds} s: {entry.Description}");
            await Task.Delay(20);
        }
    }

    /// <summary>A store directory for a server of this test alone, deleted after it (the server is stopped first).</summary>
    private sealed class StoreDirectory : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "broker-nats-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            try
            {
                if (Directory.Exists(Path)) Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
                // The temp directory is cleaned by the machine.
            }
        }
    }
}
