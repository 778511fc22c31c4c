using Broker.Testing.Tests.App;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Testing.Tests;

/// <summary>Each harness has its own broker, clock and records: tests running at once never see each other's messages.</summary>
public sealed class IsolationTests
{
    [Fact]
    public async Task HarnessesRunningAtOnceSeeOnlyTheirOwnMessages()
    {
        var harnesses = await Task.WhenAll(Enumerable.Range(1, 4).Select(_ =>
            BrokerTestHarness.StartAsync(services => services.AddShopApp().AddSingleton<IMailer>(new FakeMailer()))));
        try
        {
            await Task.WhenAll(harnesses.Select(async (harness, i) =>
            {
                var registrations = harness.GetChannel<IRegistrationChannel>();
                for (var n = 0; n < 5; n++)
                    await registrations.ProduceAsync(new User(i * 100 + n, $"user{i}-{n}"));
                await harness.Consumed(registrations, m => m.Data.Id == i * 100 + 4);
                // Only this harness's clock moves.
                await harness.AdvanceTimeAsync(TimeSpan.FromMinutes(i));
            }));

            for (var i = 0; i < harnesses.Length; i++)
            {
                await harnesses[i].WhenIdleAsync();
                var seen = harnesses[i].Seen<IRegistrationChannel, User>();
                Assert.Equal(10, seen.Count);
                Assert.All(seen, m => Assert.Equal(i, m.Data.Id / 100));
                Assert.Equal(new BrokerTestHarnessOptions().StartTime + TimeSpan.FromMinutes(i), harnesses[i].Clock.GetUtcNow());
            }
        }
        finally
        {
            foreach (var harness in harnesses)
                await harness.DisposeAsync();
        }
    }
}
