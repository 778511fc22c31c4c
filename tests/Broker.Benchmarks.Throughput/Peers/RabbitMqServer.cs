using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Broker.Benchmarks.Throughput.Peers;

/// <summary>
/// Debian's RabbitMQ 3.10 as a process of the harness: a node of its own name on free loopback ports, its data, logs,
/// configuration and Erlang cookie under the harness root, and an epmd of its own (the node registers there instead of
/// with a machine-wide epmd, which would outlive the harness). Stopped by killing both process trees.
/// </summary>
internal sealed class RabbitMqServer : IDisposable
{
    /// <summary>The start script without Debian's wrapper, which would switch to the rabbitmq user and its /var/lib home.</summary>
    private const string Script = "/usr/lib/rabbitmq/bin/rabbitmq-server";

    private readonly Process _epmd;
    private readonly Process _server;
    private readonly PosixSignalRegistration[] _signals;
    private int _stopped;

    private RabbitMqServer(Process epmd, Process server, int port, int otherNodes)
    {
        _epmd = epmd;
        _server = server;
        Port = port;
        OtherNodes = otherNodes;
        // The node must not outlive the harness. .NET runs no ProcessExit on Ctrl-C or SIGTERM: these handlers stop
        // the node, and the signal then ends the harness as usual. ProcessExit covers Environment.Exit.
        _signals = [.. new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGQUIT, PosixSignal.SIGHUP }
            .Select(signal => PosixSignalRegistration.Create(signal, _ => Stop()))];
        AppDomain.CurrentDomain.ProcessExit += OnProcessExit;
    }

    /// <summary>The AMQP port on 127.0.0.1 (user guest, password guest, virtual host /).</summary>
    public int Port { get; }

    /// <summary>
    /// Erlang VMs that were running on this machine before this node started (the package's own service, say): they
    /// compete for the CPU, which the table says.
    /// </summary>
    public int OtherNodes { get; }

    /// <summary>Whether Debian's rabbitmq-server package is installed.</summary>
    public static bool Installed => File.Exists(Script);

    private static int ErlangVms() =>
        Directory.EnumerateDirectories("/proc").Count(d =>
        {
            try
            {
                return int.TryParse(Path.GetFileName(d), CultureInfo.InvariantCulture, out _)
                    && File.ReadAllText(Path.Combine(d, "cmdline")).Contains("beam.smp", StringComparison.Ordinal);
            }
            catch (IOException) { return false; }
            catch (UnauthorizedAccessException) { return false; }
        });

    /// <summary>Starts a node under <c>root/rabbitmq</c> (emptied first) and returns once it accepts an AMQP connection.</summary>
    public static async Task<RabbitMqServer> StartAsync(string root)
    {
        var otherNodes = ErlangVms();
        var home = Path.Combine(root, "rabbitmq");
        if (Directory.Exists(home)) Directory.Delete(home, recursive: true);
        foreach (var directory in new[] { "mnesia", "log", "home" })
            Directory.CreateDirectory(Path.Combine(home, directory));
        var (amqp, distribution, epmdPort) = (ServerProcesses.FreePort(), ServerProcesses.FreePort(), ServerProcesses.FreePort());
        File.WriteAllText(Path.Combine(home, "rabbitmq.conf"), string.Join('\n',
            $"listeners.tcp.default = 127.0.0.1:{amqp}",
            // The disk alarm would block publishers on a nearly full disk; the harness measures throughput, not that.
            "disk_free_limit.absolute = 100MB",
            "log.console = false",
            "log.file.level = warning",
            ""));
        File.WriteAllText(Path.Combine(home, "enabled_plugins"), "[].");
        // Read instead of /etc/rabbitmq/rabbitmq-env.conf, so the machine's settings do not leak in.
        File.WriteAllText(Path.Combine(home, "rabbitmq-env.conf"), "");

        var epmd = ServerProcesses.StartListening(
            new ProcessStartInfo("epmd", $"-port {epmdPort} -address 127.0.0.1"), epmdPort, "epmd");
        Process? server = null;
        RabbitMqServer? started = null;
        try
        {
            var info = new ProcessStartInfo(Script);
            var environment = info.Environment;
            environment["HOME"] = Path.Combine(home, "home");
            environment["ERL_EPMD_PORT"] = epmdPort.ToString(CultureInfo.InvariantCulture);
            environment["RABBITMQ_NODENAME"] = $"broker-bench-{amqp}@localhost";
            environment["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1";
            environment["RABBITMQ_NODE_PORT"] = amqp.ToString(CultureInfo.InvariantCulture);
            environment["RABBITMQ_DIST_PORT"] = distribution.ToString(CultureInfo.InvariantCulture);
            environment["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(home, "rabbitmq-env.conf");
            environment["RABBITMQ_CONFIG_FILE"] = Path.Combine(home, "rabbitmq.conf");
            environment["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(home, "enabled_plugins");
            environment["RABBITMQ_MNESIA_BASE"] = Path.Combine(home, "mnesia");
            environment["RABBITMQ_LOG_BASE"] = Path.Combine(home, "log");
            server = ServerProcesses.StartListening(info, amqp, "rabbitmq-server");
            started = new RabbitMqServer(epmd, server, amqp, otherNodes);
            await started.WaitUntilReadyAsync();
            return started;
        }
        catch
        {
            if (started is not null)
            {
                started.Dispose();
            }
            else
            {
                Kill(server);
                Kill(epmd);
            }
            throw;
        }
    }

    /// <summary>A connection of RabbitMQ.Client, for what MassTransit does not do (deleting a round's queue).</summary>
    public Task<IConnection> ConnectAsync() =>
        new ConnectionFactory { HostName = "127.0.0.1", Port = Port, ClientProvidedName = "broker-bench admin" }.CreateConnectionAsync();

    // The listener opens at the end of the boot, but a connection that completes its handshake is the proof.
    private async Task WaitUntilReadyAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await using var connection = await ConnectAsync();
                return;
            }
            catch (BrokerUnreachableException) when (deadline.Elapsed < TimeSpan.FromSeconds(60) && !_server.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    private void OnProcessExit(object? sender, EventArgs e) => Stop();

    public void Dispose()
    {
        Stop();
        AppDomain.CurrentDomain.ProcessExit -= OnProcessExit;
        foreach (var signal in _signals)
            signal.Dispose();
    }

    private void Stop()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        // The script's shell, beam.smp and its port programs (erl_child_setup, inet_gethost): the whole tree.
        Kill(_server);
        Kill(_epmd);
    }

    private static void Kill(Process? process)
    {
        if (process is null) return;
        process.Kill(entireProcessTree: true);
        process.WaitForExit();
        process.Dispose();
    }
}
