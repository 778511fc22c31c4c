using Broker.Engine;
using Broker.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Broker.Hosting.Tests;

/// <summary>A generic host on the in-memory broker, as an application would build it.</summary>
internal static class TestHost
{
    public static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    public static IHost Build(Action<IServiceCollection> configure, TimeSpan? shutdownTimeout = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddBroker(b => b.UseInMemory()).AddChannels();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdownTimeout ?? Generous);
        configure(builder.Services);
        return builder.Build();
    }

    public static ChannelStats Stats(this IHost host, string channel) =>
        ((EngineTransport)host.Services.GetRequiredService<IQueueTransport>()).Engine.GetStats(channel);
}
