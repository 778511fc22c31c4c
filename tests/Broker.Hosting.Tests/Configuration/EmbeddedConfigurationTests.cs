using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static Broker.Hosting.Tests.Configuration.ConfiguredHost;

namespace Broker.Hosting.Tests.Configuration;

public sealed class EmbeddedConfigurationTests
{
    private const long OneMiB = 1024 * 1024;

    [Fact]
    public async Task UseEmbeddedOpensTheDirectoryConfigurationNamesWithItsSettings()
    {
        using var directory = new TempDirectory();
        KeyValuePair<string, string?>[] settings =
        [
            Setting("Broker:Embedded:Path", directory.Path),
            Setting("Broker:Embedded:Durability", "buffered"),
            Setting("Broker:Embedded:SegmentBytes", "1MiB"),
        ];

        // The app produces and stops; the backlog is in the directory configuration named.
        using (var app = Build(settings, b => b.UseEmbedded()))
        {
            await app.StartAsync();
            var channel = app.Services.GetRequiredService<ISignupChannel>();
            for (var i = 0; i < 3; i++)
                await channel.ProduceAsync(new Signup(i, $"u{i}@example.com"));
            await app.StopAsync();
        }
        // Segment files are created at their full size: the size came from "1MiB".
        Assert.Equal([OneMiB], directory.SegmentSizes());

        // A worker configured the same way finds the backlog.
        var probe = new ParallelProbe();
        using var worker = Build(settings, b => b.UseEmbedded(), services => services.AddSingleton(probe).AddConsumer<ISignupChannel, ProbedSignupConsumer>(o => o.MaxParallel = 3));
        await worker.StartAsync();
        Assert.Equal(3, await probe.RunningAfterAsync(3));
        probe.Release();
        await worker.StopAsync();
        Assert.Equal([0, 1, 2], probe.Finished.Order());
    }

    [Fact]
    public async Task EnvironmentVariablesConfigureTheEmbeddedBroker()
    {
        using var directory = new TempDirectory();
        var prefix = "BROKER_TEST_" + Guid.NewGuid().ToString("N")[..8] + "_";
        string[] variables = [prefix + "Broker__Embedded__Path", prefix + "Broker__Embedded__SegmentBytes"];
        Environment.SetEnvironmentVariable(variables[0], directory.Path);
        Environment.SetEnvironmentVariable(variables[1], "2 MiB");
        try
        {
            using var host = Build([], b => b.UseEmbedded(), sources: sources => sources.AddEnvironmentVariables(prefix));
            await host.StartAsync();
            await host.Services.GetRequiredService<ISignupChannel>().ProduceAsync(new Signup(1, "env@example.com"));
            await host.StopAsync();

            Assert.Equal([2 * OneMiB], directory.SegmentSizes());
        }
        finally
        {
            foreach (var variable in variables)
                Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task ThePathAndTheLambdaInCodeWinOverConfiguration()
    {
        using var configured = new TempDirectory();
        using var inCode = new TempDirectory();
        using var host = Build(
            [Setting("Broker:Embedded:Path", configured.Path), Setting("Broker:Embedded:SegmentBytes", "1MiB")],
            b => b.UseEmbedded(inCode.Path, o => o.SegmentBytes = 2 * OneMiB));

        await host.StartAsync();
        await host.Services.GetRequiredService<ISignupChannel>().ProduceAsync(new Signup(1, "code@example.com"));
        await host.StopAsync();

        Assert.True(configured.IsUntouched);
        Assert.Equal([2 * OneMiB], inCode.SegmentSizes());
    }

    [Fact]
    public async Task InMemoryReadsItsMessageLimitFromConfiguration()
    {
        using var host = Build([Setting("Broker:InMemory:MaxMessageBytes", "64")], b => b.UseInMemory());
        await host.StartAsync();
        var channel = host.Services.GetRequiredService<ISignupChannel>();

        await channel.ProduceAsync(new Signup(1, "a@b.c"));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await channel.ProduceAsync(new Signup(2, new string('x', 100) + "@example.com")));
        await host.StopAsync();
    }
}
