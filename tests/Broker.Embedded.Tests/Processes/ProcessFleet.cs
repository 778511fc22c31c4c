using System.Diagnostics;
using System.Globalization;
using Broker.Embedded.Tests.Support;

namespace Broker.Embedded.Tests.Processes;

/// <summary>
/// The child processes of one test on one fresh shared directory, and what they printed (<see cref="Ledger"/>). Each
/// process started gets a new name (<c>p1</c>, <c>p2</c>, ...), a restarted one too. Disposing kills whatever still runs
/// and deletes the directory.
/// </summary>
internal sealed class ProcessFleet : IAsyncDisposable
{
    public const string Channel = "procs/jobs";

    /// <summary>How long any one wait may take before the test fails: generous, the machine is small and shared.</summary>
    public static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _directory = new();
    private readonly List<AppProcess> _processes = [];
    private int _started;

    public string Directory => _directory.Path;

    public ProcessLedger Ledger { get; } = new();

    /// <summary>The processes not known to have exited.</summary>
    public IReadOnlyList<AppProcess> Live
    {
        get { lock (_processes) return [.. _processes.Where(p => !p.HasExited)]; }
    }

    /// <summary>
    /// Starts a child: <paramref name="role"/> is <c>producer</c>, <c>consumer</c> or <c>both</c>; with
    /// <paramref name="startOnGo"/> it waits, loaded, for <see cref="AppProcess.GoAsync"/> before it opens the directory.
    /// </summary>
    public AppProcess Start(string role, ProduceMode mode = ProduceMode.Mixed, long count = 0, bool startOnGo = false)
    {
        var name = "p" + Interlocked.Increment(ref _started).ToString(CultureInfo.InvariantCulture);
        var arguments = new ChildArguments(role is "producer" or "both", role is "consumer" or "both", Directory, name, Channel, mode, count);
        var process = AppProcess.Start(arguments, Ledger, startOnGo);
        lock (_processes) _processes.Add(process);
        return process;
    }

    /// <summary>Waits until <paramref name="process"/> knows its role and, if it consumes, has subscribed.</summary>
    public Task ReadyAsync(AppProcess process) =>
        UntilAsync(() => Ledger.RoleOf(process.Name) is not null && (!process.Arguments.Consumes || Ledger.HasPrinted(process.Name, ChildOutput.Consuming)),
            $"{process.Name} to report its role and subscribe");

    /// <summary>The one live process that reports hosting now; fails if there is not exactly one.</summary>
    public AppProcess Host()
    {
        var hosts = Live.Where(p => Ledger.RoleOf(p.Name) == true).ToList();
        Assert.True(hosts.Count == 1, $"{hosts.Count} live processes report HOST ({string.Join(", ", hosts.Select(h => h.Name))}).\n{Describe()}");
        return hosts[0];
    }

    /// <summary>
    /// Stops every live producer (<c>stop-producing</c>), waits for their last produces to be answered, then for every
    /// acknowledged message to be handled.
    /// </summary>
    public async Task StopProducingAndDrainAsync()
    {
        var producers = Live.Where(p => p.Arguments.Produces).ToList();
        foreach (var producer in producers)
            await producer.SendAsync(ChildCommands.StopProducing);
        await UntilAsync(() => producers.All(p => Ledger.HasPrinted(p.Name, ChildOutput.Stopped) || Ledger.HasPrinted(p.Name, ChildOutput.Produced)),
            "the producers to stop, their last produces answered");
        await UntilAsync(() => Ledger.Lost().Count == 0, "every acknowledged message to be handled", TimeSpan.FromSeconds(60));
    }

    /// <summary>Polls <paramref name="condition"/> every 5 ms; fails naming <paramref name="what"/>, with what the children printed.</summary>
    public async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var limit = timeout ?? Generous;
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > limit)
                Assert.Fail($"Waited {limit.TotalSeconds:0} s for {what}. {Ledger.Summary()}\n{Describe()}");
            await Task.Delay(5);
        }
    }

    /// <summary>What each process printed last, for failure messages.</summary>
    public string Describe()
    {
        lock (_processes) return string.Join('\n', _processes.Select(p => p.Describe()));
    }

    public async ValueTask DisposeAsync()
    {
        AppProcess[] processes;
        lock (_processes) processes = [.. _processes];
        foreach (var process in processes)
            await process.DisposeAsync();
        _directory.Dispose();
    }
}
