using Broker.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Conformance;

/// <summary>One test's broker: the transport from the fixture, with the conformance channels registered through the
/// generated <c>AddChannels()</c> exactly as an application would.</summary>
public sealed class BrokerUnderTest : IAsyncDisposable
{
    private readonly IBrokerFixture _fixture;
    private readonly ServiceProvider _services;
    private readonly List<IAsyncDisposable> _subscriptions = [];

    private BrokerUnderTest(IBrokerFixture fixture, IQueueTransport transport, ServiceProvider services)
    {
        _fixture = fixture;
        Transport = transport;
        _services = services;
    }

    /// <summary>The adapter under test.</summary>
    public IQueueTransport Transport { get; }

    /// <summary>Starts a broker for one test.</summary>
    public static async Task<BrokerUnderTest> StartAsync(IBrokerFixture fixture)
    {
        using var timeout = new CancellationTokenSource(Waits.Generous);
        var transport = await fixture.CreateTransportAsync(timeout.Token);
        var services = new ServiceCollection();
        services.AddBroker(b => b.UseTransport("UnderTest", _ => transport)).AddChannels();
        return new BrokerUnderTest(fixture, transport, services.BuildServiceProvider());
    }

    /// <summary>Resolves a channel interface.</summary>
    public TChannel Channel<TChannel>() where TChannel : class, IQueueChannel => _services.GetRequiredService<TChannel>();

    /// <summary>Subscribes a handler; the subscription is disposed with the broker.</summary>
    public async Task<IQueueSubscription> ConsumeAsync<T>(IQueueChannel<T> channel, Func<QueueMessage<T>, CancellationToken, ValueTask> handler, int maxParallel = 1)
    {
        var subscription = await channel.ConsumeAsync(handler, new ConsumeOptions { MaxParallel = maxParallel });
        _subscriptions.Add(subscription);
        return subscription;
    }

    /// <summary>Subscribes a recorder; the subscription is disposed with the broker.</summary>
    public async Task<Recorder<T>> RecordAsync<T>(IQueueChannel<T> channel, int maxParallel = 1, Func<QueueMessage<T>, ValueTask>? behaviour = null)
    {
        var recorder = new Recorder<T>(behaviour);
        await ConsumeAsync(channel, recorder.HandleAsync, maxParallel);
        return recorder;
    }

    /// <summary>Lets time pass for the broker.</summary>
    public ValueTask AdvanceTimeAsync(TimeSpan duration) => _fixture.AdvanceTimeAsync(Transport, duration);

    /// <summary>
    /// Lets time pass in steps until <paramref name="condition"/> holds: for outcomes scheduled relative to a moment the
    /// test cannot observe exactly (a retry is scheduled when the failure is settled, a little after the handler threw).
    /// </summary>
    public Task AdvanceUntilAsync(Func<bool> condition, TimeSpan step, string what) =>
        AdvanceUntilAsync(() => Task.FromResult(condition()), step, what);

    /// <summary>As <see cref="AdvanceUntilAsync(Func{bool}, TimeSpan, string)"/>, with a condition that asks the broker.</summary>
    public async Task AdvanceUntilAsync(Func<Task<bool>> condition, TimeSpan step, string what)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (started.Elapsed > Waits.Generous)
                Assert.Fail($"Timed out after {Waits.Generous.TotalSeconds:0} s waiting for {what}.");
            await AdvanceTimeAsync(step);
            await Task.Yield();
            await Task.Delay(5);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var subscription in _subscriptions)
            await subscription.DisposeAsync();
        await _services.DisposeAsync();
        await Transport.DisposeAsync();
    }
}
