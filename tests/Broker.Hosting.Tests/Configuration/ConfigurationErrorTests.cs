using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using static Broker.Hosting.Tests.Configuration.ConfiguredHost;

namespace Broker.Hosting.Tests.Configuration;

public sealed class ConfigurationErrorTests
{
    public static TheoryData<string, string, string> BadValues => new()
    {
        // Consumers: the range every adapter applies (SubscriptionLimits), and the formats.
        { "Consumers:hosting/signups:MaxParallel", "0", "Broker:Consumers:hosting/signups:MaxParallel = '0': MaxParallel of a subscription to channel 'hosting/signups' is 0; it must be at least 1." },
        { "Consumers:hosting/signups:MaxParallel", "many", "Broker:Consumers:hosting/signups:MaxParallel = 'many': it must be a whole number." },
        { "Consumers:hosting/signups:LeaseDuration", "50ms", "Broker:Consumers:hosting/signups:LeaseDuration = '50ms': The lease of a subscription to channel 'hosting/signups' is 50 ms; it must be between 100 ms and 12 hours." },
        { "Consumers:hosting/signups:LeaseDuration", "30", "Broker:Consumers:hosting/signups:LeaseDuration = '30': a bare number is ambiguous" },
        { "Consumers:hosting/signups:LeaseDuration", "1h30m", "Broker:Consumers:hosting/signups:LeaseDuration = '1h30m': '1h30m' is not an interval: compound intervals such as '1h30m' are not supported" },
        { "Consumers:hosting_signups:MaxParallel", "-2", "Broker:Consumers:hosting_signups:MaxParallel = '-2': MaxParallel of a subscription to channel 'hosting/signups' is -2; it must be at least 1." },
        // The embedded adapter: its own checks (QueueEngineOptions, LogStoreOptions) and the formats.
        { "Embedded:SegmentBytes", "1KiB", "Broker:Embedded:SegmentBytes = '1KiB': SegmentBytes must be between 64 KiB and 2 GiB." },
        { "Embedded:SegmentBytes", "64MB", "Broker:Embedded:SegmentBytes = '64MB': it must be a whole number of bytes, optionally with a unit B, KiB, MiB or GiB (such as 1048576 or 1MiB)." },
        { "Embedded:Durability", "always", "Broker:Embedded:Durability = 'always': it must be one of Fsync, Buffered." },
        { "Embedded:Durability", "1", "Broker:Embedded:Durability = '1': it must be one of Fsync, Buffered." },
        { "Embedded:CompactionThreshold", "1.5", "Broker:Embedded:CompactionThreshold = '1.5': CompactionThreshold must be between 0 and 1 (exclusive)." },
        { "Embedded:CompactionThreshold", "0,5", "Broker:Embedded:CompactionThreshold = '0,5': it must be a number such as 0.5." },
        { "Embedded:MaxMessageBytes", "3GiB", "Broker:Embedded:MaxMessageBytes = '3GiB': it must be less than 2GiB." },
        { "Embedded:MaxChannels", "0", "Broker:Embedded:MaxChannels = '0': QueueEngineOptions.MaxChannels must be at least 1." },
        { "Embedded:AcceptDataLoss", "maybe", "Broker:Embedded:AcceptDataLoss = 'maybe': it must be true or false." },
        { "Embedded:Path", " ", "Broker:Embedded:Path = ' ': UseEmbedded needs a data directory" },
        // Keys Broker does not know: never silently ignored.
        { "Consumers:hosting/signups:MaxParalel", "8", "Broker:Consumers:hosting/signups:MaxParalel is not a setting of Broker:Consumers:hosting/signups; did you mean MaxParallel? The settings here are: LeaseDuration, MaxParallel." },
        { "Consumers:hosting/signups:Lease", "30s", "Broker:Consumers:hosting/signups:Lease is not a setting of Broker:Consumers:hosting/signups; did you mean LeaseDuration?" },
        { "Consumers:hosting/signups:Parallelism", "4", "Broker:Consumers:hosting/signups:Parallelism is not a setting of Broker:Consumers:hosting/signups. The settings here are: LeaseDuration, MaxParallel." },
        { "Consumers:hosting/signup:MaxParallel", "8", "Broker:Consumers:hosting/signup names no channel of this application; did you mean hosting/signups? Its channels are: hosting/invoices, hosting/signups." },
        { "Consumers:hosting/signups", "8", "Broker:Consumers:hosting/signups = '8': it must be a section of settings, such as Broker:Consumers:hosting/signups:MaxParallel, not a value." },
        { "Embedded:SegmentSize", "1MiB", "Broker:Embedded:SegmentSize is not a setting of Broker:Embedded; did you mean SegmentBytes?" },
        { "Embeded:Path", "./data", "Broker:Embeded is not a setting of Broker; did you mean Embedded?" },
        { "Embedded", "./data", "Broker:Embedded = './data': it must be a section of settings, such as Broker:Embedded:Path, not a value." },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task EveryBadValueStopsTheHostAtStartNamingItsKey(string key, string value, string expected)
    {
        using var directory = new TempDirectory();
        // A dictionary, so a case may replace the path.
        using var host = Build(
            new Dictionary<string, string?> { ["Broker:Embedded:Path"] = directory.Path, ["Broker:" + key] = value },
            b => b.UseEmbedded(),
            services => services.AddConsumer<ISignupChannel, GatedConsumer>().AddSingleton(new BlockingGate()));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        // Checked before anything was opened: the data directory was not even created.
        Assert.True(directory.IsUntouched);
    }

    [Fact]
    public async Task EveryProblemIsReportedAtOnce()
    {
        using var host = Build(
            [
                Setting("Broker:Embedded:SegmentBytes", "lots"),
                Setting("Broker:Embedded:Durabilty", "fsync"),
                Setting("Broker:Consumers:hosting/signups:MaxParallel", "0"),
            ],
            b => b.UseEmbedded(),
            services => services.AddConsumer<ISignupChannel, GatedConsumer>().AddSingleton(new BlockingGate()));

        var error = await Assert.ThrowsAsync<AggregateException>(() => host.StartAsync());

        var message = string.Join("\n", error.InnerExceptions.OfType<OptionsValidationException>().SelectMany(e => e.Failures));
        Assert.Contains("Broker:Embedded:Path (not set in configuration): UseEmbedded needs a data directory", message, StringComparison.Ordinal);
        Assert.Contains("Broker:Embedded:SegmentBytes = 'lots'", message, StringComparison.Ordinal);
        Assert.Contains("Broker:Embedded:Durabilty is not a setting of Broker:Embedded; did you mean Durability?", message, StringComparison.Ordinal);
        Assert.Contains("Broker:Consumers:hosting/signups:MaxParallel = '0'", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AValueInCodeThatBreaksARuleWithConfigurationIsNamedAsSetInCode()
    {
        using var directory = new TempDirectory();
        using var host = Build(
            [Setting("Broker:Embedded:Path", directory.Path), Setting("Broker:Embedded:SegmentBytes", "1MiB")],
            b => b.UseEmbedded(o => o.SegmentBytes = 1024));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Broker:Embedded:SegmentBytes is 1024, set in code over '1MiB' from configuration: SegmentBytes must be between 64 KiB and 2 GiB.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SectionsOfAdaptersNotInUseAreNotRead()
    {
        // One file may hold the settings of several adapters, the code choosing one; only the one in use is checked.
        using var host = Build(
            [Setting("Broker:Server:Adress", "broker:8811"), Setting("Broker:Embedded:SegmentBytes", "huge")],
            b => b.UseInMemory());

        await host.StartAsync();
        await host.StopAsync();
    }

    [Fact]
    public async Task AChannelKeyForAChannelThisProcessDoesNotConsumeIsAccepted()
    {
        // A producer and its workers may share one file: the producer has the channel but no consumer of it.
        using var host = Build([Setting("Broker:Consumers:hosting/invoices:MaxParallel", "8")], b => b.UseInMemory());

        await host.StartAsync();
        await host.StopAsync();
    }

    [Fact]
    public void AddBrokerGivenTheWholeConfigurationSaysToPassBrokersSection()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([Setting("Broker:Embedded:Path", "data")]).Build();

        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddBroker(configuration, b => b.UseEmbedded()));

        Assert.Contains("pass Broker's section: AddBroker(configuration.GetSection(\"Broker\"), ...)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithoutConfigurationUseEmbeddedNeedsAPathAtOnce()
    {
        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddBroker(b => b.UseEmbedded()));

        Assert.Equal("Path", error.ParamName);
        Assert.Contains("UseEmbedded needs a data directory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAHostTheAdapterChecksItsConfigurationWhenFirstUsed()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([Setting("Broker:InMemory:MaxMessageBytes", "0")]).Build();
        var services = new ServiceCollection();
        services.AddBroker(configuration.GetSection("Broker"), b => b.UseInMemory()).AddChannels();
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<ISignupChannel>());

        Assert.Contains("Broker:InMemory:MaxMessageBytes = '0': QueueEngineOptions.MaxMessageBytes must be at least 1.", error.Message, StringComparison.Ordinal);
    }
}
