using System.Net;
using Broker.Server.Security;
using Microsoft.Extensions.Time.Testing;

namespace Broker.Server.Tests.Unit;

public sealed class AuthenticationThrottleTests
{
    private static readonly IPAddress Attacker = IPAddress.Parse("10.1.2.3");

    [Fact]
    public void AnAddressHasABurstOfAttemptsThenOneMorePerRefillInterval()
    {
        var time = new FakeTimeProvider();
        var throttle = new AuthenticationThrottle(burst: 10, refillEvery: TimeSpan.FromSeconds(1), time: time);

        var burst = Enumerable.Range(0, 10).Count(i => throttle.TryAcquire(Attacker, out _));
        var throttled = !throttle.TryAcquire(Attacker, out var retryAfter);
        time.Advance(TimeSpan.FromMilliseconds(500));
        var halfway = throttle.TryAcquire(Attacker, out var retryAfterHalf);
        time.Advance(TimeSpan.FromMilliseconds(500));
        var refilled = throttle.TryAcquire(Attacker, out _);
        var thenThrottled = !throttle.TryAcquire(Attacker, out _);

        Assert.Equal(10, burst);
        Assert.True(throttled);
        Assert.Equal(TimeSpan.FromSeconds(1), retryAfter);
        Assert.False(halfway);
        Assert.Equal(TimeSpan.FromMilliseconds(500), retryAfterHalf);
        Assert.True(refilled);
        Assert.True(thenThrottled);
    }

    [Fact]
    public void ASuccessGivesItsAttemptBackAndOtherAddressesAreNotAffected()
    {
        var time = new FakeTimeProvider();
        var throttle = new AuthenticationThrottle(burst: 3, refillEvery: TimeSpan.FromSeconds(1), time: time);

        for (var i = 0; i < 10; i++)
        {
            Assert.True(throttle.TryAcquire(Attacker, out _), "A client that keeps succeeding is never throttled.");
            throttle.Refund(Attacker);
        }
        for (var i = 0; i < 3; i++) Assert.True(throttle.TryAcquire(Attacker, out _));

        Assert.False(throttle.TryAcquire(Attacker, out _));
        Assert.True(throttle.TryAcquire(IPAddress.Parse("10.1.2.4"), out _));
    }

    [Fact]
    public void AddressesOfOneIpv6Slash64ShareABucketAndMappedIpv4CountsAsIpv4()
    {
        var time = new FakeTimeProvider();
        var throttle = new AuthenticationThrottle(burst: 2, refillEvery: TimeSpan.FromSeconds(1), time: time);

        Assert.True(throttle.TryAcquire(ClientAddress.SourceOf(IPAddress.Parse("2001:db8:1:2::1")), out _));
        Assert.True(throttle.TryAcquire(ClientAddress.SourceOf(IPAddress.Parse("2001:db8:1:2:ffff:ffff:ffff:ffff")), out _));
        Assert.False(throttle.TryAcquire(ClientAddress.SourceOf(IPAddress.Parse("2001:db8:1:2:1234::9")), out _));
        Assert.True(throttle.TryAcquire(ClientAddress.SourceOf(IPAddress.Parse("2001:db8:1:3::1")), out _));

        Assert.True(throttle.TryAcquire(ClientAddress.SourceOf(IPAddress.Parse("::ffff:10.1.2.3")), out _));
        Assert.True(throttle.TryAcquire(ClientAddress.SourceOf(Attacker), out _));
        Assert.False(throttle.TryAcquire(ClientAddress.SourceOf(Attacker), out _));
        Assert.Equal("2001:db8:1:2::/64", ClientAddress.Describe(ClientAddress.SourceOf(IPAddress.Parse("2001:db8:1:2::1"))));
    }

    [Fact]
    public void TheTableKeepsAtMostItsCapacityForgettingTheLeastRecentlyUsedAddress()
    {
        var time = new FakeTimeProvider();
        var throttle = new AuthenticationThrottle(burst: 1, refillEvery: TimeSpan.FromHours(1), capacity: 100, time: time);
        var first = IPAddress.Parse("10.0.0.0");
        Assert.True(throttle.TryAcquire(first, out _));
        var recent = IPAddress.Parse("10.0.0.1");
        Assert.True(throttle.TryAcquire(recent, out _));

        // 10,000 more addresses, each failing once; the recent one keeps being used (and stays throttled).
        for (var i = 0; i < 10_000; i++)
        {
            Assert.True(throttle.TryAcquire(new IPAddress(0x0B000000u + (uint)i), out _));
            if (i % 50 == 0) Assert.False(throttle.TryAcquire(recent, out _));
            Assert.InRange(throttle.Count, 1, 100);
        }

        Assert.Equal(100, throttle.Count);
        Assert.False(throttle.TryAcquire(recent, out _), "The recently used address was forgotten.");
        Assert.True(throttle.TryAcquire(first, out _), "The least recently used address was kept past the table's capacity.");
    }
}
