using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Broker;
using Broker.Benchmarks.Throughput;
using Broker.Engine;
using Broker.Engine.Storage.Log;
using Broker.Transport;

// The throughput harness. One run measures, on the data directory's disk:
//   the fsync rate (64-byte appends, growing file; and fdatasync on a preallocated file, as the log does),
//   embedded produce throughput with 1, 16 and 256 producers awaiting their acks (fsync before ack),
//   consume + ack throughput (256 handlers completing deliveries of a backlog),
//   one-at-a-time produce latency p50 / p99,
//   every adapter and the peers head to head (Peers/PeerRuns): raw JetStream, the server, embedded, the NATS adapter,
//   MassTransit on RabbitMQ and the typed end-to-end path, 40 B and 276 B messages, in alternating rounds
//   (--peer-messages N per round, default 200,000; --rounds R, default 3; --sides picks sides; --no-adapters skips
//   them; --peers-only runs only them),
//   the cost of telemetry: the typed channel on the in-memory broker with nothing listening and with every span and
//   metric recorded, alternating (--telemetry-messages N per round, default 200,000; --no-telemetry skips it,
//   --telemetry-only runs only it),
//   and with --memory N: process memory with N queued 40-byte messages, after producing and after a restart.
// --ordering runs only the cost of ordering keys (OrderingRuns): 10,000 keys against none, and a hot key, on the in-memory
// and embedded brokers (--ordering-messages N per round, default 200,000; --rounds R, default 3), and the NATS adapter's
// keyed and unkeyed runs when nats-server is on the PATH (--ordering-nats-messages N, default 20,000).
// --shared-embedded runs only the shared embedded broker's comparison (SharedEmbeddedRuns): the host's own channels, a
// client process on the directory's socket and broker-server over TCP, alternating (--shared-messages N per round,
// default 200,000; --rounds R, default 3).
if (Arg("--shared-client") is { } sharedDirectory)
{
    // The client process of that comparison: its output is read by the measuring process, so nothing else is printed.
    return await SharedClientProcess.ServeAsync(sharedDirectory, int.Parse(Arg("--host-pid")!, CultureInfo.InvariantCulture));
}
var root = Arg("--dir") ?? Path.Combine(Path.GetTempPath(), "broker-bench");
var memoryMessages = long.Parse(Arg("--memory") ?? "0", CultureInfo.InvariantCulture);
var seconds = double.Parse(Arg("--seconds") ?? "3", CultureInfo.InvariantCulture);
Directory.CreateDirectory(root);
var payload = new byte[40];
Random.Shared.NextBytes(payload);
var table = new Table();
Console.WriteLine($"Broker throughput harness: {RuntimeInformation.FrameworkDescription}, {Environment.ProcessorCount} CPUs, data in {root}");

var memoryOnly = args.Contains("--memory-only");
if (args.Contains("--shared-embedded"))
{
    await SharedEmbeddedRuns.RunAsync(table, root, int.Parse(Arg("--shared-messages") ?? "200000", CultureInfo.InvariantCulture), int.Parse(Arg("--rounds") ?? "3", CultureInfo.InvariantCulture));
    table.Print();
    return 0;
}
if (args.Contains("--ordering"))
{
    await OrderingRuns.RunAsync(
        table, root, int.Parse(Arg("--ordering-messages") ?? "200000", CultureInfo.InvariantCulture),
        int.Parse(Arg("--ordering-nats-messages") ?? "20000", CultureInfo.InvariantCulture), int.Parse(Arg("--rounds") ?? "3", CultureInfo.InvariantCulture));
    table.Print();
    return 0;
}
if (args.Contains("--peers-only"))
{
    await RunPeersAsync();
    table.Print();
    return 0;
}
if (args.Contains("--telemetry-only"))
{
    await TelemetryRuns.RunAsync(table, int.Parse(Arg("--telemetry-messages") ?? "200000", CultureInfo.InvariantCulture), int.Parse(Arg("--rounds") ?? "3", CultureInfo.InvariantCulture));
    table.Print();
    return 0;
}
Embedded.Preallocate = !args.Contains("--no-prealloc");
if (Arg("--recover") is { } recoverDirectory)
{
    // The child process of the memory measurement: recover a directory, report memory, exit.
    var (memory, elapsed, readyCount) = await MemoryRun.RecoverAsync(recoverDirectory, new ChannelDefinition("bench/orders"));
    Console.WriteLine($"RECOVERED|{Memory.Format(memory)}|{elapsed.TotalSeconds}|{readyCount}");
    return 0;
}
var orders = new ChannelDefinition("bench/orders");
if (!memoryOnly)
{
    // 1. The disk.
    var fsync = Disk.Measure(root, TimeSpan.FromSeconds(2), preallocated: false);
    table.Add("fsync, 64 B append, growing file (FileStream.Flush(true))", $"{fsync.PerSecond:N0} /s", $"p50 {Us(fsync.P50)}, p99 {Us(fsync.P99)}");
    var fdatasync = Disk.Measure(root, TimeSpan.FromSeconds(2), preallocated: true);
    table.Add("fdatasync, 64 B write, preallocated zeroed file", $"{fdatasync.PerSecond:N0} /s", $"p50 {Us(fdatasync.P50)}, p99 {Us(fdatasync.P99)}");

    // 2. Produce with fsync before ack.
    foreach (var producers in new[] { 1, 16, 256 })
    {
        using var run = Embedded.Open(root, $"produce-{producers}");
        await run.Engine.RecoverAsync();
        var (count, elapsed) = await Produce(run.Engine, producers, TimeSpan.FromSeconds(seconds));
        var writes = run.Store.WriteCounts;
        table.Add($"produce, {producers} concurrent producer{(producers == 1 ? "" : "s")}, fsync before ack", $"{count / elapsed.TotalSeconds:N0} msg/s", $"{count:N0} messages in {elapsed.TotalSeconds:0.0} s; {writes.Syncs:N0} fdatasyncs, {(double)count / Math.Max(1, writes.Syncs):0.0} messages per sync");
    }

    // 3. Consume + ack a backlog.
    {
        using var run = Embedded.Open(root, "consume");
        await run.Engine.RecoverAsync();
        const int Backlog = 600_000;
        await ProduceCount(run.Engine, 256, Backlog);
        var subscription = await run.Engine.SubscribeAsync(orders.Name, new SubscriptionSettings(1024, TimeSpan.FromMinutes(5)));
        var completed = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = Stopwatch.StartNew();
        var handlers = Enumerable.Range(0, 256).Select(_ => Task.Run(async () =>
        {
            await foreach (var delivery in subscription.Deliveries.ReadAllAsync())
            {
                await subscription.CompleteAsync(delivery, default);
                if (Interlocked.Increment(ref completed) == Backlog)
                    done.TrySetResult();
            }
        })).ToArray();
        await done.Task;
        var elapsed = clock.Elapsed;
        await subscription.StopDeliveriesAsync(default);
        await Task.WhenAll(handlers);
        table.Add("consume + ack, 256 handlers, fsync before ack", $"{Backlog / elapsed.TotalSeconds:N0} msg/s", $"{Backlog:N0} backlog messages in {elapsed.TotalSeconds:0.0} s");
    }

    // 4. One produce at a time, interleaved with plain fsyncs in blocks so both see the same disk (a shared VM's disk
    // swings a lot from minute to minute).
    {
        using var run = Embedded.Open(root, "latency");
        await run.Engine.RecoverAsync();
        var produceSamples = new List<double>();
        var fsyncSamples = new List<double>();
        var fdatasyncSamples = new List<double>();
        using var fsyncProbe = new SyncProbe(root, preallocated: false);
        using var fdatasyncProbe = new SyncProbe(root, preallocated: true);
        for (var block = 0; block < 10; block++)
        {
            fsyncSamples.AddRange(fsyncProbe.Sample(200));
            fdatasyncSamples.AddRange(fdatasyncProbe.Sample(200));
            for (var i = 0; i < 220; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await run.Engine.ProduceAsync(orders.Name, new OutgoingMessage(payload, null, TimeSpan.Zero, 0));
                if (i >= 20)
                    produceSamples.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
            }
        }
        var (p50, p99) = Percentiles(produceSamples);
    var (s50, s99) = Percentiles([.. run.Store.RecentSyncMicroseconds()]);
    table.Add("the log's own fdatasync during those produces", $"p50 {Us(s50)}", $"p99 {Us(s99)}");
        var (f50, f99) = Percentiles(fsyncSamples);
        var (d50, d99) = Percentiles(fdatasyncSamples);
        table.Add("fsync, interleaved with the latency runs (growing file)", $"p50 {Us(f50)}", $"p99 {Us(f99)}");
        table.Add("fdatasync, interleaved with the latency runs (preallocated)", $"p50 {Us(d50)}", $"p99 {Us(d99)}");
        table.Add("produce one at a time (latency), fsync before ack", $"p50 {Us(p50)}", $"p99 {Us(p99)}; p50 = {p50 / s50:0.00} x the log's fdatasync p50, {p50 / f50:0.00} x probe fsync p50, {p50 / d50:0.00} x probe fdatasync p50");
    }
}

// 5. Every adapter and the peers head to head (Peers/PeerRuns): the 40-byte and the 276-byte message, 256 in flight,
// alternating rounds (--peer-messages N per round, default 200,000; --rounds R, default 3; --sides a,b,... picks sides:
// raw, server, embedded, nats, masstransit, typed; --no-adapters skips it, --peers-only runs only it).
if (!memoryOnly && !args.Contains("--no-adapters"))
    await RunPeersAsync();

// 6. What telemetry costs on the typed path.
if (!memoryOnly && !args.Contains("--no-telemetry"))
    await TelemetryRuns.RunAsync(table, int.Parse(Arg("--telemetry-messages") ?? "200000", CultureInfo.InvariantCulture), int.Parse(Arg("--rounds") ?? "3", CultureInfo.InvariantCulture));

// 7. Memory with a large backlog. Each phase runs in its own method, so nothing of the first engine stays reachable
// from this method's state while the second is measured.
if (memoryMessages > 0)
{
    var directory = Path.Combine(root, "memory");
    if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
    var baseline = Memory.Settle();
    var (afterProduce, produced) = await MemoryRun.ProduceAsync(root, memoryMessages, payload, orders);
    table.Add($"memory, {memoryMessages:N0} queued 40 B messages, after producing", Memory.Format(afterProduce), $"baseline {Memory.Format(baseline)}; produced in {produced.TotalSeconds:0} s ({memoryMessages / produced.TotalSeconds:N0} msg/s, 256 producers)");
    // A restart is a new process: this one still has the first engine's pages in its heap until the GC returns them.
    var restart = MemoryRun.RecoverInChildProcess(directory);
    table.Add("memory, same backlog after a restart (a new process recovers it)", restart.Memory, $"{restart.Ready:N0} ready; recovered in {restart.Seconds:0.0} s; log {Embedded.Size(directory) / 1e6:N0} MB");
    Directory.Delete(directory, recursive: true);
}

table.Print();
return 0;

Task RunPeersAsync()
{
    var sides = Arg("--sides")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    return Broker.Benchmarks.Throughput.Peers.PeerRuns.RunAsync(
        table, root, int.Parse(Arg("--peer-messages") ?? "200000", CultureInfo.InvariantCulture), int.Parse(Arg("--rounds") ?? "3", CultureInfo.InvariantCulture),
        side => sides is null || sides.Contains(side, StringComparer.OrdinalIgnoreCase));
}

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static (double P50, double P99) Percentiles(List<double> samples)
{
    samples.Sort();
    return (samples[samples.Count / 2], samples[(int)(samples.Count * 0.99)]);
}

static string Us(double microseconds) => microseconds >= 1000 ? $"{microseconds / 1000:0.00} ms" : $"{microseconds:0} µs";

async Task<(long Count, TimeSpan Elapsed)> Produce(QueueEngine engine, int producers, TimeSpan duration)
{
    long count = 0;
    var clock = Stopwatch.StartNew();
    var tasks = Enumerable.Range(0, producers).Select(_ => Task.Run(async () =>
    {
        while (clock.Elapsed < duration)
        {
            await engine.ProduceAsync(orders.Name, new OutgoingMessage(payload, null, TimeSpan.Zero, 0));
            Interlocked.Increment(ref count);
        }
    })).ToArray();
    await Task.WhenAll(tasks);
    return (count, clock.Elapsed);
}

async Task ProduceCount(QueueEngine engine, int producers, long total)
{
    long next = 0;
    var tasks = Enumerable.Range(0, producers).Select(_ => Task.Run(async () =>
    {
        while (Interlocked.Increment(ref next) <= total)
            await engine.ProduceAsync(orders.Name, new OutgoingMessage(payload, null, TimeSpan.Zero, 0));
    })).ToArray();
    await Task.WhenAll(tasks);
}
