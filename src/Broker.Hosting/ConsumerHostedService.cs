using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Broker.Hosting;

/// <summary>Consumes one channel with one consumer class for the lifetime of the host.</summary>
internal sealed partial class ConsumerHostedService<TChannel, TConsumer>(
    TChannel channel,
    IServiceScopeFactory scopes,
    ConsumeOptions options,
    ILogger logger) : IHostedService, IAsyncDisposable
    where TChannel : class, IQueueChannel
    where TConsumer : class
{
    private IQueueSubscription? _subscription;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = await channel.Accept(new Subscriber(scopes, options, cancellationToken)).ConfigureAwait(false);
        LogStarted(typeof(TConsumer).Name, channel.Definition.Name, options.MaxParallel);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_subscription is null) return;
        LogStopping(typeof(TConsumer).Name, channel.Definition.Name, _subscription.RunningHandlers);
        // The host's token fires when its shutdown timeout is up: handlers still running then are cancelled and their
        // messages handed back for redelivery.
        await _subscription.StopAsync(cancellationToken).ConfigureAwait(false);
        LogStopped(typeof(TConsumer).Name, channel.Definition.Name);
    }

    public async ValueTask DisposeAsync()
    {
        if (_subscription is not null)
            await _subscription.DisposeAsync().ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Consumer} consumes channel '{Channel}' (MaxParallel {MaxParallel})")]
    private partial void LogStarted(string consumer, string channel, int maxParallel);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Consumer} stops consuming channel '{Channel}'; waiting for {Running} running handlers")]
    private partial void LogStopping(string consumer, string channel, int running);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Consumer} stopped consuming channel '{Channel}'")]
    private partial void LogStopped(string consumer, string channel);

    /// <summary>Subscribes with the channel's message type in hand, so the consumer can be called without reflection.</summary>
    private sealed class Subscriber(IServiceScopeFactory scopes, ConsumeOptions options, CancellationToken cancellationToken)
        : IQueueChannelVisitor<ValueTask<IQueueSubscription>>
    {
        public ValueTask<IQueueSubscription> Visit<T>(IQueueChannel<T> channel)
        {
            if (!typeof(IConsumer<T>).IsAssignableFrom(typeof(TConsumer)))
                throw new InvalidOperationException(
                    $"{typeof(TConsumer).FullName} cannot consume {typeof(TChannel).FullName} (channel '{channel.Definition.Name}'): " +
                    $"it must implement IConsumer<{typeof(T).FullName}>.");

            return channel.ConsumeAsync(async (message, ct) =>
            {
                var scope = scopes.CreateAsyncScope();
                await using (scope.ConfigureAwait(false))
                {
                    var consumer = (IConsumer<T>)scope.ServiceProvider.GetRequiredService<TConsumer>();
                    await consumer.ConsumeAsync(message, ct).ConfigureAwait(false);
                }
            }, options, cancellationToken);
        }
    }
}
