namespace Broker.Packaging.Tests;

/// <summary>
/// One PackageReference to Broker is enough: a new worker application outside the repository builds against the
/// packed package with the generated code and no warning, produces and consumes on the embedded broker in a generic
/// host, and gets a BRK error for a bad declaration; a new web app does the same from an endpoint; and two processes of
/// one new application share one embedded data directory at once, one hosting it for the other.
/// </summary>
[Collection(PackingCollection.Name)]
public sealed class FreshAppTests(PackedRepository packed)
{
    private static DotnetCli.Result Succeeded(FreshApp app, DotnetCli.Result? step, string name)
    {
        Assert.True(step is not null, $"{name} did not run because an earlier step failed:\n{app.Log}");
        Assert.True(step.ExitCode == 0, $"{name} failed: {step}");
        return step;
    }

    [Fact]
    public async Task BuildsWithTheGeneratedCodeAndNoWarnings()
    {
        var app = await packed.FreshApp;

        var build = Succeeded(app, app.Build, "dotnet build");

        Assert.Contains("0 Warning(s)", build.Output, StringComparison.Ordinal);
        // EmitCompilerGeneratedFiles writes what the generator added to the compilation: it came from the package.
        var generated = Path.Combine(app.Directory, "obj", "Debug", "net10.0", "generated", "Broker.Generators", "Broker.Generators.ChannelGenerator");
        Assert.True(File.Exists(Path.Combine(generated, "Shop.IOrderChannel.Channel.g.cs")), $"No generated channel under {generated}.");
        Assert.True(File.Exists(Path.Combine(generated, "Shop.OrderCodec.g.cs")), $"No generated codec under {generated}.");
    }

    [Fact]
    public async Task ProducesAndConsumesOnTheEmbeddedBrokerInAGenericHost()
    {
        var app = await packed.FreshApp;

        var run = Succeeded(app, app.Run, "the application");

        Assert.Contains("produced: Enqueued", run.Output, StringComparison.Ordinal);
        Assert.Contains("consumed: 7 Ada tea+cake", run.Output, StringComparison.Ordinal);
        Assert.Contains("health: Healthy", run.Output, StringComparison.Ordinal);
        // UseEmbedded kept the message in the durable log's directory, which the application named.
        Assert.True(Directory.Exists(Path.Combine(app.Directory, "broker-data")), "UseEmbedded made no broker-data directory.");
    }

    [Fact]
    public async Task RunsTheGeneratedImplementationAndCodec()
    {
        var app = await packed.FreshApp;

        var run = Succeeded(app, app.Run, "the application");

        Assert.Contains("definition: shop/orders ExactlyOnce 00:05:00", run.Output, StringComparison.Ordinal);
        Assert.Contains("round trip: 7 Ada tea+cake", run.Output, StringComparison.Ordinal);
    }

    // The issue's other first hour: a web app. The ASP.NET Core shared framework brings the host; Broker is its only
    // package reference.
    [Fact]
    public async Task WebAppWithOnlyBrokerProducesFromAnEndpointAndConsumes()
    {
        var app = await packed.WebApp;

        var build = Succeeded(app, app.Build, "dotnet build of the web app");
        var run = Succeeded(app, app.Run, "the web app");

        Assert.Contains("0 Warning(s)", build.Output, StringComparison.Ordinal);
        Assert.Contains("produced: Enqueued", run.Output, StringComparison.Ordinal);
        Assert.Contains("consumed: 8 Grace bread", run.Output, StringComparison.Ordinal);
        Assert.Contains("health: Healthy", run.Output, StringComparison.Ordinal);
    }

    // The shared embedded broker's promise, from the package alone: an app and its worker on one directory at once. Each
    // process waits for the other's messages, so they overlap whichever starts first: one hosts the directory, and the
    // other uses it through the host's socket.
    [Fact]
    public async Task TwoProcessesShareOneEmbeddedDirectoryOneProducingOneConsuming()
    {
        var app = await packed.PairApp;
        Assert.True(app.Build.ExitCode == 0, $"dotnet build of the two-process app failed: {app.Build}");
        Assert.True(app.Consumer is { ExitCode: 0 } && app.Producer is { ExitCode: 0 }, $"A process failed:\n{app.Log}");

        Assert.Contains("produced: 3 Enqueued", app.Producer.Output, StringComparison.Ordinal);
        Assert.Contains("consume done: 1,2,3", app.Consumer.Output, StringComparison.Ordinal);
        Assert.Contains("produce done: 1,2,3", app.Producer.Output, StringComparison.Ordinal);
        // Broker.Embedded logs each process's role: one hosted, and the other was its client.
        Assert.Contains("Hosting the embedded broker", app.Consumer.Output + app.Producer.Output, StringComparison.Ordinal);
        Assert.Contains(", through its socket ", app.Consumer.Output + app.Producer.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadDeclarationFailsTheBuildWithABrokerError()
    {
        var app = await packed.FreshApp;
        var build = app.BuildWithBadDeclaration;
        Assert.True(build is not null, "The build with the bad declaration did not run because an earlier step failed:\n" + app.Log);

        Assert.True(build.ExitCode != 0, "The build with a non-partial channel interface succeeded:\n" + build);
        Assert.Matches(@"RefundChannel\.cs\(6,18\): error BRK0001: Channel interface 'IRefundChannel' must be partial", build.Output);
    }
}
