using Broker.Server.Tests.Infrastructure;
using Broker.Transport;

namespace Broker.Server.Tests.Cli;

/// <summary>The <c>broker-server</c> executable: its settings, its refusals, and a clean stop on SIGTERM.</summary>
public sealed class ServerExecutableTests
{
    private static readonly ChannelDefinition Jobs = new("jobs/render");

    [Fact]
    public async Task NonLoopbackListenWithoutCredentialsIsRefusedAtStart()
    {
        using var data = new TempDirectory();
        await using var server = ChildProcess.Start("Broker.Server.dll", ["--data", data.Path, "--listen", "0.0.0.0:8811"]);

        Assert.Equal(2, await server.WaitForExitAsync());
        Assert.Contains("loopback", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownSettingIsRefusedWithUsage()
    {
        using var data = new TempDirectory();
        await using var server = ChildProcess.Start("Broker.Server.dll", ["--data", data.Path, "--listne", "127.0.0.1:1"]);

        Assert.Equal(2, await server.WaitForExitAsync());
        Assert.Contains("Unknown setting --listne", server.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--token", "")]
    [InlineData("--token", " ")]
    [InlineData("--user", "")]
    public async Task EmptyCredentialIsRefusedAtStartNamingTheSetting(string name, string value)
    {
        using var data = new TempDirectory();
        string[] extra = name == "--user" ? ["--password", "p"] : [];
        await using var server = ChildProcess.Start("Broker.Server.dll", ["--data", data.Path, "--listen", $"127.0.0.1:{FreePorts.Next()}", name, value, .. extra]);

        Assert.Equal(2, await server.WaitForExitAsync());
        Assert.Contains(name + " is empty", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("listening", server.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BROKER_TOKEN", "")]
    [InlineData("BROKER_TOKEN", "  ")]
    [InlineData("BROKER_USER", "")]
    [InlineData("BROKER_PASSWORD", "")]
    [InlineData("BROKER_PASSWORD_HASH", "")]
    public async Task EmptyCredentialInTheEnvironmentIsRefusedAtStartNamingTheVariable(string variable, string value)
    {
        using var data = new TempDirectory();
        await using var server = ChildProcess.Start("Broker.Server.dll", ["--data", data.Path, "--listen", $"127.0.0.1:{FreePorts.Next()}"], new Dictionary<string, string>
        {
            [variable] = value,
        });

        Assert.Equal(2, await server.WaitForExitAsync());
        Assert.Contains(variable + " is empty", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("listening", server.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--max-message-bytes", "2GiB")]
    [InlineData("--max-message-bytes", "300MiB")]
    [InlineData("--max-frame-bytes", "3GiB")]
    public async Task ByteLimitsBeyondWhatTheServerCanHoldAreRefusedAtStartNamingTheSetting(string name, string value)
    {
        using var data = new TempDirectory();
        await using var server = ChildProcess.Start("Broker.Server.dll", ["--data", data.Path, "--listen", $"127.0.0.1:{FreePorts.Next()}", name, value, "--max-outbound-bytes", "4GiB", "--max-in-flight-bytes", "4GiB"]);

        Assert.Equal(2, await server.WaitForExitAsync());
        Assert.Contains(name + " ", server.Output, StringComparison.Ordinal);
        Assert.Contains("at most", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("listening", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HelpListsEverySwitchApartFromItsDescription()
    {
        await using var help = ChildProcess.Start("Broker.Server.dll", ["--help"]);

        Assert.Equal(0, await help.WaitForExitAsync());
        Assert.Contains("--accept-data-loss  ", help.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SettingsComeFromEnvironmentVariables()
    {
        using var data = new TempDirectory();
        var port = FreePorts.Next();
        await using var server = ChildProcess.Start("Broker.Server.dll", [], new Dictionary<string, string>
        {
            ["BROKER_DATA"] = data.Path,
            ["BROKER_LISTEN"] = $"127.0.0.1:{port}",
            ["BROKER_TOKEN"] = "from-the-environment",
        });
        await server.WaitForLineAsync("Broker server listening on");
        await using var transport = TestServer.CreateTransport($"127.0.0.1:{port}", o => o.Token = "from-the-environment");

        Assert.True((await transport.ProduceAsync(Payloads.Message(Jobs, "configured"), CancellationToken.None)).IsEnqueued);
        Assert.Contains("authentication required", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SettingsComeFromAJsonFileAndTheCommandLineWinsOverIt()
    {
        using var data = new TempDirectory();
        var filePort = FreePorts.Next();
        var port = FreePorts.Next();
        var config = Path.Combine(data.Path, "broker.json");
        await File.WriteAllTextAsync(config, $$"""
            { "Data": "{{Path.Combine(data.Path, "log").Replace("\\", "\\\\", StringComparison.Ordinal)}}", "Listen": "127.0.0.1:{{filePort}}", "Token": "from-the-file" }
            """);
        await using var server = ChildProcess.Start("Broker.Server.dll", ["--config", config, "--listen", $"127.0.0.1:{port}"]);
        await server.WaitForLineAsync("Broker server listening on");
        await using var transport = TestServer.CreateTransport($"127.0.0.1:{port}", o => o.Token = "from-the-file");

        Assert.True((await transport.ProduceAsync(Payloads.Message(Jobs, "configured"), CancellationToken.None)).IsEnqueued);
        Assert.True(Directory.Exists(Path.Combine(data.Path, "log")), "The data directory named in the file was not used.");
        Assert.Contains($"127.0.0.1:{port}", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain($"127.0.0.1:{filePort}", server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SigtermStopsTheServerCleanlyAndReleasesTheDataDirectory()
    {
        using var data = new TempDirectory();
        await using var server = await ServerProcess.StartAsync(data.Path);
        ProduceResult produced;
        await using (var transport = TestServer.CreateTransport(server.Address))
            produced = await transport.ProduceAsync(Payloads.Message(Jobs, "before the stop"), CancellationToken.None);

        var exitCode = await server.TerminateAsync();
        await server.StartAsync();
        await using var again = TestServer.CreateTransport(server.Address);
        await using var subscription = await again.SubscribeAsync(Jobs, new SubscriptionSettings(1, TimeSpan.FromSeconds(30)), CancellationToken.None);
        var delivery = await subscription.NextAsync();

        Assert.Equal(0, exitCode);
        Assert.Equal((produced.MessageId, "before the stop"), (delivery.Id, delivery.Text()));
    }

    [Fact]
    public async Task SecondServerOnTheSameDataDirectoryRefusesToStart()
    {
        using var data = new TempDirectory();
        await using var first = await ServerProcess.StartAsync(data.Path);

        await using var second = ChildProcess.Start("Broker.Server.dll", ["--data", data.Path, "--listen", $"127.0.0.1:{FreePorts.Next()}"]);

        Assert.Equal(1, await second.WaitForExitAsync());
        Assert.Contains("failed", second.Output, StringComparison.Ordinal);
        await using var transport = TestServer.CreateTransport(first.Address);
        Assert.True((await transport.ProduceAsync(Payloads.Message(Jobs, "first still serves"), CancellationToken.None)).IsEnqueued);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t")]
    public async Task HashPasswordRefusesAnEmptyOrBlankPassword(string password)
    {
        await using var tool = ChildProcess.Start("Broker.Server.dll", ["hash-password"]);
        await tool.WriteLineAsync(password);

        Assert.Equal(2, await tool.WaitForExitAsync());
        Assert.Contains("empty", tool.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("pbkdf2", tool.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HashPasswordPrintsAValueTheServerAccepts()
    {
        await using var tool = ChildProcess.Start("Broker.Server.dll", ["hash-password"]);
        await tool.WriteLineAsync("correct horse");
        var hash = await tool.WaitForLineAsync("pbkdf2-sha256$");
        Assert.Equal(0, await tool.WaitForExitAsync());
        using var data = new TempDirectory();

        await using var server = await ServerProcess.StartAsync(data.Path, "--user", "app", "--password-hash", hash.Trim());
        await using var transport = TestServer.CreateTransport(server.Address, o =>
        {
            o.User = "app";
            o.Password = "correct horse";
        });

        Assert.True((await transport.ProduceAsync(Payloads.Message(Jobs, "authenticated"), CancellationToken.None)).IsEnqueued);
    }
}
