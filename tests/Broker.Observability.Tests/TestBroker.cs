using Microsoft.Extensions.DependencyInjection;

namespace Broker.Observability.Tests;

/// <summary>The in-memory broker with the generated channels, as an application registers it.</summary>
internal sealed class TestBroker : IAsyncDisposable
{
    public static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    private readonly ServiceProvider _services;

    public TestBroker(Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        configure?.Invoke(services);
        services.AddBroker(b => b.UseInMemory()).AddChannels();
        _services = services.BuildServiceProvider();
    }

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
