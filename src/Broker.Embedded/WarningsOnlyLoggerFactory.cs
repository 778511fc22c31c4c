using Microsoft.Extensions.Logging;

namespace Broker.Embedded;

/// <summary>
/// The loggers a shared directory's server core writes to: the application's, keeping warnings and errors only. The
/// server's information lines (one per connection and Hello) suit broker-server's own log; inside an application they
/// would be one line per client process start, and hundreds a second when clients come and go.
/// </summary>
internal sealed class WarningsOnlyLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) => new WarningsOnly(inner.CreateLogger(categoryName));

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    /// <summary>The application owns its logger factory: disposing this wrapper leaves it alone.</summary>
    public void Dispose()
    {
    }

    private sealed class WarningsOnly(ILogger logger) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => logger.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && logger.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                logger.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
