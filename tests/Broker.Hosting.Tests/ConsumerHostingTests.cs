using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Broker.Hosting.Tests;

public sealed class ConsumerHostingTests
{
    [Fact]
    public async Task EachMessageGetsItsOwnScope()
    {
        var journal = new ScopeJournal();
        using var host = TestHost.Build(services =>
        {
            services.AddSingleton(journal);
            services.AddScoped<ScopedProbe>();
            services.AddConsumer<ISignupChannel, ProbingConsumer>(o => o.MaxParallel = 2);
        });
        await host.StartAsync();
        var channel = host.Services.GetRequiredService<ISignupChannel>();

        for (var i = 0; i < 3; i++)
            await channel.ProduceAsync(new Signup(i, $"u{i}@example.com"));
        await journal.WaitForDisposalsAsync(3);

        Assert.Equal(3, journal.Seen.Count);
        Assert.Equal(3, journal.Seen.Select(s => s.Probe.Id).Distinct().Count());
        // The consumer and the scoped service it depends on come from the same scope, and that scope ends with the message.
        Assert.All(journal.Seen, s => Assert.Same(s.Probe, s.ConsumerProbe));
        Assert.All(journal.Seen, s => Assert.True(s.Probe.Disposed));
        await host.StopAsync();
    }

    [Fact]
    public async Task GracefulShutdownLetsARunningHandlerFinish()
    {
        var gate = new BlockingGate();
        using var host = TestHost.Build(services =>
        {
            services.AddSingleton(gate);
            services.AddConsumer<ISignupChannel, GatedConsumer>();
        });
        await host.StartAsync();
        await host.Services.GetRequiredService<ISignupChannel>().ProduceAsync(new Signup(1, "slow@example.com"));
        await gate.Entered.WaitAsync(TestHost.Generous);

        var stopping = host.StopAsync();
        // The host waits for the running handler instead of cancelling it.
        Assert.False(stopping.IsCompleted);
        gate.Release();
        await stopping.WaitAsync(TestHost.Generous);

        Assert.False(gate.WasCancelled);
        var stats = host.Stats("hosting/signups");
        Assert.Equal(0, stats.Unfinished);
    }

    [Fact]
    public async Task HandlersStillRunningAtTheShutdownTimeoutAreCancelledAndHandedBack()
    {
        var gate = new BlockingGate();
        using var host = TestHost.Build(services =>
        {
            services.AddSingleton(gate);
            services.AddConsumer<ISignupChannel, GatedConsumer>();
        }, shutdownTimeout: TimeSpan.FromMilliseconds(200));
        await host.StartAsync();
        var channel = host.Services.GetRequiredService<ISignupChannel>();
        var id = (await channel.ProduceAsync(new Signup(1, "never-finishes@example.com"))).MessageId;
        await gate.Entered.WaitAsync(TestHost.Generous);

        await host.StopAsync().WaitAsync(TestHost.Generous);

        Assert.True(gate.WasCancelled);
        var stats = host.Stats("hosting/signups");
        Assert.Equal(1, stats.Ready);
        // Handed back, not failed: the next worker sees it as a first delivery.
        var redelivered = new TaskCompletionSource<QueueMessage<Signup>>();
        await using var next = await channel.ConsumeAsync((m, _) => { redelivered.TrySetResult(m); return ValueTask.CompletedTask; });
        var message = await redelivered.Task.WaitAsync(TestHost.Generous);
        Assert.Equal((id, 1), (message.Id, message.Tries));
    }

    [Fact]
    public async Task AConsumerOfAnotherMessageTypeFailsAtStartWithAClearError()
    {
        // BRK0014 reports this mismatch at compile time; the start-up check is the backstop for code the analyzer cannot
        // see (generic helpers, reflection), and this test pins it.
#pragma warning disable BRK0014
        using var host = TestHost.Build(services => services.AddConsumer<ISignupChannel, InvoiceConsumer>());
#pragma warning restore BRK0014

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains("InvoiceConsumer cannot consume Broker.Hosting.Tests.ISignupChannel", error.Message, StringComparison.Ordinal);
        Assert.Contains("IConsumer<Broker.Hosting.Tests.Signup>", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AThrowingConsumerHasItsMessageRetried()
    {
        var attempts = new ConcurrentQueue<int>();
        var done = new TaskCompletionSource();
        using var host = TestHost.Build(services =>
        {
            services.AddSingleton(attempts);
            services.AddSingleton(done);
            services.AddConsumer<IInvoiceChannel, FailOnceConsumer>();
        });
        await host.StartAsync();

        await host.Services.GetRequiredService<IInvoiceChannel>().ProduceAsync(new Invoice(7));

        await done.Task.WaitAsync(TestHost.Generous);
        Assert.Equal([1, 2], attempts);
        await host.StopAsync();
    }
}

internal sealed class ScopeJournal
{
    private readonly SemaphoreSlim _disposed = new(0);
    public ConcurrentBag<(ScopedProbe Probe, ScopedProbe ConsumerProbe)> Seen { get; } = [];

    public void Disposed() => _disposed.Release();

    public async Task WaitForDisposalsAsync(int count)
    {
        for (var i = 0; i < count; i++)
            Assert.True(await _disposed.WaitAsync(TestHost.Generous), $"Only {i} scopes were disposed.");
    }
}

internal sealed class ScopedProbe(ScopeJournal journal) : IDisposable
{
    private static int s_next;
    public int Id { get; } = Interlocked.Increment(ref s_next);
    public bool Disposed { get; private set; }

    public void Dispose()
    {
        Disposed = true;
        journal.Disposed();
    }
}

internal sealed class ProbingConsumer(ScopedProbe probe, IServiceProvider scope, ScopeJournal journal) : IConsumer<Signup>
{
    public ValueTask ConsumeAsync(QueueMessage<Signup> message, CancellationToken cancellationToken)
    {
        journal.Seen.Add((probe, scope.GetRequiredService<ScopedProbe>()));
        return ValueTask.CompletedTask;
    }
}

internal sealed class BlockingGate
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public Task Entered => _entered.Task;
    public bool WasCancelled { get; private set; }
    public void Release() => _release.TrySetResult();

    public async Task PassAsync(CancellationToken cancellationToken)
    {
        _entered.TrySetResult();
        try
        {
            await _release.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            WasCancelled = true;
            throw;
        }
    }
}

internal sealed class GatedConsumer(BlockingGate gate) : IConsumer<Signup>
{
    public async ValueTask ConsumeAsync(QueueMessage<Signup> message, CancellationToken cancellationToken) => await gate.PassAsync(cancellationToken);
}

internal sealed class InvoiceConsumer : IConsumer<Invoice>
{
    public ValueTask ConsumeAsync(QueueMessage<Invoice> message, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

internal sealed class FailOnceConsumer(ConcurrentQueue<int> attempts, TaskCompletionSource done) : IConsumer<Invoice>
{
    public ValueTask ConsumeAsync(QueueMessage<Invoice> message, CancellationToken cancellationToken)
    {
        attempts.Enqueue(message.Tries);
        if (message.Tries == 1) throw new InvalidOperationException("first delivery fails");
        done.TrySetResult();
        return ValueTask.CompletedTask;
    }
}
