#pragma warning disable CA1848, CA1873 // A handler logs as application code does, with the extension methods.
using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Broker.Observability.Tests;

public sealed class LogScopeTests
{
    [Fact]
    public async Task AHandlersOwnLogLinesCarryTheChannelTheMessageIdAndTheDeliveryCount()
    {
        var provider = new ScopeCapturingProvider();
        await using var broker = new TestBroker(services => services.AddLogging(l => l.AddProvider(provider)));
        var channel = broker.Get<IFlakyChannel>();
        var logger = broker.Get<ILoggerFactory>().CreateLogger("MyApp.OrderHandler");
        var done = new TaskCompletionSource();
        await using var subscription = await channel.ConsumeAsync((message, _) =>
        {
            logger.LogInformation("Handling order {Number}", message.Data.Number);
            if (message.Tries == 1)
                throw new InvalidOperationException("first try fails");
            done.TrySetResult();
            return ValueTask.CompletedTask;
        });

        var produced = await channel.ProduceAsync(new Order(9, "alan"));
        await done.Task.WaitAsync(TestBroker.Generous);

        var lines = provider.Lines.Where(l => l.Category == "MyApp.OrderHandler").ToList();
        Assert.Equal(2, lines.Count);
        for (var i = 0; i < 2; i++)
        {
            var scope = lines[i].Scope;
            Assert.Equal("obs/flaky", scope["messaging.destination.name"]);
            Assert.Equal(produced.MessageId, scope["messaging.message.id"]);
            Assert.Equal(i + 1, scope["messaging.broker.message.delivery_count"]);
        }
        // Outside a handler there is no message scope.
        logger.LogInformation("idle");
        Assert.Empty(provider.Lines.Last().Scope);
    }

    /// <summary>A logging provider that records each line with the scope values active when it was written.</summary>
    private sealed class ScopeCapturingProvider : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public ConcurrentQueue<(string Category, string Text, Dictionary<string, object?> Scope)> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(ScopeCapturingProvider owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scope = new Dictionary<string, object?>();
                owner._scopes.ForEachScope((value, bag) =>
                {
                    if (value is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        foreach (var (key, item) in pairs)
                            bag[key] = item;
                    }
                }, scope);
                owner.Lines.Enqueue((category, formatter(state, exception), scope));
            }
        }
    }
}
