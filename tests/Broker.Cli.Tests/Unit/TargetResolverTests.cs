using Broker.Cli.Connecting;
using Broker.Cli.Settings;

namespace Broker.Cli.Tests.Unit;

public sealed class TargetResolverTests
{
    private static Target Resolve(BrokerSettings settings, Dictionary<string, string>? environment = null) =>
        TargetResolver.Resolve(settings, name => environment is not null && environment.TryGetValue(name, out var value) ? value : null);

    private static CliException Refused(BrokerSettings settings, Dictionary<string, string>? environment = null)
    {
        var refused = Assert.Throws<CliException>(() => Resolve(settings, environment));
        Assert.Equal(ExitCodes.Usage, refused.ExitCode);
        return refused;
    }

    [Fact]
    public void ServerAndTokenComeFromTheCommandLine()
    {
        var target = Assert.IsType<ServerTarget>(Resolve(new BrokerSettings { Server = "10.0.0.5:9000", Token = "t" }));

        Assert.Equal("10.0.0.5:9000", target.Address);
        Assert.Equal("t", target.Options.Token);
        Assert.Null(target.Options.Tls);
        Assert.Equal(TargetResolver.DefaultTimeout, target.Options.ConnectTimeout);
    }

    [Fact]
    public void ServerAndCredentialsComeFromTheEnvironmentWhenNotGiven()
    {
        var environment = new Dictionary<string, string> { ["BROKER_SERVER"] = "broker:8811", ["BROKER_USER"] = "ops", ["BROKER_PASSWORD"] = "pw" };

        var target = Assert.IsType<ServerTarget>(Resolve(new BrokerSettings(), environment));

        Assert.Equal("broker:8811", target.Address);
        Assert.Equal("ops", target.Options.User);
        Assert.Equal("pw", target.Options.Password);
    }

    [Fact]
    public void TheCommandLineWinsOverTheEnvironment()
    {
        var environment = new Dictionary<string, string> { ["BROKER_SERVER"] = "broker:8811", ["BROKER_TOKEN"] = "from-env" };

        var server = Assert.IsType<ServerTarget>(Resolve(new BrokerSettings { Server = "other:1", Token = "typed" }, environment));
        var data = Assert.IsType<DataDirectoryTarget>(Resolve(new BrokerSettings { Data = "some/dir" }, new() { ["BROKER_SERVER"] = "broker:8811" }));

        Assert.Equal("other:1", server.Address);
        Assert.Equal("typed", server.Options.Token);
        Assert.Equal(Path.GetFullPath("some/dir"), data.Directory);
    }

    [Fact]
    public void NoBrokerOrTwoBrokersAreUsageErrors()
    {
        Assert.Contains("--server", Refused(new BrokerSettings()).Message, StringComparison.Ordinal);
        Refused(new BrokerSettings { Server = "a:1", Data = "d" });
        Refused(new BrokerSettings(), new() { ["BROKER_SERVER"] = "a:1", ["BROKER_DATA"] = "d" });
    }

    [Fact]
    public void CredentialsThatContradictEachOtherAreUsageErrors()
    {
        Refused(new BrokerSettings { Server = "a:1", Token = "t", User = "u", Password = "p" });
        Refused(new BrokerSettings { Server = "a:1", User = "u" });
        Refused(new BrokerSettings { Server = "a:1", Password = "p" });
        // A token exported and a user typed is still two kinds of credentials.
        Refused(new BrokerSettings { Server = "a:1", User = "u", Password = "p" }, new() { ["BROKER_TOKEN"] = "t" });
        Assert.Contains("--server", Refused(new BrokerSettings { Data = "d", Token = "t" }).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyValuesAreRefusedNamingWhereTheyCameFrom()
    {
        Assert.Contains("--token", Refused(new BrokerSettings { Server = "a:1", Token = " " }).Message, StringComparison.Ordinal);
        Assert.Contains("BROKER_TOKEN", Refused(new BrokerSettings { Server = "a:1" }, new() { ["BROKER_TOKEN"] = "" }).Message, StringComparison.Ordinal);
        Assert.Contains("BROKER_SERVER", Refused(new BrokerSettings(), new() { ["BROKER_SERVER"] = "  " }).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TlsOptionsSetTheExpectedNameAndTrust()
    {
        var system = Assert.IsType<ServerTarget>(Resolve(new BrokerSettings { Server = "broker.internal:8811", Tls = true }));
        var named = Assert.IsType<ServerTarget>(Resolve(new BrokerSettings { Server = "10.1.2.3:8811", TlsHost = "broker.internal" }));
        var ipv6 = Assert.IsType<ServerTarget>(Resolve(new BrokerSettings { Server = "[::1]:8811", Tls = true }));

        Assert.Equal("broker.internal", system.Options.Tls!.TargetHost);
        Assert.Null(system.Options.Tls.RemoteCertificateValidationCallback);
        Assert.Equal("broker.internal", named.Options.Tls!.TargetHost);
        Assert.Equal("::1", ipv6.Options.Tls!.TargetHost);
    }

    [Fact]
    public void AMissingOrInvalidCertificateFileIsAUsageError()
    {
        using var directory = new Infrastructure.TempDirectory();
        var notACertificate = Path.Combine(directory.Path, "junk.pem");
        File.WriteAllText(notACertificate, "not a certificate");

        Assert.Contains("no file", Refused(new BrokerSettings { Server = "a:1", TlsCa = Path.Combine(directory.Path, "missing.pem") }).Message, StringComparison.Ordinal);
        Assert.Contains("not a certificate", Refused(new BrokerSettings { Server = "a:1", TlsCa = notACertificate }).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TimeoutSetsConnectAndRequestTimes()
    {
        var target = Assert.IsType<ServerTarget>(Resolve(new BrokerSettings { Server = "a:1", Timeout = "2.5s" }));
        var data = Assert.IsType<DataDirectoryTarget>(Resolve(new BrokerSettings { Data = "d", Timeout = "1m" }));

        Assert.Equal(TimeSpan.FromSeconds(2.5), target.Options.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2.5), target.Options.RequestTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), data.Timeout);
        Refused(new BrokerSettings { Server = "a:1", Timeout = "0" });
    }
}
