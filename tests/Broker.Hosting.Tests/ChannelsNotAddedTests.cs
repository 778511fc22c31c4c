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
            "Broker.Hosting.Tests.ISignupChannel (channel 'hosting/signups', declared in assembly Broker.Hosting.Tests) is not registered, " +
            "so SignupConsumer cannot consume it: channels are registered by the generated AddChannels(), which adds the channels of its own " +
            "assembly and of the assemblies it references. Call AddChannels() on the builder AddBroker returns, in Broker.Hosting.Tests or a " +
            "project that references it, as in services.AddBroker(b => b.UseInMemory()).AddChannels().",
            error.Message);
    }

    [Fact]
    public async Task AServiceThatInjectsAnUnregisteredChannelSaysWhichAssemblysAddChannelsToCall()
    {
        var builder = Host.CreateApplicationBuilder();
#pragma warning disable BRK0019 // The mistake under test.
        builder.Services.AddBroker(b => b.UseInMemory());
#pragma warning restore BRK0019
        builder.Services.AddScoped<WelcomeSender>();
        using var host = builder.Build();

        // When the host starts, not at the first request that needs a WelcomeSender, with dependency injection's bare error.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Equal(
            "Broker.Hosting.Tests.ISignupChannel (channel 'hosting/signups', declared in assembly Broker.Hosting.Tests) is not registered, " +
            "so Broker.Hosting.Tests.ChannelsNotAddedTests+WelcomeSender cannot be created: channels are registered by the generated " +
            "AddChannels(), which adds the channels of its own assembly and of the assemblies it references. Call AddChannels() on the " +
            "builder AddBroker returns, in Broker.Hosting.Tests or a project that references it, as in " +
            "services.AddBroker(b => b.UseInMemory()).AddChannels().",
            error.Message);
    }

    [Fact]
    public async Task AServiceThatInjectsARegisteredChannelStarts()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddBroker(b => b.UseInMemory()).AddChannels();
        builder.Services.AddScoped<WelcomeSender>();
        using var host = builder.Build();

        await host.StartAsync();

        using var scope = host.Services.CreateScope();
        Assert.NotNull(scope.ServiceProvider.GetRequiredService<WelcomeSender>().Channel);
        await host.StopAsync();
    }

    [Fact]
    public async Task AServiceWhoseChannelParameterIsOptionalStartsWithoutTheChannel()
    {
        // Dependency injection passes the default for a parameter it cannot resolve that has one: the service is created,
        // so the start-up check must not refuse it.
        var builder = Host.CreateApplicationBuilder();
#pragma warning disable BRK0019 // No AddChannels(): the service does without the channel.
        builder.Services.AddBroker(b => b.UseInMemory());
#pragma warning restore BRK0019
        builder.Services.AddScoped<OptionalSender>();
        using var host = builder.Build();

        await host.StartAsync();

        using var scope = host.Services.CreateScope();
        Assert.Null(scope.ServiceProvider.GetRequiredService<OptionalSender>().Channel);
        await host.StopAsync();
    }

    [Fact]
    public async Task AServiceThatInjectsAChannelRegisteredOnlyUnderAKeyStarts()
    {
        // [FromKeyedServices] resolves a keyed registration, which dependency injection finds; so must the start-up check.
        var builder = Host.CreateApplicationBuilder();
#pragma warning disable BRK0019 // The channel is registered by hand, under a key.
        builder.Services.AddBroker(b => b.UseInMemory());
#pragma warning restore BRK0019
        builder.Services.AddKeyedSingleton<ISignupChannel>("signups", (_, _) => System.Reflection.DispatchProxy.Create<ISignupChannel, UnusedChannel>());
        builder.Services.AddScoped<KeyedSender>();
        using var host = builder.Build();

        await host.StartAsync();

        using var scope = host.Services.CreateScope();
        Assert.NotNull(scope.ServiceProvider.GetRequiredService<KeyedSender>().Channel);
        await host.StopAsync();
    }

    private sealed class KeyedSender([FromKeyedServices("signups")] ISignupChannel channel)
    {
        public ISignupChannel Channel { get; } = channel;
    }

    /// <summary>A stand-in channel the test never calls.</summary>
    public class UnusedChannel : System.Reflection.DispatchProxy
    {
        protected override object? Invoke(System.Reflection.MethodInfo? targetMethod, object?[]? args) => throw new NotSupportedException();
    }

    private sealed class OptionalSender(ISignupChannel? channel = null)
    {
        public ISignupChannel? Channel { get; } = channel;
    }

    private sealed class WelcomeSender(ISignupChannel channel)
    {
        public ISignupChannel Channel { get; } = channel;
    }

    private sealed class SignupConsumer : IConsumer<Signup>
    {
        public ValueTask ConsumeAsync(QueueMessage<Signup> message, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
