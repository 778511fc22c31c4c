using Broker.Protocol;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;

namespace Broker.Server.Tests.Protocol;

/// <summary>
/// The native Subscribe checks <see cref="SubscriptionLimits"/> on the server too, so a client other than Broker's
/// (which checks before it sends) meets the same limits, the same sentence, and no subscription.
/// </summary>
public sealed class SubscriptionLimitTests
{
    [Theory]
    [InlineData(1, 50L, "between 100 ms and 12 hours")]
    [InlineData(1, 12L * 3600 * 1000 + 1, "between 100 ms and 12 hours")]
    [InlineData(0, 30_000L, "MaxParallel of a subscription to channel 'jobs/render' is 0")]
    public async Task ANativeSubscribeOutsideTheLimitsIsAnInvalidRequestAndSubscribesNothing(int maxParallel, long leaseMs, string expected)
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await RawConnection.OpenAsync(server.Port);

        await client.SendAsync(FrameBuilder.Subscribe(7, "jobs/render", subscription: 1, maxParallel, leaseMs));

        var error = await client.ReceiveAsync();
        Assert.Equal((MessageType.Error, 7u, ErrorCodes.InvalidRequest), (error.Type, error.Id, error.ErrorCode));
        Assert.Contains(expected, error.Text("message"), StringComparison.Ordinal);
        Assert.Equal(0, server.Engine.GetStats("jobs/render").Subscriptions);
    }

    [Fact]
    public void ADeepkitLeaseOutsideTheLimitsIsRefusedAtStart()
    {
        var options = new Broker.Server.Configuration.BrokerServerOptions { DataDirectory = "data", DeepkitLease = TimeSpan.FromMilliseconds(10) };

        Assert.Contains("--deepkit-lease must be between 100 ms and 12 hours", options.Validate(), StringComparison.Ordinal);
    }
}
