using System.Net.Security;
using Broker.Client;
using Broker.Conformance;
using Broker.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Waits = Broker.Server.Tests.Infrastructure.Waits;

namespace Broker.Server.Tests.Client;

/// <summary>
/// The server client's health through <c>AddHealthChecks().AddBroker()</c>: healthy when connected and authenticated,
/// unhealthy with the reason (refused, authentication, TLS) when not, and healthy again once a server is back. A check
/// while disconnected tries to connect at once rather than waiting out the reconnect backoff.
/// </summary>
public sealed class HealthTests
{
    [Fact]
    public async Task ConnectedToARunningServerIsHealthyAndNamesTheServer()
    {
        await using var server = await TestServer.StartAsync();
        await using var provider = Client(server.Address);

        var entry = await CheckAsync(provider);

        Assert.Equal(HealthStatus.Healthy, entry.Status);
        Assert.Equal("Server", entry.Data["adapter"]);
        Assert.Equal(server.Address, entry.Data["address"]);
        Assert.False(string.IsNullOrEmpty((string)entry.Data["server"]));
        Assert.Contains("Connected and authenticated", entry.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoServerIsUnhealthySayingNothingListensThenHealthyOnceOneStarts()
    {
        var port = FreePorts.Next();
        // A long backoff: the check must not wait for the reconnect loop's next turn.
        await using var provider = Client($"127.0.0.1:{port}", o =>
        {
            o.ReconnectDelay = TimeSpan.FromMinutes(1);
            o.MaxReconnectDelay = TimeSpan.FromMinutes(1);
        });

        var down = await CheckAsync(provider);
        var again = await CheckAsync(provider);
        await using var server = await TestServer.StartAsync(port: port);
        var up = await UntilHealthyAsync(provider);

        Assert.Equal(HealthStatus.Unhealthy, down.Status);
        Assert.Contains($"Not connected to the broker server at 127.0.0.1:{port}: the connection was refused: nothing listens", down.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Unhealthy, again.Status);
        Assert.Equal($"127.0.0.1:{port}", up.Data["address"]);
    }

    [Fact]
    public async Task AServerProcessKilledAndStartedAgainIsUnhealthyThenHealthy()
    {
        using var data = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(data.Path);
        await using var provider = Client(server.Address);
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(provider)).Status);

        await server.KillAsync();
        var down = await UntilAsync(provider, HealthStatus.Unhealthy);
        await server.StartAsync();
        await UntilHealthyAsync(provider);

        Assert.Contains("Not connected to the broker server", down.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongCredentialsAreUnhealthyNamingAuthentication()
    {
        await using var server = await TestServer.StartAsync(o => o with { Token = "s3cret" });
        await using var provider = Client(server.Address, o => o.Token = "guess");

        var entry = await CheckAsync(provider);

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("the server refused authentication (AuthenticationFailed", entry.Description, StringComparison.Ordinal);
        Assert.Contains("ServerClientOptions.Token", entry.Description, StringComparison.Ordinal);
        var refused = Assert.IsType<BrokerServerException>(entry.Exception);
        Assert.Equal(Broker.Protocol.ErrorCodes.AuthenticationFailed, refused.Code);
    }

    [Fact]
    public async Task AnUntrustedCertificateIsUnhealthyNamingTls()
    {
        await using var server = await TestServer.StartAsync(certificate: TestCertificates.Localhost);
        await using var provider = Client(server.Address, o => o.Tls = new SslClientAuthenticationOptions { TargetHost = "localhost" });

        var entry = await CheckAsync(provider);

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("the TLS handshake failed", entry.Description, StringComparison.Ordinal);
    }

    private static ServiceProvider Client(string address, Action<ServerClientOptions>? configure = null)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddBroker(b => b.UseServer(address, o =>
        {
            o.ReconnectDelay = TimeSpan.FromMilliseconds(20);
            o.MaxReconnectDelay = TimeSpan.FromMilliseconds(500);
            configure?.Invoke(o);
        }));
        services.AddHealthChecks().AddBroker(timeout: Waits.Generous);
        return services.BuildServiceProvider();
    }

    private static async Task<HealthReportEntry> CheckAsync(IServiceProvider provider)
    {
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync().WaitAsync(Waits.Generous);
        return report.Entries["broker"];
    }

    private static Task<HealthReportEntry> UntilHealthyAsync(IServiceProvider provider) => UntilAsync(provider, HealthStatus.Healthy);

    private static async Task<HealthReportEntry> UntilAsync(IServiceProvider provider, HealthStatus status)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var entry = await CheckAsync(provider);
            if (entry.Status == status)
                return entry;
            Assert.True(watch.Elapsed < Waits.Generous, $"Still {entry.Status} after {Waits.Generous.TotalSeconds} s: {entry.Description}");
            await Task.Delay(20);
        }
    }
}
