using Broker.Engine.Storage.Log;
using Broker.Engine.Tests.Support;
using Xunit.Abstractions;

namespace Broker.Engine.Tests.Crash;

/// <summary>
/// Kills a real process with SIGKILL at random moments while it produces (awaiting every ack) and consumes, restarts
/// it on the same directory, and checks the history the way RabbitMQ's Jepsen queue checker does: lost (acknowledged,
/// then neither stored nor completed), recovered (stored or completed without an ack the test saw: in flight at the
/// kill, allowed), unexpected (never produced), duplicated (completed twice, or an ExactlyOnce key enqueued twice).
/// </summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    private const string AtLeastOnce = "crash/at-least-once";
    private const string ExactlyOnce = "crash/exactly-once";

    [Fact]
    public async Task TwentyKillsLoseNoAcknowledgedMessageAndResurrectNoCompletedOne()
    {
        using var directory = new TempDirectory();
        var random = new Random(20261127);
        var history = new History();

        for (var run = 1; run <= 20; run++)
        {
            using (var host = CrashHostProcess.Start(directory.Path, run, "run"))
            {
                if (await Task.WhenAny(host.Ready, Task.Delay(TimeSpan.FromSeconds(30))) != host.Ready)
                    Assert.Fail($"Run {run} did not start within 30 s: {host.Errors}");
                // A random moment: after a random number of events, within a bounded time.
                var events = random.Next(20, 600);
                var deadline = DateTime.UtcNow.AddSeconds(5);
                while (host.Events < events && DateTime.UtcNow < deadline)
                    await Task.Delay(random.Next(1, 10));
                host.Kill();
                history.Add(run, host.Lines);
                Assert.True(host.Events > 0, $"Run {run} did nothing before the kill: {host.Errors}");
            }
            history.Check(run, Inspect(directory.Path));
        }

        using (var drain = CrashHostProcess.Start(directory.Path, 21, "drain"))
        {
            await drain.Drained.WaitAsync(TimeSpan.FromSeconds(60));
            await drain.WaitForExitAsync(TimeSpan.FromSeconds(30));
            history.Add(21, drain.Lines);
        }
        var final = Inspect(directory.Path);
        history.Check(21, final);
        Assert.Empty(final.Of(AtLeastOnce));
        Assert.Empty(final.Of(ExactlyOnce));
        history.AssertEveryAcknowledgedMessageCompletedOnce();
        output.WriteLine(history.Summary());
    }

    /// <summary>Replays the directory without writing to it (the host is dead, so its lock is free).</summary>
    private static LiveMessages Inspect(string directory)
    {
        var live = new LiveMessages();
        using var store = LogQueueStore.Open(directory, new LogStoreOptions { SegmentBytes = 64 * 1024, PreallocateSegments = false });
        store.RecoverAsync(live, default).AsTask().GetAwaiter().GetResult();
        return live;
    }

    private sealed class History
    {
        // Acknowledged messages: (channel, id) -> what was produced; ExactlyOnce: key -> every message id that carried it,
        // whether its produce was acknowledged or only seen by a consumer (stored, then the producer was killed).
        private readonly Dictionary<(string, long), string> _acknowledged = [];
        private readonly Dictionary<string, HashSet<long>> _enqueuedKeys = [];
        private readonly Dictionary<(string, long), int> _completions = [];
        private readonly HashSet<(string, long)> _attempted = [];
        private readonly HashSet<(string, long)> _everSeen = [];
        private int _recovered;

        public void Add(int run, IEnumerable<string> lines)
        {
            foreach (var line in lines)
            {
                var parts = line.Split(' ');
                var channel = parts[1] == "alo" ? AtLeastOnce : ExactlyOnce;
                var id = long.Parse(parts[2], System.Globalization.CultureInfo.InvariantCulture);
                switch (parts[0])
                {
                    case "ACK" when channel == AtLeastOnce:
                        _acknowledged[(channel, id)] = parts[3];
                        break;
                    case "ACK" when parts[4] == "Enqueued":
                        _acknowledged[(channel, id)] = parts[3];
                        NoteKey(run, parts[3], id);
                        break;
                    case "ACK":
                        // A duplicate names the original, which some run enqueued (acknowledged or not): the same id.
                        NoteKey(run, parts[3], id);
                        break;
                    case "TAKE":
                        _attempted.Add((channel, id));
                        if (channel == ExactlyOnce)
                            NoteKey(run, parts[3], id);
                        break;
                    case "DONE":
                        _completions[(channel, id)] = _completions.GetValueOrDefault((channel, id)) + 1;
                        Assert.True(_completions[(channel, id)] == 1, $"Duplicated: message {id} of {channel} was completed twice (run {run}).");
                        if (!_acknowledged.ContainsKey((channel, id)))
                            _recovered++;
                        break;
                }
            }
        }

        // The whole test runs well inside the channel's one-hour window: every sighting of a key names one message.
        private void NoteKey(int run, string key, long id)
        {
            if (!_enqueuedKeys.TryGetValue(key, out var ids))
                _enqueuedKeys.Add(key, ids = []);
            ids.Add(id);
            Assert.True(ids.Count == 1, $"Duplicated: ExactlyOnce key {key} was enqueued as messages {string.Join(", ", ids)} within its window (run {run}).");
        }

        public void Check(int run, LiveMessages live)
        {
            // A message a consumer began to complete may be gone without a DONE (the kill came before the print): its
            // outcome is unknown. Any other acknowledged message must still be there.
            var lost = _acknowledged.Keys
                .Where(m => !_attempted.Contains(m) && !live.Of(m.Item1).Contains(m.Item2))
                .ToList();
            Assert.True(lost.Count == 0, $"Lost after run {run}: {lost.Count} acknowledged messages, e.g. {string.Join(", ", lost.Take(5))} ({_acknowledged.Count} acknowledged so far). " +
                string.Join(" | ", lost.Take(3).Select(m => $"{m}: {_acknowledged[m]}: " + string.Join("; ", live.Trace.GetValueOrDefault(m) ?? []))));
            foreach (var (channel, ids) in live.Unfinished)
            {
                foreach (var id in ids)
                {
                    Assert.False(_completions.ContainsKey((channel, id)), $"Message {id} of {channel} was completed, yet it is back after run {run}.");
                    _everSeen.Add((channel, id));
                }
            }
        }

        public string Summary() =>
            $"{_acknowledged.Count} acknowledged, {_completions.Count} completed, 0 lost, {_recovered} recovered (completed without an ack seen), " +
            $"0 duplicated, {_attempted.Count - _completions.Count} completions of unknown outcome at a kill";

        public void AssertEveryAcknowledgedMessageCompletedOnce()
        {
            var notCompleted = _acknowledged.Keys.Where(m => !_completions.ContainsKey(m) && !_attempted.Contains(m)).ToList();
            Assert.True(notCompleted.Count == 0, $"Acknowledged but never completed after the drain: {string.Join(", ", notCompleted.Take(5))}.");
            Assert.All(_completions.Values, n => Assert.Equal(1, n));
            // Unexpected: every completion is of a message some run produced (acknowledged, or in flight at a kill).
            Assert.True(_acknowledged.Count > 300, $"Only {_acknowledged.Count} acknowledged produces in 20 runs: the kills came too early to test much.");
            Assert.InRange(_recovered, 0, _completions.Count);
        }
    }
}
