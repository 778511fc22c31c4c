using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Broker.Hosting;

/// <summary>Consumes one channel with one consumer class for the lifetime of the host.</summary>
/// <remarks>
/// The channel and the options are resolved in <see cref="StartAsync"/>, not when the host creates its hosted services:
/// the channel opens the adapter, and the host must first have checked the configuration of both (ValidateOnStart) and
/// reported every problem at once.
/// </remarks>
internal sealed partial class ConsumerHostedService<TChannel, TConsumer>(
    IServiceProvider services,
    Func<IServiceProvider, ConsumeOptions> options,
    ILogger logger) : IHostedService, IAsyncDisposable
    where TChannel : class, IQueueChannel
    where TConsumer : class
{
    private IQueueSubscription? _subscription;
    private string _channel = "";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options(services);
        // Said in Broker's words: dependency injection's own error does not say where channels come from (BRK0019).
        var channel = services.GetService<TChannel>() ?? throw new InvalidOperationException(
            UnregisteredChannels.Message(typeof(TChannel), $"{typeof(TConsumer).Name} cannot consume it"));
        _channel = channel.Definition.Name;
        _subscription = await channel.Accept(new Subscriber(services.GetRequiredService<IServiceScopeFactory>(), settings, cancellationToken)).ConfigureAwait(false);
        LogStarted(typeof(TConsumer).Name, _channel, settings.MaxParallel);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_subscription is null) return;
        LogStopping(typeof(TConsumer).Name, _channel, _subscription.RunningHandlers);
        // The host's token fires when its shutdown timeout is up: handlers still running then are cancelled and their
        // messages handed back for redelivery.
        await _subscription.StopAsync(cancellationToken).ConfigureAwait(false);
        LogStopped(typeof(TConsumer).Name, _channel);
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
                // Disposed by hand: `await using (scope.ConfigureAwait(false))` boxed the AsyncServiceScope struct
                // into an IAsyncDisposable for every message.
                var scope = scopes.CreateAsyncScope();
                try
                {
                    var consumer = (IConsumer<T>)scope.ServiceProvider.GetRequiredService<TConsumer>();
                    await consumer.ConsumeAsync(message, ct).ConfigureAwait(false);
                }
                finally
                {
                    await scope.DisposeAsync().ConfigureAwait(false);
                }
            }, options, cancellationToken);
        }
    }
}
