using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Broker.Benchmarks.Throughput.Peers;

/// <summary>
/// The typed end-to-end path of one adapter, what an application calls: <c>AddBroker(...).AddChannels()</c>, 256
/// producers awaiting the generated channel's <c>ProduceAsync</c>, then a hosted <see cref="IConsumer{T}"/>
/// (<c>AddConsumer</c>, MaxParallel 256, a scope per message) decoding with the generated codec. Set next to the same
/// adapter's raw <see cref="TransportPeer"/>, the ratio is the cost of our own layers.
/// </summary>
/// <remarks>
/// Each round is a fresh application on the adapter's broker (the server process, nats-server, or the side's own
/// embedded directory, which the next round's application reopens): its own connection or log, its own hosted consumer,
/// stopped and disposed after the round. The channels are the fixed <see cref="IPeerUsers"/> and <see cref="IPeerOrders"/>;
/// ids run on from round to round and <see cref="TypedRoundTally"/> fails a round that sees another round's message,
/// so no round inherits a backlog. The adapter connects (or opens its log) and declares the channel before the clock
/// starts, as the raw side opens its channel handle first. No logging provider is registered, as in the raw sides.
/// </remarks>
internal sealed class TypedPeer(string name, Action<BrokerBuilder> use) : IPeer
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(10);
    private long _lastId;

    public string Name { get; } = name;

    /// <summary>
    /// The typed sides <paramref name="include"/> asks for: "typed" and the adapter's own name (<c>--sides server,typed</c>
    /// runs the raw and the typed server), on the brokers <see cref="PeerRuns"/> started.
    /// </summary>
    public static IEnumerable<IPeer> Open(string root, string serverAddress, string? natsUrl, Func<string, bool> include)
    {
        if (!include("typed")) yield break;
        if (include("server"))
            yield return new TypedPeer("typed: server (generated channel, hosted IConsumer), fsync before ack", b => b.UseServer(serverAddress));
        if (include("embedded"))
        {
            var directory = Path.Combine(root, "peers-typed-embedded");
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
            yield return new TypedPeer("typed: embedded (generated channel, hosted IConsumer), fsync before ack", b => b.UseEmbedded(directory));
        }
        if (natsUrl is not null && include("nats"))
            yield return new TypedPeer("typed: NATS (generated channel, hosted IConsumer), double ack", b => b.UseNats(o => o.Url = natsUrl));
    }

    public Task<PeerRound> RoundAsync(PeerWorkload workload, int messages) => workload.Shape switch
    {
        MessageShape.User => RoundAsync<IPeerUsers, PeerUser, PeerUserConsumer>(workload, messages, PeerMessages.User),
        MessageShape.OrderEvent => RoundAsync<IPeerOrders, PeerOrderEvent, PeerOrderConsumer>(workload, messages, PeerMessages.Order),
        _ => throw new ArgumentOutOfRangeException(nameof(workload), workload.Shape, "No typed channel for this workload."),
    };

    private async Task<PeerRound> RoundAsync<TChannel, T, TConsumer>(PeerWorkload workload, int messages, Func<long, T> create)
        where TChannel : class, IQueueChannel<T>
        where TConsumer : class, IConsumer<T>
    {
        var first = _lastId + 1;
        var last = _lastId += messages;
        var tally = new TypedRoundTally(first, messages);

        var services = new ServiceCollection();
        services.AddBroker(use).AddChannels();
        services.AddSingleton(tally);
        services.AddConsumer<TChannel, TConsumer>(o => o.MaxParallel = PeerRuns.InFlight);
        await using var application = services.BuildServiceProvider();
        var channel = application.GetRequiredService<TChannel>();
        // Opens the adapter and declares the channel through the channel's own opener, off the clock; and a dead letter
        // from an earlier round would mean it did not consume everything.
        if ((await channel.DeadLetters.ListAsync(limit: 1)).Count != 0)
            throw new InvalidOperationException($"{Name}: channel '{channel.Definition.Name}' has dead letters from an earlier round.");

        var cpu = new CpuClock();
        var next = first - 1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, PeerRuns.InFlight).Select(_ => Task.Run(async () =>
        {
            long id;
            while ((id = Interlocked.Increment(ref next)) <= last)
                await channel.ProduceAsync(create(id));
        })));
        var produce = messages / clock.Elapsed.TotalSeconds;
        var produceCpu = cpu.MicrosecondsPer(messages);

        // The host's part: start every hosted service in order, stop them in reverse.
        var hosted = application.GetServices<IHostedService>().ToArray();
        clock.Restart();
        foreach (var service in hosted)
            await service.StartAsync(CancellationToken.None);
        try
        {
            await tally.AllHandled.WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"{Name}: {tally.Handled:N0} of {messages:N0} messages handled in {Patience.TotalMinutes} minutes.");
        }
        var handled = clock.Elapsed;
        // The stop is on the clock: it waits for the last handlers' completions to be confirmed, where the raw side's
        // clock stops (its handlers count a message once its completion is confirmed; a consumer cannot see that).
        foreach (var service in hosted.Reverse())
            await service.StopAsync(CancellationToken.None);
        var consumed = clock.Elapsed;
        var consumeCpu = cpu.MicrosecondsPer(messages);
        tally.ThrowIfNotExact(Name);

        Console.WriteLine(
            $"peers {workload.Label}: {Name}: client CPU produce {produceCpu:0.0} µs/msg, consume {consumeCpu:0.0} µs/msg; " +
            $"the stop took {(consumed - handled).TotalMilliseconds:0} ms of the consume time");
        return new PeerRound(produce, messages / consumed.TotalSeconds);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>This process's CPU time between readings: read at the phases' edges only.</summary>
    private sealed class CpuClock
    {
        private TimeSpan _last = Now();

        public double MicrosecondsPer(int messages)
        {
            var now = Now();
            var result = (now - _last).TotalMicroseconds / messages;
            _last = now;
            return result;
        }

        private static TimeSpan Now()
        {
            using var process = Process.GetCurrentProcess();
            return process.TotalProcessorTime;
        }
    }
}
