using System.Text;
using Broker;
using Broker.Engine;
using Broker.Engine.Storage.Log;
using Broker.Transport;

// Usage: Broker.Engine.CrashHost <data directory> <run number> run|drain|hold
//
// Prints one line per event, each ending in " ;" so a line cut by the kill is recognisable:
//   READY ;                                   recovered, about to work
//   ACK alo <id> <text> ;                     an AtLeastOnce produce was acknowledged (awaited)
//   ACK eo <id> <key> Enqueued|Duplicate ;    an ExactlyOnce produce was acknowledged
//   TAKE alo|eo <id> <text> ;                 a consumer is about to complete a delivery
//   DONE alo|eo <id> <text> ;                 that completion was acknowledged
//   DRAINED ;                                 (drain) nothing unfinished is left
// hold opens the log, prints READY and holds the directory until killed (the other process of the health tests).
if (args.Length != 3)
{
    Console.Error.WriteLine("Usage: Broker.Engine.CrashHost <data directory> <run number> run|drain|hold");
    return 2;
}
var directory = args[0];
var run = int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
var drain = args[2] == "drain";

var atLeastOnce = new ChannelDefinition("crash/at-least-once", maxAttempts: 1000);
var exactlyOnce = new ChannelDefinition("crash/exactly-once", QueueMessageProcessing.ExactlyOnce, TimeSpan.FromHours(1), maxAttempts: 1000);
var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };
var outputGate = new Lock();
void Print(string line)
{
    lock (outputGate)
        output.Write(line + " ;\n");
}

// The smallest segments the log allows, so kills land during segment rollovers and compaction rewrites too.
var store = LogQueueStore.Open(directory, new LogStoreOptions { SegmentBytes = 64 * 1024, CompactionInterval = TimeSpan.FromMilliseconds(200) });
if (args[2] == "hold")
{
    Print("READY");
    await Task.Delay(Timeout.Infinite);
}
var engine = new QueueEngine(store, ownsStore: true);
await engine.RecoverAsync();
await engine.DeclareAsync(atLeastOnce);
await engine.DeclareAsync(exactlyOnce);
Print("READY");

using var stop = new CancellationTokenSource();
var consumers = new List<Task>();
foreach (var channel in new[] { atLeastOnce, exactlyOnce })
{
    var subscription = await engine.SubscribeAsync(channel.Name, new SubscriptionSettings(16, TimeSpan.FromSeconds(30)));
    var tag = channel == atLeastOnce ? "alo" : "eo";
    consumers.Add(Task.Run(async () =>
    {
        await foreach (var delivery in subscription.Deliveries.ReadAllAsync())
        {
            var text = Encoding.UTF8.GetString(delivery.Payload.Span);
            // Printed before the completion is asked for: a kill between the two leaves an unknown outcome, not a loss.
            Print($"TAKE {tag} {delivery.Id} {text}");
            if (await subscription.CompleteAsync(delivery, default) == SettleOutcome.Completed)
                Print($"DONE {tag} {delivery.Id} {text}");
        }
    }));
}

if (drain)
{
    while (engine.GetStats(atLeastOnce.Name).Unfinished + engine.GetStats(exactlyOnce.Name).Unfinished > 0)
        await Task.Delay(20);
    Print("DRAINED");
    await engine.DisposeAsync();
    return 0;
}

var producers = new List<Task>();
for (var p = 0; p < 4; p++)
{
    var producer = p;
    producers.Add(Task.Run(async () =>
    {
        for (var i = 0; ; i++)
        {
            var text = $"r{run}-p{producer}-{i}";
            var result = await engine.ProduceAsync(atLeastOnce.Name, new OutgoingMessage(Encoding.UTF8.GetBytes(text), null, TimeSpan.Zero, 0));
            Print($"ACK alo {result.MessageId} {text}");
        }
    }));
}
producers.Add(Task.Run(async () =>
{
    // Keys from a small space, so runs keep producing keys that earlier runs (and consumers) already saw.
    var random = new Random(run);
    while (true)
    {
        var key = random.Next(500);
        var result = await engine.ProduceAsync(exactlyOnce.Name, new OutgoingMessage(Encoding.UTF8.GetBytes(key.ToString(System.Globalization.CultureInfo.InvariantCulture)), new Deduplication((UInt128)key, exactlyOnce.DedupInterval), TimeSpan.Zero, 0));
        Print($"ACK eo {result.MessageId} {key} {result.Status}");
    }
}));

// Runs until killed.
await Task.WhenAll(producers);
return 0;
