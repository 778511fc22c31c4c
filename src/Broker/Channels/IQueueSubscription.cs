namespace Broker;

/// <summary>A running subscription. Disposing it stops consuming at once; <see cref="StopAsync"/> stops gracefully.</summary>
/// <remarks>
/// Disposing cancels the token of every running handler, waits for the handlers to return and hands their messages
/// back to the broker for redelivery.
/// </remarks>
public interface IQueueSubscription : IAsyncDisposable
{
    /// <summary>The channel name.</summary>
    string Channel { get; }

    /// <summary>How many handlers are running right now.</summary>
    int RunningHandlers { get; }

    /// <summary>
    /// Stops taking messages, hands back messages that were delivered but not started, and waits for running handlers
    /// to finish. When <paramref name="cancellationToken"/> fires first, running handlers are cancelled and their
    /// messages handed back for redelivery.
    /// </summary>
    /// <param name="cancellationToken">Ends the grace period.</param>
    /// <returns>Completes when no handler runs and the subscription is closed.</returns>
    Task StopAsync(CancellationToken cancellationToken);
}
