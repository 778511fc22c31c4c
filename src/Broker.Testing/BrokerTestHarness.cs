using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Broker.Testing;

/// <summary>
/// Runs an application's Broker code in a test: its channels and hosted consumers on an in-memory broker (the full
/// delivery contract: retries, dead letters, delays, deduplication), a clock that only the test moves, and awaitable views
/// of what was produced, consumed, failed and dead-lettered on each channel.
/// </summary>
/// <remarks>
/// <para>Start one with <see cref="StartAsync"/> (a host with the app's registrations), or put one into the app's own host
/// with <c>services.AddBrokerTestHarness()</c>. Each harness has its own broker, clock and records, so tests run in
/// parallel without seeing each other's messages.</para>
/// <para>The awaits (<see cref="Consumed{TChannel, T}"/> and its siblings) complete as soon as a matching event was seen,
/// already or later, and throw a <see cref="BrokerHarnessException"/> listing what was seen when the timeout (real time)
/// runs out. They never move the clock: time passes only through <see cref="AdvanceTimeAsync"/> or
/// <see cref="BrokerTestClock.Advance"/>. See <c>docs/testing.md</c>.</para>
/// </remarks>
public sealed partial class BrokerTestHarness : IAsyncDisposable
{
    private readonly HarnessBroker _broker;
    private readonly IHost? _host;
    private int _disposed;

    internal BrokerTestHarness(IServiceProvider services, HarnessBroker broker, IHost? ownedHost)
    {
        Services = services;
        _broker = broker;
        _host = ownedHost;
    }

    /// <summary>The application's services: its channels, its own services, the consumers' dependencies.</summary>
    public IServiceProvider Services { get; }

    /// <summary>
    /// The harness clock, registered as the application's <see cref="TimeProvider"/>. It stands still until the test moves
    /// it; <see cref="BrokerTestClock.Advance"/> jumps without waiting for handlers.
    /// </summary>
    public BrokerTestClock Clock => _broker.Clock;

    /// <summary>How long an await waits, in real time, when the call gives no timeout (<see cref="BrokerTestHarnessOptions.DefaultTimeout"/>).</summary>
    public TimeSpan DefaultTimeout => _broker.Options.DefaultTimeout;

    /// <summary>
    /// Builds a host with the application's registrations, replaces its broker with the harness's in-memory broker and
    /// its <see cref="TimeProvider"/> with the harness clock, and starts it: the application's hosted consumers
    /// (<c>AddConsumer</c>) are subscribed when this completes. Dispose the harness to stop them.
    /// </summary>
    /// <param name="configureServices">
    /// The application's registrations, as in its Program.cs: <c>AddBroker(...).AddChannels()</c> (whatever adapter; it
    /// is replaced), <c>AddConsumer</c>, the services its consumers need, fakes of the ones a test replaces.
    /// </param>
    /// <param name="configure">Adjusts the harness; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels starting.</param>
    /// <returns>The running harness.</returns>
    /// <exception cref="InvalidOperationException">The registrations do not call <c>AddBroker</c>.</exception>
    public static async Task<BrokerTestHarness> StartAsync(
        Action<IServiceCollection> configureServices,
        Action<BrokerTestHarnessOptions>? configure = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configureServices);
        var options = new BrokerTestHarnessOptions();
        configure?.Invoke(options);

        // An empty builder: no appsettings, environment variables or console logging, so a test sees only what it registers.
        var builder = Host.CreateEmptyApplicationBuilder(settings: null);
        configureServices(builder.Services);
        builder.Services.AddBrokerTestHarness(options);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = options.ShutdownTimeout);
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await DisposeHostAsync(host).ConfigureAwait(false);
            throw;
        }
        return new BrokerTestHarness(host.Services, host.Services.GetRequiredService<HarnessBroker>(), host);
    }

    /// <summary>The application's channel <typeparamref name="TChannel"/>, to produce to it from the test.</summary>
    /// <typeparam name="TChannel">The channel interface.</typeparam>
    /// <returns>The channel.</returns>
    /// <exception cref="InvalidOperationException">The channel is not registered: <c>AddChannels()</c> was not called.</exception>
    public TChannel GetChannel<TChannel>()
        where TChannel : class, IQueueChannel =>
        Services.GetService<TChannel>() ?? throw new InvalidOperationException(
            $"The channel {typeof(TChannel).FullName} is not registered. Call AddChannels() on AddBroker(...) in the registrations " +
            "the harness runs; it registers every [Channel] interface of the assembly that calls it and of the assemblies it references.");

    /// <summary>
    /// Stops the harness's host, if <see cref="StartAsync"/> built it: hosted consumers stop taking messages and running
    /// handlers get <see cref="BrokerTestHarnessOptions.ShutdownTimeout"/> to finish; then the broker is disposed. A
    /// harness registered with <c>AddBrokerTestHarness()</c> belongs to the application's host, which disposes it.
    /// </summary>
    /// <returns>Completes when the host is stopped and disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_host is null || Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        try
        {
            await _host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await DisposeHostAsync(_host).ConfigureAwait(false);
        }
    }

    private static async ValueTask DisposeHostAsync(IHost host)
    {
        if (host is IAsyncDisposable asyncDisposable)
            await asyncDisposable.DisposeAsync().ConfigureAwait(false);
        else
            host.Dispose();
    }
}
