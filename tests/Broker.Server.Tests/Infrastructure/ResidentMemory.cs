namespace Broker.Server.Tests.Infrastructure;

/// <summary>A process's resident set, as the kernel counts it (VmRSS in /proc/&lt;pid&gt;/status).</summary>
public static class ResidentMemory
{
    /// <summary>Bytes of <paramref name="processId"/> resident in memory now.</summary>
    public static long Of(int processId)
    {
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        throw new InvalidOperationException($"Process {processId} reports no VmRSS.");
    }

    public static string Mib(long bytes) => (bytes / (1024.0 * 1024)).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) + " MiB";
}
