using System.Diagnostics;
using System.Globalization;
using Broker.Engine.Storage.Log;
using Broker.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Benchmarks.Throughput;

/// <summary>
/// A second process of this harness on a shared embedded directory that another process hosts: a client of the
/// directory's socket, exactly as a worker next to an app is. The measuring process drives it over its standard input
/// (one line per round) and reads each round's rates from its standard output, so the workload runs, and is timed, in
/// the client process itself.
/// </summary>
internal sealed class SharedClientProcess : IAsyncDisposable
{
    private const string Ready = "READY|";
    private const string Rates = "RATES|";
    private readonly Process _process;

    private SharedClientProcess(Process process) => _process = process;

    /// <summary>Starts the harness again in client mode on <paramref name="directory"/>, and waits until it is a client.</summary>
    public static async Task<SharedClientProcess> StartAsync(string directory)
    {
        var self = Environment.ProcessPath!;
        var info = new ProcessStartInfo(self)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        // Under "dotnet Broker.Benchmarks.Throughput.dll" the process is dotnet itself: pass the assembly again.
        if (self.EndsWith("dotnet", StringComparison.Ordinal))
            info.ArgumentList.Add(typeof(SharedClientProcess).Assembly.Location);
        foreach (var argument in new[] { "--shared-client", directory, "--host-pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture) })
            info.ArgumentList.Add(argument);
        var process = ChildProcesses.Track(Process.Start(info) ?? throw new InvalidOperationException("The client process did not start."));
        var client = new SharedClientProcess(process);
        var line = await client.ReadReplyAsync(Ready);
        if (line != "client")
            throw new InvalidOperationException($"The second process on '{directory}' is '{line}', not a client of this process's socket.");
        return client;
    }

    /// <summary>One round of the adapters' workload, run in the client process on a channel of its own.</summary>
    public async Task<AdapterRuns.Metered> RoundAsync(string channel, int payloadBytes, int producers, int messages)
    {
        await _process.StandardInput.WriteLineAsync(string.Join('|', "ROUND", channel, payloadBytes, producers, messages));
        await _process.StandardInput.FlushAsync();
        var fields = (await ReadReplyAsync(Rates)).Split('|').Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        return new AdapterRuns.Metered(fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]);
    }

    /// <summary>The client process's own side: connect, say so, run rounds until told to quit.</summary>
    public static async Task<int> ServeAsync(string directory, int hostProcessId)
    {
        var services = new ServiceCollection();
        new BrokerBuilder(services).UseEmbedded(directory, o => o.Durability = DurabilityMode.Fsync);
        await using var provider = services.BuildServiceProvider();
        var transport = provider.GetRequiredService<IQueueTransport>();
        var health = await transport.CheckHealthAsync(CancellationToken.None);
        Console.WriteLine($"{Ready}{(health.Data.TryGetValue("role", out var role) ? role : health.ToString())}");
        // The host's CPU time, read from /proc at the phases' edges, splits a round's cost between the two processes.
        using var host = Process.GetProcessById(hostProcessId);
        TimeSpan HostCpu()
        {
            host.Refresh();
            return host.TotalProcessorTime;
        }
        while (await Console.In.ReadLineAsync() is { } line && line.StartsWith("ROUND|", StringComparison.Ordinal))
        {
            var fields = line.Split('|');
            var payload = new byte[int.Parse(fields[2], CultureInfo.InvariantCulture)];
            Random.Shared.NextBytes(payload);
            var producers = int.Parse(fields[3], CultureInfo.InvariantCulture);
            var messages = int.Parse(fields[4], CultureInfo.InvariantCulture);
            var r = await AdapterRuns.MeterAsync(transport, new ChannelDefinition(fields[1]), payload, producers, messages, HostCpu);
            Console.WriteLine(string.Join('|', new[] { r.Produce, r.Consume, r.ProduceClientCpu, r.ProduceServerCpu, r.ConsumeClientCpu, r.ConsumeServerCpu }
                .Select(v => v.ToString("R", CultureInfo.InvariantCulture)).Prepend(Rates.TrimEnd('|'))));
        }
        return 0;
    }

    // Lines other than the awaited reply (none are expected) are skipped; the end of the output means the client died.
    private async Task<string> ReadReplyAsync(string prefix)
    {
        while (await _process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(5)) is { } line)
        {
            if (line.StartsWith(prefix, StringComparison.Ordinal))
                return line[prefix.Length..];
        }
        throw new InvalidOperationException($"The client process exited (code {(_process.WaitForExit(30_000) ? _process.ExitCode : -1)}) before it answered.");
    }

    /// <summary>Tells the client to quit (it leaves the directory as an application does) and waits for it.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _process.StandardInput.WriteLineAsync("QUIT");
            await _process.StandardInput.FlushAsync();
        }
        catch (IOException)
        {
            // Already gone.
        }
        if (!_process.WaitForExit(30_000))
            _process.Kill();
        _process.Dispose();
    }
}
