using System.Net;
using Broker.Client;
using Broker.Server.Configuration;
using Microsoft.Extensions.Configuration;

namespace Broker.Server.Tests.Unit;

public sealed class SettingsTests
{
    [Theory]
    [InlineData("127.0.0.1:8811", "127.0.0.1", 8811)]
    [InlineData("localhost", "127.0.0.1", 8811)]
    [InlineData("[::1]:9000", "::1", 9000)]
    [InlineData("0.0.0.0:1", "0.0.0.0", 1)]
    [InlineData(":8812", "127.0.0.1", 8812)]
    public void ListenAddressesParse(string text, string address, int port)
    {
        var endpoint = ListenEndpoint.Parse(text);

        Assert.Equal((IPAddress.Parse(address), port), (endpoint.Address, endpoint.Port));
    }

    [Theory]
    [InlineData("example.com:8811", "host names are not resolved")]
    [InlineData("::1:8811", "[::1:8811]:port")]
    [InlineData("127.0.0.1:70000", "0 to 65535")]
    [InlineData("http://127.0.0.1:8811", "without a scheme or path: write 127.0.0.1:8811.")]
    public void BadListenAddressesAreExplained(string text, string explanation)
    {
        var error = Assert.Throws<FormatException>(() => ListenEndpoint.Parse(text));

        Assert.Contains(explanation, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:8811", "127.0.0.1", 8811)]
    [InlineData("broker.internal", "broker.internal", 8811)]
    [InlineData("[::1]:9000", "::1", 9000)]
    public void ClientAddressesParse(string text, string host, int port)
    {
        var address = ServerAddress.Parse(text);

        Assert.Equal((host, port), (address.Host, address.Port));
    }

    [Fact]
    public void AUnixSocketAddressNamesTheSocketAndReadsBackTheSame()
    {
        var address = ServerAddress.Parse("unix:/var/lib/app/broker-data/broker.sock");

        Assert.Equal("/var/lib/app/broker-data/broker.sock", address.SocketPath);
        Assert.Equal("unix:/var/lib/app/broker-data/broker.sock", address.ToString());
    }

    [Theory]
    [InlineData("tcp://127.0.0.1:8811")]
    [InlineData("127.0.0.1:0")]
    [InlineData("::1")]
    [InlineData("unix:")]
    public void BadClientAddressesAreRefused(string text) =>
        Assert.Throws<ArgumentException>(() => ServerAddress.Parse(text));

    [Fact]
    public void CommandLineSwitchesBecomeSettingsAndSizesAndDurationsParse()
    {
        var line = CommandLine.Parse(["--data", "/var/lib/broker", "--max-message-bytes=2MiB", "--write-timeout", "500ms", "--listen", "[::1]:8811"]);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(line.Settings.Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value))).Build();

        var options = BrokerServerOptions.Load(configuration);

        Assert.Equal("run", line.Command);
        Assert.Equal(("/var/lib/broker", 2 * 1024 * 1024, TimeSpan.FromMilliseconds(500)), (options.DataDirectory, options.MaxMessageBytes, options.WriteTimeout));
        Assert.Equal(2 * 1024 * 1024 + 64 * 1024, options.MaxFrameBytes);
        Assert.Null(options.Validate());
    }

    [Fact]
    public void AFrameLimitWithoutRoomForFullHeadersBesideAFullMessageIsRefused()
    {
        var tight = new BrokerServerOptions { DataDirectory = "/x", MaxMessageBytes = 64 * 1024, MaxFrameBytes = 68 * 1024 };
        var enough = tight with { MaxFrameBytes = 84 * 1024 };

        Assert.Contains("16 KiB of headers", tight.Validate(), StringComparison.Ordinal);
        Assert.Null(enough.Validate());
    }

    [Fact]
    public void FrameLimitBelowTheMessageLimitIsRefused()
    {
        var options = new BrokerServerOptions { DataDirectory = "/x", MaxMessageBytes = 1024 * 1024, MaxFrameBytes = 1024 * 1024 };

        Assert.Contains("--max-frame-bytes", options.Validate(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2GiB")]
    [InlineData("2147483647")]
    [InlineData("256MiB")]
    [InlineData("4GiB")]
    public void MessageLimitAboveWhatTheLogStoresAsOneRecordIsRefusedNamingTheSetting(string value)
    {
        // Outbound and in-flight room large enough that only the message limit itself can be the problem.
        var problem = Problem("--max-message-bytes", value, "--max-outbound-bytes", "4GiB", "--max-in-flight-bytes", "4GiB");

        Assert.NotNull(problem);
        Assert.Contains("--max-message-bytes", problem, StringComparison.Ordinal);
        Assert.Contains("at most 267386880", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void TheLargestMessageLimitIsTakenWithItsFrameLimitComputedWithoutOverflow()
    {
        var configuration = Configuration("--max-message-bytes", "255MiB", "--max-outbound-bytes", "1GiB", "--max-in-flight-bytes", "1GiB");

        var options = BrokerServerOptions.Load(configuration);

        Assert.Equal((255 * 1024 * 1024, 255 * 1024 * 1024 + 64 * 1024), (options.MaxMessageBytes, options.MaxFrameBytes));
        Assert.Null(options.Validate());
    }

    [Theory]
    [InlineData("3GiB")]
    [InlineData("2GiB")]
    [InlineData("1073741825")]
    public void FrameLimitBeyondOneGibibyteIsRefusedNamingTheSetting(string value)
    {
        var problem = Problem("--max-frame-bytes", value, "--max-outbound-bytes", "4GiB", "--max-in-flight-bytes", "4GiB");

        Assert.NotNull(problem);
        Assert.Contains("--max-frame-bytes", problem, StringComparison.Ordinal);
        Assert.Contains("at most 1073741824", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void MessageLimitGivenInCodeBeyondTheLogsRecordIsRefusedByValidate()
    {
        var options = new BrokerServerOptions { DataDirectory = "/x", MaxMessageBytes = int.MaxValue, MaxFrameBytes = int.MaxValue, MaxOutboundBytes = long.MaxValue, MaxInFlightBytes = long.MaxValue };

        Assert.Contains("--max-message-bytes", options.Validate(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--bogus", "Unknown setting --bogus")]
    [InlineData("--data", "--data needs a value")]
    [InlineData("stray", "Unexpected argument 'stray'")]
    public void BadCommandLinesAreExplained(string argument, string explanation)
    {
        var error = Assert.Throws<FormatException>(() => CommandLine.Parse([argument]));

        Assert.Contains(explanation, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HelpSeparatesEverySwitchFromItsDescriptionInOneColumn()
    {
        var lines = CommandLine.Usage().Split('\n');
        var columns = new HashSet<int>();

        foreach (var setting in ServerSetting.All)
        {
            var line = lines.Single(l => l.Contains(setting.Help, StringComparison.Ordinal));
            var column = line.IndexOf(setting.Help, StringComparison.Ordinal);
            var prefix = "  --" + setting.Switch;
            Assert.StartsWith(prefix, line, StringComparison.Ordinal);
            Assert.True(column >= prefix.Length + 2 && string.IsNullOrWhiteSpace(line[prefix.Length..column]), $"'{line}' does not separate the switch from its description.");
            columns.Add(column);
        }

        Assert.Single(columns);
    }

    [Theory]
    [InlineData("Token", "--token", "")]
    [InlineData("Token", "--token", " ")]
    [InlineData("User", "--user", "")]
    [InlineData("User", "--user", "\t ")]
    [InlineData("Password", "--password", "")]
    [InlineData("Password", "--password", "  ")]
    [InlineData("PasswordHash", "--password-hash", "")]
    public void EmptyOrBlankCredentialsAreRefusedNamingTheSetting(string key, string name, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Data"] = "/var/lib/broker",
            [key] = value,
        }).Build();

        var error = Assert.Throws<FormatException>(() => BrokerServerOptions.Load(configuration));

        Assert.Contains(name, error.Message, StringComparison.Ordinal);
        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BROKER_TOKEN", "")]
    [InlineData("BROKER_TOKEN", " \t")]
    [InlineData("BROKER_USER", "")]
    [InlineData("BROKER_PASSWORD", "")]
    [InlineData("BROKER_PASSWORD_HASH", "  ")]
    public void EmptyOrBlankCredentialsInTheEnvironmentAreRefusedNamingTheVariable(string variable, string value)
    {
        var line = CommandLine.Parse(["--data", "/var/lib/broker"]);

        var error = Assert.Throws<FormatException>(() => SettingSources.Build(line, name => name == variable ? value : null));

        Assert.Contains(variable + " is empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEmptyEnvironmentVariableOfAnotherSettingCountsAsNotSet()
    {
        var line = CommandLine.Parse(["--data", "/var/lib/broker"]);

        var options = BrokerServerOptions.Load(SettingSources.Build(line, name => name == "BROKER_MAX_CONNECTIONS" ? "" : null));

        Assert.Equal(1024, options.MaxConnections);
        Assert.Null(options.Token);
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1", 9464)]
    [InlineData("localhost:9000", "127.0.0.1", 9000)]
    [InlineData(" 10.0.0.5:9464 ", "10.0.0.5", 9464)]
    [InlineData("[::1]:9000", "::1", 9000)]
    [InlineData("0.0.0.0:0", "0.0.0.0", 0)]
    public void MetricsAddressesParse(string value, string address, int port)
    {
        var metrics = LoadMetrics(value);

        Assert.Equal((IPAddress.Parse(address), port), (metrics!.Address, metrics.Port));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\t ")]
    [InlineData("off")]
    [InlineData(" OFF ")]
    public void ABlankMetricsValueIsOffLikeAnEmptyOneFromEverySource(string value)
    {
        Assert.Null(LoadMetrics(value));
        var fromEnvironment = BrokerServerOptions.Load(SettingSources.Build(CommandLine.Parse(["--data", "/var/lib/broker"]), name => name == "BROKER_METRICS" ? value : null));
        Assert.Null(fromEnvironment.Metrics);
    }

    [Theory]
    // An address left out: --listen reads it as loopback, --metrics asks for one.
    [InlineData(":9000", "The --metrics address ':9000' has no IP address: write one, such as 127.0.0.1:9000")]
    // IPAddress.TryParse reads these as 0.0.36.248 and 127.0.0.1.
    [InlineData("9464", "is not a full IPv4 address (a.b.c.d); for port 9464 on loopback write 127.0.0.1:9464")]
    [InlineData("127.1:9464", "is not a full IPv4 address")]
    // The scheme's colon made it look like IPv6.
    [InlineData("http://127.0.0.1:9464", "must be host:port without a scheme or path: write 127.0.0.1:9464.")]
    [InlineData("127.0.0.1:9464/metrics", "write 127.0.0.1:9464.")]
    public void SurprisingMetricsValuesAreRefusedSayingWhatToWrite(string value, string explanation)
    {
        var error = Assert.Throws<FormatException>(() => LoadMetrics(value));

        Assert.Contains(explanation, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("IPv6", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("token")]
    [InlineData("user")]
    [InlineData("password")]
    public void BlankCredentialsGivenInCodeAreRefusedByValidate(string which)
    {
        var options = which switch
        {
            "token" => new BrokerServerOptions { DataDirectory = "/x", Token = " " },
            "user" => new BrokerServerOptions { DataDirectory = "/x", User = "", Password = "p" },
            _ => new BrokerServerOptions { DataDirectory = "/x", User = "u", Password = " " },
        };

        Assert.Contains("--" + which, options.Validate(), StringComparison.Ordinal);
    }

    [Fact]
    public void MaxUnsettledIsReadAndMustLeaveRoomForTheLargestCredit()
    {
        var line = CommandLine.Parse(["--data", "/var/lib/broker", "--max-unsettled", "20000", "--max-parallel", "5000"]);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(line.Settings.Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value))).Build();

        var options = BrokerServerOptions.Load(configuration);
        var tooLow = options with { MaxUnsettled = 4999 };

        Assert.Equal((20_000, 5_000), (options.MaxUnsettled, options.MaxParallel));
        Assert.Null(options.Validate());
        Assert.Equal(65_536, new BrokerServerOptions { DataDirectory = "/x" }.MaxUnsettled);
        Assert.Contains("--max-unsettled (4999) must be at least --max-parallel (5000)", tooLow.Validate(), StringComparison.Ordinal);
    }

    [Fact]
    public void TheDocumentedSettingsTableListsEverySettingAndNoOther()
    {
        var rows = File.ReadAllLines(Path.Combine(RepositoryRoot(), "docs", "server.md"))
            .Where(l => l.StartsWith("| `--", StringComparison.Ordinal))
            .ToList();

        foreach (var setting in ServerSetting.All)
        {
            var row = rows.SingleOrDefault(r => r.StartsWith($"| `--{setting.Switch}` | `{setting.Environment}` |", StringComparison.Ordinal));
            Assert.True(row is not null, $"docs/server.md has no settings row for --{setting.Switch} ({setting.Environment}).");
            if (setting != ServerSetting.Config)
                Assert.Contains($"| `{setting.Key}` |", row, StringComparison.Ordinal);
        }
        Assert.Equal(ServerSetting.All.Count, rows.Count);
    }

    private static IConfiguration Configuration(params string[] arguments)
    {
        var line = CommandLine.Parse(["--data", "/var/lib/broker", .. arguments]);
        return new ConfigurationBuilder().AddInMemoryCollection(line.Settings.Select(kv => new KeyValuePair<string, string?>(kv.Key, kv.Value))).Build();
    }

    /// <summary>Why the server refuses these settings (when reading them, or when checking them together), or null.</summary>
    private static string? Problem(params string[] arguments)
    {
        try
        {
            return BrokerServerOptions.Load(Configuration(arguments)).Validate();
        }
        catch (FormatException ex)
        {
            return ex.Message;
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "docs", "server.md")))
                return directory.FullName;
        }
        throw new InvalidOperationException($"No docs/server.md above {AppContext.BaseDirectory}.");
    }

    private static ListenEndpoint? LoadMetrics(string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Data"] = "/var/lib/broker",
            ["Metrics"] = value,
        }).Build();
        return BrokerServerOptions.Load(configuration).Metrics;
    }
}
