using System.Diagnostics;
using Broker.Transport;

namespace Broker.Benchmarks.Throughput;

/// <summary>
/// The same workload through any adapter's <see cref="IQueueTransport"/>: a backlog produced by N concurrent producers
/// that each await their acknowledgement, then consumed by 256 handlers that each await the broker's confirmation of
/// their completion. This is what the channel runtime does per message, minus encoding.
/// </summary>
internal static class AdapterRuns
{
    public const int Handlers = 256;

    public static async Task<(double ProducePerSecond, double ConsumePerSecond)> MeasureAsync(
        IQueueTransport transport, ChannelDefinition channel, byte[] payload, int producers, int messages)
    {
        var rates = await MeterAsync(transport, channel, payload, producers, messages, serverCpu: null);
        return (rates.Produce, rates.Consume);
    }

    /// <summary>
    /// Rates and the CPU time per message of this process (the client) and, if <paramref name="serverCpu"/> reads one,
    /// of the process serving it. CPU time is read at the phases' edges only, so it costs nothing per message.
    /// </summary>
    public static async Task<Metered> MeterAsync(
        IQueueTransport transport, ChannelDefinition channel, byte[] payload, int producers, int messages, Func<TimeSpan>? serverCpu)
    {
        long next = 0;
        var handle = await transport.OpenChannelAsync(channel, CancellationToken.None);
        var cpu = new CpuMeter(serverCpu);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, producers).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= messages)
                await handle.ProduceAsync(new OutgoingMessage(payload, null, TimeSpan.Zero, 0), CancellationToken.None);
        })));
        var produce = messages / clock.Elapsed.TotalSeconds;
        var (produceClient, produceServer) = cpu.PerMessage(messages);

        var subscription = await handle.SubscribeAsync(new SubscriptionSettings(Handlers, TimeSpan.FromMinutes(5)), CancellationToken.None);
        var completed = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        clock.Restart();
        var handlers = Enumerable.Range(0, Handlers).Select(_ => Task.Run(async () =>
        {
            await foreach (var delivery in subscription.Deliveries.ReadAllAsync())
            {
                await subscription.CompleteAsync(delivery, CancellationToken.None);
                if (Interlocked.Increment(ref completed) == messages)
                    done.TrySetResult();
            }
        })).ToArray();
        await done.Task;
        var consume = messages / clock.Elapsed.TotalSeconds;
        var (consumeClient, consumeServer) = cpu.PerMessage(messages);
        await subscription.StopDeliveriesAsync(CancellationToken.None);
        await Task.WhenAll(handlers);
        await subscription.DisposeAsync();
        return new Metered(produce, consume, produceClient, produceServer, consumeClient, consumeServer);
    }

    /// <summary>Rates in messages per second; CPU in microseconds per message (server: 0 when it was not read).</summary>
    public readonly record struct Metered(
        double Produce, double Consume, double ProduceClientCpu, double ProduceServerCpu, double ConsumeClientCpu, double ConsumeServerCpu);

    /// <summary>CPU time of this process and of the serving one since the last reading.</summary>
    private sealed class CpuMeter(Func<TimeSpan>? serverCpu)
    {
        private TimeSpan _client = Own();
        private TimeSpan _server = serverCpu?.Invoke() ?? TimeSpan.Zero;

        public (double Client, double Server) PerMessage(int messages)
        {
            var (client, server) = (Own(), serverCpu?.Invoke() ?? TimeSpan.Zero);
            var result = ((client - _client).TotalMicroseconds / messages, (server - _server).TotalMicroseconds / messages);
            (_client, _server) = (client, server);
            return result;
        }

        private static TimeSpan Own()
        {
            using var process = Process.GetCurrentProcess();
            return process.TotalProcessorTime;
        }
    }
}
