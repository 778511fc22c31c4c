using Broker.Server.Configuration;
using Broker.Server.Dashboard;
using Microsoft.Extensions.Configuration;

namespace Broker.Dashboard.Tests;

/// <summary>broker-server's <c>--http</c> setting: its three names, its default, and what it refuses.</summary>
public sealed class HttpSettingTests
{
    [Fact]
    public void ItIsOffByDefaultAndOffWhenEmptyBlankOrOffFromEverySource()
    {
        Assert.Null(Options().Http);
        foreach (var value in new[] { "", "  ", "off", "OFF" })
        {
            Assert.Null(Options("--http", value).Http);
            Assert.Null(BrokerServerOptions.Load(SettingSources.Build(CommandLine.Parse(["--data", "/d"]), name => name == "BROKER_HTTP" ? value : null)).Http);
        }
    }

    [Theory]
    [InlineData("127.0.0.1:9000", "127.0.0.1", 9000)]
    [InlineData("127.0.0.1", "127.0.0.1", BrokerServerOptions.DefaultHttpPort)]
    [InlineData("[::1]:9000", "::1", 9000)]
    public void AnAddressAndPortParseFromTheCommandLineTheEnvironmentAndAFile(string value, string address, int port)
    {
        var fromLine = Options("--http", value).Http!;
        var fromEnvironment = BrokerServerOptions.Load(SettingSources.Build(CommandLine.Parse(["--data", "/d"]), name => name == "BROKER_HTTP" ? value : null)).Http!;
        var fromFile = BrokerServerOptions.Load(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Data"] = "/d", ["Http"] = value }).Build()).Http!;

        foreach (var endpoint in new[] { fromLine, fromEnvironment, fromFile })
        {
            Assert.Equal(address, endpoint.Address.ToString());
            Assert.Equal(port, endpoint.Port);
        }
        Assert.Equal("BROKER_HTTP", ServerSetting.Http.Environment);
        Assert.Contains(ServerSetting.Http, ServerSetting.All);
    }

    [Theory]
    [InlineData(":8812")]
    [InlineData("8812")]
    [InlineData("http://127.0.0.1:8812")]
    public void AnAddressNotWrittenInFullIsRefusedNamingTheSetting(string value)
    {
        var error = Assert.Throws<FormatException>(() => Options("--http", value));
        Assert.Contains("--http", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ItMustNotTakeAnotherListenersPortNorLeaveLoopbackWithoutCredentials()
    {
        Assert.Contains("must not take the port of --listen", Options("--listen", "127.0.0.1:9000", "--http", "127.0.0.1:9000").Validate(), StringComparison.Ordinal);
        Assert.Contains("must not take the port of --metrics", Options("--metrics", "127.0.0.1:9001", "--http", "0.0.0.0:9001", "--token", "t").Validate(), StringComparison.Ordinal);
        Assert.Contains("Refusing to serve the dashboard on 0.0.0.0:9002", Options("--http", "0.0.0.0:9002").Validate(), StringComparison.Ordinal);
        Assert.Null(Options("--http", "0.0.0.0:9002", "--token", "t").Validate());
        Assert.Null(Options("--http", "127.0.0.1:0").Validate());
    }

    [Theory]
    [InlineData("Basic b3BzOnMzY3JldA==", "ops", "s3cret")]
    [InlineData("basic b3BzOnM6Yw==", "ops", "s:c")]
    [InlineData("Basic OnRva2Vu", "", "token")]
    public void BasicCredentialsParse(string header, string user, string password) =>
        Assert.Equal((user, password), BasicAuthentication.Parse(header));

    [Theory]
    [InlineData("")]
    [InlineData("Bearer abc")]
    [InlineData("Basic")]
    [InlineData("Basic !!!")]
    [InlineData("Basic bm9jb2xvbg==")]
    [InlineData("Basic //79")]
    public void MalformedBasicCredentialsAreNone(string header) =>
        Assert.Null(BasicAuthentication.Parse(header));

    [Fact]
    public void AHugeBasicHeaderIsNoneWithoutDecodingIt() =>
        Assert.Null(BasicAuthentication.Parse("Basic " + new string('A', 64 * 1024)));

    private static BrokerServerOptions Options(params string[] arguments)
    {
        var line = CommandLine.Parse(["--data", "/var/lib/broker", .. arguments]);
        return BrokerServerOptions.Load(new ConfigurationBuilder().AddInMemoryCollection(line.Settings.Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value))).Build());
    }
}
