using Broker.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Cli.Tests.Infrastructure;

/// <summary>
/// An application of the test's own, on the embedded broker in a directory or on a server: what puts messages and dead
/// letters where the command line then looks, and what consumes them afterwards.
/// </summary>
public sealed class TestBroker : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private TestBroker(Action<BrokerBuilder> configure)
    {
        var services = new ServiceCollection();
        services.AddBroker(configure).AddChannels();
        _services = services.BuildServiceProvider();
    }

    public IOrders Orders => _services.GetRequiredService<IOrders>();

    public IPayments Payments => _services.GetRequiredService<IPayments>();

    /// <summary>The embedded broker on <paramref name="directory"/>, shared with other processes (the default) or not.</summary>
    public static TestBroker Embedded(string directory, bool shared = true) => new(b => b.UseEmbedded(directory, o => o.Shared = shared));

    public static TestBroker Server(string address, string token) => new(b => b.UseServer(address, o => o.Token = token));

    /// <summary>Produces orders 1..count.</summary>
    public async Task ProduceOrdersAsync(int count, IReadOnlyDictionary<string, string>? headers = null)
    {
        for (var number = 1; number <= count; number++)
            await Orders.ProduceAsync(new Order(number, $"customer {number}", ["apple", "pear"]), new ProduceOptions { Headers = headers });
    }

    /// <summary>Produces payments 1..count and fails each once, so each is dead-lettered with <paramref name="error"/>(number).</summary>
    public async Task DeadLetterPaymentsAsync(int count, Func<int, string> error)
    {
        for (var number = 1; number <= count; number++)
            await Payments.ProduceAsync(new Payment(number, number * 10.5m));
        await using (await Payments.ConsumeAsync((message, _) => throw new InvalidOperationException(error(message.Data.Number))))
        {
            await Waits.UntilAsync(async () => (await Payments.DeadLetters.ListAsync(limit: 1000)).Count == count, $"{count} dead letters");
        }
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
