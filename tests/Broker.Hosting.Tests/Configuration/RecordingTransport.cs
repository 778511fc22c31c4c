using System.Collections.Concurrent;
using Broker.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Hosting.Tests.Configuration;

/// <summary>Passes everything to the adapter and records the settings every subscription asked it for.</summary>
internal sealed class RecordingTransport(IQueueTransport inner) : IQueueTransport
{
    public ConcurrentQueue<(string Channel, SubscriptionSettings Settings)> Subscriptions { get; } = [];

    public TimeProvider TimeProvider => inner.TimeProvider;

    /// <summary>Wraps the adapter registered by <c>AddBroker</c> in <paramref name="services"/>.</summary>
    public static void Install(IServiceCollection services)
    {
        var adapter = services.Last(d => d.ServiceType == typeof(IQueueTransport)).ImplementationFactory!;
        services.AddSingleton(sp => new RecordingTransport((IQueueTransport)adapter(sp)));
        services.AddSingleton<IQueueTransport>(sp => sp.GetRequiredService<RecordingTransport>());
    }

    public async ValueTask<ITransportChannel> OpenChannelAsync(ChannelDefinition channel, CancellationToken cancellationToken) =>
        new Channel(await inner.OpenChannelAsync(channel, cancellationToken), this);

    public ValueTask<TransportHealth> CheckHealthAsync(CancellationToken cancellationToken) => inner.CheckHealthAsync(cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private sealed class Channel(ITransportChannel inner, RecordingTransport owner) : ITransportChannel
    {
        public ChannelDefinition Definition => inner.Definition;

        public ValueTask<ProduceResult> ProduceAsync(OutgoingMessage message, CancellationToken cancellationToken) => inner.ProduceAsync(message, cancellationToken);

        public ValueTask<ITransportSubscription> SubscribeAsync(SubscriptionSettings settings, CancellationToken cancellationToken)
        {
            owner.Subscriptions.Enqueue((Definition.Name, settings));
            return inner.SubscribeAsync(settings, cancellationToken);
        }

        public ValueTask<IReadOnlyList<DeadLetterEntry>> ListDeadLettersAsync(long afterId, int limit, CancellationToken cancellationToken) => inner.ListDeadLettersAsync(afterId, limit, cancellationToken);

        public ValueTask<DeadLetterEntry?> GetDeadLetterAsync(long id, CancellationToken cancellationToken) => inner.GetDeadLetterAsync(id, cancellationToken);

        public ValueTask<bool> RedriveDeadLetterAsync(long id, CancellationToken cancellationToken) => inner.RedriveDeadLetterAsync(id, cancellationToken);

        public ValueTask<bool> DeleteDeadLetterAsync(long id, CancellationToken cancellationToken) => inner.DeleteDeadLetterAsync(id, cancellationToken);
    }
}
