using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Broker.Hosting.Tests;

/// <summary>A consumer of a channel nobody registered fails at start-up with an error that says what to call (BRK0019's run-time half).</summary>
public sealed class ChannelsNotAddedTests
{
    [Fact]
    public async Task AConsumerOfAnUnregisteredChannelSaysToCallAddChannels()
    {
        var builder = Host.CreateApplicationBuilder();
#pragma warning disable BRK0019 // The mistake under test: the analyzer catches it at compile time, this test the run time.
        builder.Services.AddBroker(b => b.UseInMemory());
#pragma warning restore BRK0019
        builder.Services.AddConsumer<ISignupChannel, SignupConsumer>();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Equal(
            "ISignupChannel is not registered, so SignupConsumer cannot consume it: channels are registered by the generated " +
            "AddChannels() on the builder AddBroker returns, as in services.AddBroker(b => b.UseInMemory()).AddChannels().",
            error.Message);
    }

    private sealed class SignupConsumer : IConsumer<Signup>
    {
        public ValueTask ConsumeAsync(QueueMessage<Signup> message, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
