using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Broker.Embedded.Tests.Attacks;

/// <summary>
/// A logger factory that keeps every line in memory, so an attack can count what a process says (one warning per retry
/// is log spam) and wait for the line that shows the attack landed, instead of sleeping.
/// </summary>
internal sealed class CapturedLog : ILoggerFactory, ILoggerProvider
{
    private readonly ConcurrentQueue<Line> _lines = new();

    /// <summary>One line as a logger wrote it.</summary>
    public sealed record Line(string Category, LogLevel Level, string Text, Exception? Exception)
    {
        /// <summary>The text and the exception's messages, for matching.</summary>
        public string Full => Exception is null ? Text : $"{Text} {Exception}";
    }

    public IReadOnlyList<Line> Lines => [.. _lines];

    public int Count(Func<Line, bool> match) => _lines.Count(match);

    /// <summary>Waits until a line matches, checking every 10 ms, for <paramref name="timeout"/> at most.</summary>
    public async Task<Line> UntilAsync(Func<Line, bool> match, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_lines.FirstOrDefault(match) is { } line)
                return line;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Waited {timeout.TotalSeconds:0} s for {what}; the log said: {string.Join(" | ", _lines.Select(l => l.Text).TakeLast(10))}");
            await Task.Delay(10);
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            log._lines.Enqueue(new Line(category, logLevel, formatter(state, exception), exception));
    }
}
