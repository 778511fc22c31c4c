using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Broker.Cli.Output;

/// <summary>
/// The broker's own log (an embedded directory's recovery, a client's reconnects) on standard error, warnings and worse
/// only: a command line shows what went wrong, not the engine's routine.
/// </summary>
internal sealed class StandardErrorLoggerProvider(IAnsiConsole error) : ILoggerProvider
{
    /// <summary>A logger factory that writes to <paramref name="error"/>.</summary>
    public static ILoggerFactory CreateFactory(IAnsiConsole error) =>
        LoggerFactory.Create(builder => builder.AddProvider(new StandardErrorLoggerProvider(error)).SetMinimumLevel(LogLevel.Warning));

    public ILogger CreateLogger(string categoryName) => new Logger(error);

    public void Dispose()
    {
    }

    private sealed class Logger(IAnsiConsole error) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
                return;
            var colour = logLevel == LogLevel.Warning ? "yellow" : "red";
            var level = logLevel == LogLevel.Warning ? "warning" : "error";
            var message = formatter(state, exception);
            if (exception is not null && !message.Contains(exception.Message, StringComparison.Ordinal))
                message += ": " + exception.Message;
            lock (error)
                error.MarkupLineInterpolated($"[{colour}]broker: {level}:[/] {Formats.Printable(message)}");
        }
    }
}
