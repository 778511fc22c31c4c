using System.Diagnostics;

namespace Broker.Nats.Tests.Infrastructure;

/// <summary>
/// A fresh nats-server per test class (free loopback port, temporary store directory, stopped by its process id).
/// Each transport it creates gets a unique stream prefix, so tests within the class never see each other's streams.
/// </summary>
public sealed class NatsFixture : IAsyncLifetime
{
    private static int s_prefixes;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "broker-nats-" + Guid.NewGuid().ToString("N"));
    private NatsServerProcess? _server;

    public NatsServerProcess Server => _server ?? throw new InvalidOperationException("The fixture was not started.");

    public string Url => Server.Url;

    public async Task InitializeAsync()
    {
        // A missing server fails here only under CI=true; elsewhere [NatsFact] already skipped the tests.
        if (NatsServerBinary.SkipReason is not null) return;
        _server = await NatsServerProcess.StartAsync(Path.Combine(_directory, "store"));
    }

    /// <summary>A prefix no other transport of this test run uses.</summary>
    public static string UniquePrefix() => "T" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "X" + Interlocked.Increment(ref s_prefixes).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Options for one isolated transport onto this fixture's server.</summary>
    public NatsTransportOptions Options(Action<NatsTransportOptions>? configure = null)
    {
        var options = new NatsTransportOptions
        {
            Url = Url,
            Prefix = UniquePrefix(),
            // Tests run on real time: a short poll keeps retries and lost-lease redeliveries quick.
            PollInterval = TimeSpan.FromMilliseconds(100),
            ProduceRetryTimeout = TimeSpan.FromSeconds(20),
        };
        configure?.Invoke(options);
        return options;
    }

    internal NatsQueueTransport CreateTransport(Action<NatsTransportOptions>? configure = null) => new(Options(configure));

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        try
        {
            if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        }
        catch (IOException ex)
        {
            Trace.WriteLine($"Could not delete {_directory}: {ex.Message}");
        }
    }
}
