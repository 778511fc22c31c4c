namespace Broker.Packaging.Tests;

/// <summary>
/// A new application (<see cref="FreshProject.PairProgram"/>) restored from the feed, built once and run as two
/// processes at the same time on one data directory: a consumer and a producer. Null means the run did not happen
/// because the build failed.
/// </summary>
internal sealed class FreshPairApp
{
    public required string Directory { get; init; }

    public required DotnetCli.Result Build { get; init; }

    public DotnetCli.Result? Consumer { get; init; }

    public DotnetCli.Result? Producer { get; init; }

    /// <summary>What every step that ran printed, for failure messages.</summary>
    public string Log => string.Join("\n", new[] { Build, Consumer, Producer }.Where(r => r is not null));

    public static async Task<FreshPairApp> CreateAsync(PackedRepository packed)
    {
        packed.AssertPacked();
        var app = Path.Combine(packed.Root, "pair");
        System.IO.Directory.CreateDirectory(app);
        await File.WriteAllTextAsync(Path.Combine(app, "App.csproj"), FreshProject.Project(packed.Version));
        await File.WriteAllTextAsync(Path.Combine(app, "Channels.cs"), FreshProject.Channels);
        await File.WriteAllTextAsync(Path.Combine(app, "Receipts.cs"), FreshProject.Receipts);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), FreshProject.PairProgram);

        var build = await DotnetCli.RunAsync(app, Packing.StepTimeout, "build", "--disable-build-servers", "-nodeReuse:false");
        if (build.ExitCode != 0)
            return new FreshPairApp { Directory = app, Build = build };
        // Both from the application's folder, so both open its "broker-data"; each waits for the other's messages.
        var program = Path.Combine(app, "bin", "Debug", "net10.0", "App.dll");
        var consumer = DotnetCli.RunAsync(app, Packing.StepTimeout, program, "consume");
        var producer = DotnetCli.RunAsync(app, Packing.StepTimeout, program, "produce");
        return new FreshPairApp { Directory = app, Build = build, Consumer = await consumer, Producer = await producer };
    }
}
