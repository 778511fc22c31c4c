using System.Globalization;
using System.Text;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Broker.Nats.Tests.Infrastructure;

/// <summary>
/// Three nats-server processes on loopback forming one JetStream cluster, each with its own ports and store. Nodes can
/// be killed with SIGKILL (by process id) and started again.
/// </summary>
public sealed class NatsClusterFixture : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "broker-nats-cluster-" + Guid.NewGuid().ToString("N"));
    private readonly List<NatsServerProcess> _nodes = [];

    public IReadOnlyList<NatsServerProcess> Nodes => _nodes;

    /// <summary>Every node's client URL, comma-separated, as a client's seed list.</summary>
    public string Urls => string.Join(',', _nodes.Select(n => n.Url));

    public async Task InitializeAsync()
    {
        if (NatsServerBinary.SkipReason is not null) return;
        var clientPorts = Enumerable.Range(0, 3).Select(_ => FreePorts.Next()).ToArray();
        var routePorts = Enumerable.Range(0, 3).Select(_ => FreePorts.Next()).ToArray();
        var routes = string.Join(", ", routePorts.Select(p => $"nats-route://127.0.0.1:{p}"));
        for (var i = 0; i < 3; i++)
        {
            var name = "n" + (i + 1).ToString(CultureInfo.InvariantCulture);
            var store = Path.Combine(_directory, name);
            Directory.CreateDirectory(store);
            var config = Path.Combine(_directory, name + ".conf");
            await File.WriteAllTextAsync(config, $$"""
                server_name: {{name}}
                listen: 127.0.0.1:{{clientPorts[i]}}
                jetstream {
                  store_dir: "{{store}}"
                }
                cluster {
                  name: broker-test
                  listen: 127.0.0.1:{{routePorts[i]}}
                  routes: [{{routes}}]
                }
                """, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
            _nodes.Add(NatsServerProcess.FromConfig(name, clientPorts[i], store, config));
        }
        try
        {
            await Task.WhenAll(_nodes.Select(n => n.StartAsync()));
            await WaitForJetStreamAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until the cluster has elected its JetStream meta leader and answers API requests.</summary>
    public async Task WaitForJetStreamAsync()
    {
        await using var connection = new NatsConnection(new NatsOpts { Url = Urls });
        var js = new NatsJSContext(connection);
        await Waits.UntilAsync(async () =>
        {
            try
            {
                await js.GetAccountInfoAsync();
                return true;
            }
            catch (Exception ex) when (ex is NatsException or TimeoutException)
            {
                return false;
            }
        }, "the JetStream cluster to elect a meta leader", TimeSpan.FromSeconds(60));
    }

    public NatsServerProcess Node(string name) => _nodes.Single(n => n.Name == name);

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
            await node.DisposeAsync();
        try
        {
            if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
