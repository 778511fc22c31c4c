using System.Diagnostics;
using System.Diagnostics.Metrics;
using Broker.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Benchmarks.Throughput;

/// <summary>The typed end-to-end workload's message: an id and a short text, about the size of the raw runs' 40 bytes.</summary>
public sealed record TypedOrder(long Id, string Sku);

/// <summary>The typed workload's channel, generated as a user's would be.</summary>
[Channel("bench/typed")]
public partial interface ITypedOrders : IQueueChannel<TypedOrder>;

/// <summary>
/// What Broker's telemetry costs: the typed channel (generated codec, <c>ProduceAsync</c>, a consumer handler) on the
/// in-memory broker, so the CPU work of the runtime is not hidden behind fsyncs, with nothing listening and with an
/// ActivityListener that records every span and a MeterListener that aggregates every measurement, in alternating
/// rounds of one process. The in-memory broker is where any cost shows most.
/// </summary>
internal static class TelemetryRuns
{
    public const int Producers = 256;
    public const int Handlers = 256;

    public static async Task RunAsync(Table table, int messages, int rounds)
    {
        var off = new List<Rates>();
        var on = new List<Rates>();
        // One warm-up round of each, not counted: JIT and tiering, pools.
        await MeasureAsync(messages / 4, listen: false);
        await MeasureAsync(messages / 4, listen: true);
        for (var round = 0; round < rounds; round++)
        {
            off.Add(await MeasureAsync(messages, listen: false));
            on.Add(await MeasureAsync(messages, listen: true));
        }
        var (offProduce, offConsume) = (Median(off.Select(r => r.Produce)), Median(off.Select(r => r.Consume)));
        var (onProduce, onConsume) = (Median(on.Select(r => r.Produce)), Median(on.Select(r => r.Consume)));
        var (offProduceCpu, offConsumeCpu) = (Median(off.Select(r => r.ProduceCpuMicroseconds)), Median(off.Select(r => r.ConsumeCpuMicroseconds)));
        var (onProduceCpu, onConsumeCpu) = (Median(on.Select(r => r.ProduceCpuMicroseconds)), Median(on.Select(r => r.ConsumeCpuMicroseconds)));
        table.Add("telemetry: typed produce (in-memory), nothing listening", $"{offProduce:N0} msg/s", $"{offProduceCpu:0.00} µs CPU/msg; median of {rounds}: {List(off.Select(r => r.Produce))}");
        table.Add("telemetry: typed produce (in-memory), every span and metric recorded", $"{onProduce:N0} msg/s", $"{onProduce / offProduce:P0} of nothing listening; {onProduceCpu:0.00} µs CPU/msg; median of {rounds}: {List(on.Select(r => r.Produce))}");
        table.Add("telemetry: typed consume (in-memory, 256 handlers), nothing listening", $"{offConsume:N0} msg/s", $"{offConsumeCpu:0.00} µs CPU/msg; median of {rounds}: {List(off.Select(r => r.Consume))}");
        table.Add("telemetry: typed consume (in-memory, 256 handlers), every span and metric recorded", $"{onConsume:N0} msg/s", $"{onConsume / offConsume:P0} of nothing listening; {onConsumeCpu:0.00} µs CPU/msg; median of {rounds}: {List(on.Select(r => r.Consume))}");
    }

    /// <summary>Rates, and the process's CPU time per message (less sensitive than rates to other load on the machine).</summary>
    public readonly record struct Rates(double Produce, double Consume, double ProduceCpuMicroseconds, double ConsumeCpuMicroseconds);

    /// <summary>Produces a backlog with 256 producers awaiting their results, then consumes it with 256 handlers.</summary>
    public static async Task<Rates> MeasureAsync(int messages, bool listen)
    {
        using var listeners = listen ? new Listeners() : null;
        var services = new ServiceCollection();
        services.AddBroker(b => b.UseInMemory()).AddChannels();
        await using var provider = services.BuildServiceProvider();
        var channel = provider.GetRequiredService<ITypedOrders>();

        long next = 0;
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Producers).Select(_ => Task.Run(async () =>
        {
            long id;
            while ((id = Interlocked.Increment(ref next)) <= messages)
                await channel.ProduceAsync(new TypedOrder(id, "sku-0001-blue"));
        })));
        var produce = messages / clock.Elapsed.TotalSeconds;
        process.Refresh();
        var produceCpu = (process.TotalProcessorTime - cpu).TotalMicroseconds / messages;
        cpu = process.TotalProcessorTime;

        var completed = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        clock.Restart();
        await using (await channel.ConsumeAsync((_, _) =>
        {
            if (Interlocked.Increment(ref completed) == messages)
                done.TrySetResult();
            return ValueTask.CompletedTask;
        }, new ConsumeOptions { MaxParallel = Handlers }))
        {
            await done.Task;
        }
        var consume = messages / clock.Elapsed.TotalSeconds;
        process.Refresh();
        return new Rates(produce, consume, produceCpu, (process.TotalProcessorTime - cpu).TotalMicroseconds / messages);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }

    private static string List(IEnumerable<double> values) => string.Join(", ", values.Select(v => $"{v / 1000:N0} k"));

    /// <summary>What an exporter's SDK does at the least: every span sampled and recorded, every instrument aggregated.</summary>
    private sealed class Listeners : IDisposable
    {
        private readonly ActivityListener _spans;
        private readonly MeterListener _metrics = new();
        private long _stopped;
        private double _sum;

        public Listeners()
        {
            _spans = new ActivityListener
            {
                ShouldListenTo = source => source.Name == BrokerTelemetry.ActivitySourceName,
                Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = _ => Interlocked.Increment(ref _stopped),
            };
            ActivitySource.AddActivityListener(_spans);
            _metrics.InstrumentPublished = (instrument, listener) =>
            {
                if (BrokerTelemetry.MeterNames.Contains(instrument.Meter.Name))
                    listener.EnableMeasurementEvents(instrument);
            };
            _metrics.SetMeasurementEventCallback<long>((_, value, _, _) => Add(value));
            _metrics.SetMeasurementEventCallback<int>((_, value, _, _) => Add(value));
            _metrics.SetMeasurementEventCallback<double>((_, value, _, _) => Add(value));
            _metrics.Start();
        }

        private void Add(double value)
        {
            // A lock-free add, as an SDK's aggregator does per measurement.
            double seen, updated;
            do
            {
                seen = Volatile.Read(ref _sum);
                updated = seen + value;
            }
            while (Interlocked.CompareExchange(ref _sum, updated, seen) != seen);
        }

        public void Dispose()
        {
            _spans.Dispose();
            _metrics.Dispose();
        }
    }
}
