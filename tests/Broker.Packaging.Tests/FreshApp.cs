namespace Broker.Packaging.Tests;

/// <summary>
/// A new application (<see cref="FreshProject"/>) in a folder outside the repository, restored from the feed: built,
/// run, and for the worker built again with a bad channel declaration added. Each step runs only when the one before
/// it succeeded; null means it did not run.
/// </summary>
internal sealed class FreshApp
{
    public required string Directory { get; init; }

    public required DotnetCli.Result Build { get; init; }

    public DotnetCli.Result? Run { get; init; }

    public DotnetCli.Result? BuildWithBadDeclaration { get; init; }

    /// <summary>What every step that ran printed, for failure messages.</summary>
    public string Log => string.Join("\n", new[] { Build, Run, BuildWithBadDeclaration }.Where(r => r is not null));

    /// <summary>The worker: built, run, and built again with a bad declaration.</summary>
    public static Task<FreshApp> CreateWorkerAsync(PackedRepository packed) =>
        CreateAsync(packed, "app", FreshProject.Project(packed.Version), FreshProject.Program, buildBadDeclaration: true);

    /// <summary>The web app: built and run.</summary>
    public static Task<FreshApp> CreateWebAsync(PackedRepository packed) =>
        CreateAsync(packed, "web", FreshProject.WebProject(packed.Version), FreshProject.WebProgram, buildBadDeclaration: false);

    private static async Task<FreshApp> CreateAsync(PackedRepository packed, string name, string project, string program, bool buildBadDeclaration)
    {
        packed.AssertPacked();
        var app = Path.Combine(packed.Root, name);
        System.IO.Directory.CreateDirectory(app);
        await File.WriteAllTextAsync(Path.Combine(app, "App.csproj"), project);
        await File.WriteAllTextAsync(Path.Combine(app, "Channels.cs"), FreshProject.Channels);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), program);

        var build = await DotnetCli.RunAsync(app, Packing.StepTimeout, "build", "--disable-build-servers", "-nodeReuse:false");
        if (build.ExitCode != 0)
            return new FreshApp { Directory = app, Build = build };
        // Run from the application's folder, where it keeps its embedded broker's data ("broker-data").
        var run = await DotnetCli.RunAsync(app, Packing.StepTimeout, Path.Combine(app, "bin", "Debug", "net10.0", "App.dll"));
        if (!buildBadDeclaration)
            return new FreshApp { Directory = app, Build = build, Run = run };

        await File.WriteAllTextAsync(Path.Combine(app, "RefundChannel.cs"), FreshProject.BadChannel);
        var bad = await DotnetCli.RunAsync(app, Packing.StepTimeout, "build", "--no-restore", "--disable-build-servers", "-nodeReuse:false");
        return new FreshApp { Directory = app, Build = build, Run = run, BuildWithBadDeclaration = bad };
    }
}
