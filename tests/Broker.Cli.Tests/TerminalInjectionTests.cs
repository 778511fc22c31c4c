using Broker.Cli.Tests.Infrastructure;

namespace Broker.Cli.Tests;

/// <summary>
/// Text that comes from the broker's data (a handler's error text, header values, payload strings) is shown as text:
/// control characters such as ESC never reach the terminal raw, where they would recolour, retitle or rewrite it.
/// </summary>
public sealed class TerminalInjectionTests : IDisposable
{
    // Sets the window title, clears the screen and turns the text red: what a hostile error or header would do.
    private const string Hostile = "\u001b]0;owned\u0007\u001b[2J\u001b[31mred\u009b31m\rover";

    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task ControlCharactersInErrorsHeadersAndPayloadsAreNotWrittenRaw()
    {
        await using (var seed = TestBroker.Embedded(_directory.Path))
        {
            await seed.Orders.ProduceAsync(new Order(1, Hostile, [Hostile]), new ProduceOptions { Headers = new Dictionary<string, string> { ["x-evil"] = Hostile } });
            await seed.DeadLetterPaymentsAsync(1, _ => Hostile);
        }
        var data = new[] { "--data", _directory.Path };
        var list = (await BrokerCli.RunAsync(["dead-letters", "list", "cli/payments", .. data])).Exits(0);
        var id = (await BrokerCli.RunAsync(["dead-letters", "list", "cli/payments", "--json", .. data])).Exits(0).Json()
            .GetProperty("deadLetters")[0].GetProperty("id").GetInt64();
        var show = (await BrokerCli.RunAsync(["dead-letters", "show", "cli/payments", id.ToString(), .. data])).Exits(0);
        var peek = (await BrokerCli.RunAsync(["peek", "cli/orders", .. data])).Exits(0);

        foreach (var run in new[] { list, show, peek })
        {
            Assert.DoesNotContain(run.Output + run.Error, c => c is '\u001b' or '\u0007' or '\u009b' or '\r');
        }
        // Still readable: the control characters are shown escaped, the rest as it was.
        Assert.Contains("[31mred", show.Output, StringComparison.Ordinal);
        Assert.Contains("x-evil:", peek.Output, StringComparison.Ordinal);
    }
}
