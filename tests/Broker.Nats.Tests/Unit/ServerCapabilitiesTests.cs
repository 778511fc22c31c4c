using Broker.Nats.JetStream;

namespace Broker.Nats.Tests.Unit;

public sealed class ServerCapabilitiesTests
{
    [Theory]
    [InlineData("2.9.10", 2, 9, 10)]
    [InlineData("v2.10.7", 2, 10, 7)]
    [InlineData("2.11.0-beta.2", 2, 11, 0)]
    [InlineData("", 0, 0, 0)]
    public void ParsesTheVersionTheServerAnnounces(string text, int major, int minor, int build) =>
        Assert.Equal(new Version(major, minor, build), ServerCapabilities.ParseVersion(text));

    [Fact]
    public void AServerOlderThan29IsRefusedWithItsVersion()
    {
        var error = Assert.Throws<NotSupportedException>(() => new ServerCapabilities(new Version(2, 8, 4), true).EnsureSupported("nats://x"));
        Assert.Contains("2.8.4", error.Message, StringComparison.Ordinal);
        Assert.Contains("2.9.0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AServerWithoutJetStreamIsRefused()
    {
        var error = Assert.Throws<NotSupportedException>(() => new ServerCapabilities(new Version(2, 9, 10), false).EnsureSupported("nats://x"));
        Assert.Contains("-js", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnlyFrom210CanTheServerSyncEveryWrite()
    {
        Assert.False(new ServerCapabilities(new Version(2, 9, 10), true).CanSyncAlways);
        Assert.True(new ServerCapabilities(new Version(2, 10, 0), true).CanSyncAlways);
    }
}
