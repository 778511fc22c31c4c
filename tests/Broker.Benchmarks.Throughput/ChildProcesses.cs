using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Broker.Benchmarks.Throughput;

/// <summary>
/// The server processes the harness starts (broker-server, nats-server, the shared broker's client) must not outlive it.
/// .NET runs no ProcessExit on Ctrl-C or SIGTERM, and a child is not killed with its parent: a harness stopped by a
/// signal used to leave a broker-server listening with its data directory locked. Each tracked child is killed, with its
/// tree, on SIGINT, SIGTERM, SIGQUIT, SIGHUP and at process exit; the signal then ends the harness as usual.
/// </summary>
internal static class ChildProcesses
{
    private static readonly Lock s_gate = new();
    private static readonly List<Process> s_children = [];
    private static PosixSignalRegistration[]? s_signals;

    /// <summary>Kills <paramref name="process"/> if the harness is stopped by a signal or exits before it has; returns it.</summary>
    public static Process Track(Process process)
    {
        lock (s_gate)
        {
            s_children.RemoveAll(p => HasExited(p));
            s_children.Add(process);
            if (s_signals is null)
            {
                s_signals = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT, PosixSignal.SIGHUP }
                    .Select(signal => PosixSignalRegistration.Create(signal, _ => KillAll()))];
                AppDomain.CurrentDomain.ProcessExit += (_, _) => KillAll();
            }
        }
        return process;
    }

    private static void KillAll()
    {
        Process[] children;
        lock (s_gate)
            children = [.. s_children];
        foreach (var child in children)
        {
            try
            {
                if (!child.HasExited) child.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Exited meanwhile, or already disposed by its owner.
            }
        }
    }

    private static bool HasExited(Process process)
    {
        try
        {
            return process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }
}
