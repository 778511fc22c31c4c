namespace Broker.Packaging.Tests;

/// <summary>The broker command line packs as the dotnet tool broker, installs like any tool, and runs from its tool path.</summary>
[Collection(PackingCollection.Name)]
public sealed class CliToolTests(PackedRepository packed)
{
    [Fact]
    public async Task InstalledCommandShowsItsCommands()
    {
        var cli = await packed.Cli;

        var run = await cli.RunAsync("--help");

        Assert.True(run.ExitCode == 0, run.ToString());
        foreach (var command in new[] { "channels", "peek", "dead-letters", "purge", "stats" })
            Assert.Contains(command, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InstalledCommandOpensNoDirectoryThatIsNotThere()
    {
        var cli = await packed.Cli;
        var missing = Path.Combine(packed.Root, "no-such-data");

        var run = await cli.RunAsync("channels", "--data", missing, "--interval", "0");

        // 5: cannot connect (docs/cli.md), naming the directory, which is never created.
        Assert.True(run.ExitCode == 5, run.ToString());
        Assert.Contains(missing, run.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }
}
