using Broker.Cli.Tests.Infrastructure;

namespace Broker.Cli.Tests;

/// <summary>
/// The command line against a real broker-server process that requires credentials: each command's output and exit
/// code, credentials from the environment, and the cannot-connect code with a message that names the address.
/// </summary>
public sealed class ServerTests
{
    private const string Token = "s3cret-token";

    private static Dictionary<string, string> Environment(ServerProcess server, string token = Token) =>
        new() { ["BROKER_SERVER"] = server.Address, ["BROKER_TOKEN"] = token };

    [Fact]
    public async Task ChannelsAndStatsWorkWithTheTokenFromTheEnvironment()
    {
        await using var server = await ServerProcess.StartAsync("--token", Token);
        await using (var broker = TestBroker.Server(server.Address, Token))
        {
            await broker.ProduceOrdersAsync(4);
            await broker.DeadLetterPaymentsAsync(1, number => $"card {number} declined");
        }

        var channels = (await BrokerCli.RunAsync(["channels", "--interval", "300ms", "--json"], Environment(server))).Exits(0).Json();
        var table = (await BrokerCli.RunAsync(["channels", "--interval", "0"], Environment(server))).Exits(0);
        var stats = (await BrokerCli.RunAsync(["stats", "--interval", "200ms", "--json"], Environment(server))).Exits(0).Json();
        var statsText = (await BrokerCli.RunAsync(["stats", "--interval", "0"], Environment(server))).Exits(0);

        var byName = channels.GetProperty("channels").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!);
        Assert.Equal(4, byName["cli/orders"].GetProperty("ready").GetInt64());
        Assert.Equal(1, byName["cli/payments"].GetProperty("deadLetters").GetInt64());
        Assert.Contains(server.Address, channels.GetProperty("target").GetString(), StringComparison.Ordinal);
        Assert.Contains("cli/orders", table.Output, StringComparison.Ordinal);
        Assert.Equal("server", stats.GetProperty("kind").GetString());
        Assert.StartsWith("broker-server", stats.GetProperty("version").GetString(), StringComparison.Ordinal);
        Assert.True(stats.GetProperty("connections").GetInt32() >= 1, stats.ToString());
        Assert.Equal(2, stats.GetProperty("channels").GetInt32());
        Assert.Equal(0.2, stats.GetProperty("intervalSeconds").GetDouble(), 1);
        Assert.Contains("connections", statsText.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongOrMissingTokenGivesTheCannotConnectCodeNamingTheAddress()
    {
        await using var server = await ServerProcess.StartAsync("--token", Token);

        var wrong = (await BrokerCli.RunAsync(["channels", "--interval", "0"], Environment(server, "not-the-token"))).Exits(5);
        var missing = (await BrokerCli.RunAsync("channels", "--interval", "0", "--server", server.Address)).Exits(5);

        Assert.Contains(server.Address, wrong.Error, StringComparison.Ordinal);
        Assert.Contains(server.Address, missing.Error, StringComparison.Ordinal);
        Assert.Empty(wrong.Output);
    }

    [Fact]
    public async Task AWrongPasswordGivesTheCannotConnectCodeAndTheRightOneWorks()
    {
        await using var server = await ServerProcess.StartAsync("--user", "ops", "--password", "right-password");
        var environment = new Dictionary<string, string> { ["BROKER_SERVER"] = server.Address, ["BROKER_USER"] = "ops" };

        var wrong = (await BrokerCli.RunAsync(["channels", "--interval", "0"], new Dictionary<string, string>(environment) { ["BROKER_PASSWORD"] = "wrong-password" })).Exits(5);
        var right = (await BrokerCli.RunAsync(["channels", "--interval", "0", "--json"], new Dictionary<string, string>(environment) { ["BROKER_PASSWORD"] = "right-password" })).Exits(0);

        Assert.Contains(server.Address, wrong.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password", wrong.Error, StringComparison.Ordinal);
        Assert.Equal(0, right.Json().GetProperty("channels").GetArrayLength());
    }

    [Fact]
    public async Task AnUnreachableServerGivesTheCannotConnectCodeNamingTheAddress()
    {
        var address = $"127.0.0.1:{ServerProcess.FreePort()}";

        var run = (await BrokerCli.RunAsync("stats", "--server", address, "--timeout", "3s")).Exits(5);

        Assert.Contains(address, run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    [Fact]
    public async Task RedriveThenAConsumerReceivesTheMessages()
    {
        await using var server = await ServerProcess.StartAsync("--token", Token);
        await using var broker = TestBroker.Server(server.Address, Token);
        await broker.DeadLetterPaymentsAsync(3, number => number == 2 ? "gateway timeout" : "card declined");

        var redrive = (await BrokerCli.RunAsync(["dead-letters", "redrive", "cli/payments", "--error-contains", "timeout", "--yes"], Environment(server))).Exits(0);
        var list = (await BrokerCli.RunAsync(["dead-letters", "list", "cli/payments", "--json"], Environment(server))).Exits(0).Json();

        Assert.Contains("Re-drove 1 dead letter of 'cli/payments'", redrive.Output, StringComparison.Ordinal);
        Assert.Equal(2, list.GetProperty("deadLetters").GetArrayLength());
        var received = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (await broker.Payments.ConsumeAsync((message, _) =>
        {
            received.TrySetResult(message.Data.Number);
            return ValueTask.CompletedTask;
        }))
        {
            Assert.Equal(2, await received.Task.WaitAsync(Waits.Generous));
        }
    }

    [Fact]
    public async Task DeadLetterCommandsAndAnUnknownChannelOverTheServer()
    {
        await using var server = await ServerProcess.StartAsync("--token", Token);
        await using (var broker = TestBroker.Server(server.Address, Token))
            await broker.DeadLetterPaymentsAsync(2, number => $"card {number} declined");
        var list = (await BrokerCli.RunAsync(["dead-letters", "list", "cli/payments", "--json"], Environment(server))).Exits(0).Json();
        var id = list.GetProperty("deadLetters")[0].GetProperty("id").GetInt64();

        var show = (await BrokerCli.RunAsync(["dead-letters", "show", "cli/payments", id.ToString(), "--json"], Environment(server))).Exits(0).Json();
        var refused = (await BrokerCli.RunAsync(["dead-letters", "delete", "cli/payments", id.ToString()], Environment(server))).Exits(6);
        var delete = (await BrokerCli.RunAsync(["dead-letters", "delete", "cli/payments", id.ToString(), "--yes", "--json"], Environment(server))).Exits(0).Json();
        var again = (await BrokerCli.RunAsync(["dead-letters", "show", "cli/payments", id.ToString()], Environment(server))).Exits(3);
        var unknown = (await BrokerCli.RunAsync(["peek", "no/such/channel"], Environment(server))).Exits(3);

        Assert.Equal(1, show.GetProperty("payload").GetProperty("Number").GetInt32());
        Assert.Contains("--yes", refused.Error, StringComparison.Ordinal);
        Assert.Equal(1, delete.GetProperty("done").GetInt64());
        Assert.Contains(id.ToString(), again.Error, StringComparison.Ordinal);
        Assert.Contains("no/such/channel", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TlsWithThePrivateCertificateTrustedWorksAndWithoutItIsRefused()
    {
        using var files = new TempDirectory();
        var certificate = SelfSignedCertificate.Write(files.Path);
        await using var server = await ServerProcess.StartAsync("--token", Token, "--tls-certificate", certificate.CertificatePath, "--tls-key", certificate.KeyPath);

        var trusted = (await BrokerCli.RunAsync(["channels", "--interval", "0", "--json", "--tls-ca", certificate.CertificatePath, "--tls-host", "localhost"], Environment(server))).Exits(0);
        var untrusted = (await BrokerCli.RunAsync(["channels", "--interval", "0", "--tls", "--tls-host", "localhost"], Environment(server))).Exits(5);
        var plain = (await BrokerCli.RunAsync(["channels", "--interval", "0", "--timeout", "3s"], Environment(server))).Exits(5);

        Assert.Equal(0, trusted.Json().GetProperty("channels").GetArrayLength());
        Assert.Contains(server.Address, untrusted.Error, StringComparison.Ordinal);
        Assert.Contains(server.Address, plain.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PurgeOverTheServerRemovesReadyAndDelayedMessages()
    {
        await using var server = await ServerProcess.StartAsync("--token", Token);
        await using (var broker = TestBroker.Server(server.Address, Token))
        {
            await broker.ProduceOrdersAsync(3);
            await broker.Orders.ProduceAsync(new Order(4, "later", []), new ProduceOptions { Delay = TimeSpan.FromHours(1) });
        }

        var refused = (await BrokerCli.RunAsync(["purge", "cli/orders"], Environment(server))).Exits(6);
        var purge = (await BrokerCli.RunAsync(["purge", "cli/orders", "--yes", "--json"], Environment(server))).Exits(0).Json();
        var after = (await BrokerCli.RunAsync(["channels", "--interval", "0", "--json"], Environment(server))).Exits(0).Json();

        Assert.Contains("--yes", refused.Error, StringComparison.Ordinal);
        Assert.Equal(4, purge.GetProperty("removed").GetInt64());
        // A channel left with nothing (no messages, dead letters or workers) is forgotten by the broker.
        Assert.DoesNotContain(after.GetProperty("channels").EnumerateArray(), c => c.GetProperty("name").GetString() == "cli/orders" && c.GetProperty("ready").GetInt64() + c.GetProperty("delayed").GetInt64() > 0);
    }
}
