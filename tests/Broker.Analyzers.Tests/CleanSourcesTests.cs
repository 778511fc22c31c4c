using System.Xml.Linq;
using Broker.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Broker.Analyzers.Tests;

/// <summary>
/// The code we show users and the inputs the generator tests call valid get no Broker diagnostic at all, and every
/// channel in them is generated: a rule that fires on them is a rule that is wrong.
/// </summary>
public sealed class CleanSourcesTests
{
    // What Microsoft.NET.Sdk's ImplicitUsings adds to every sample project.
    private const string ImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    // The samples use [LoggerMessage], whose generator ships with Microsoft.Extensions.Logging and is not run here: its
    // partial methods are the only thing allowed to stay unimplemented.
    private const string LoggerMessageWithoutItsGenerator = "CS8795";

    public static TheoryData<string> SampleProjects =>
        [.. Directory.EnumerateFiles(RepositoryFiles.PathOf("samples"), "*.csproj", SearchOption.AllDirectories).Select(path => Path.GetFileNameWithoutExtension(path)!).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(SampleProjects))]
    public async Task SampleHasNoBrokerDiagnosticAndCompiles(string project)
    {
        var build = await BuildSampleAsync(project, []);

        Assert.True(!build.BrokerDiagnostics.Any(), BuildResult.Describe(build.BrokerDiagnostics));
        Assert.All(build.Channels, channel => Assert.True(BuildResult.IsImplemented(channel), $"{channel} was not generated."));
        var errors = build.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && d.Id != LoggerMessageWithoutItsGenerator);
        Assert.True(!errors.Any(), BuildResult.Describe(errors));
    }

    [Fact]
    public async Task SampleChannelsDeclareAtLeastOneChannel()
    {
        var build = await BuildSampleAsync("Sample.Channels", []);

        Assert.NotEmpty(build.Channels);
    }

    // Every string constant in the generator tests that declares a channel is an input those tests treat as valid.
    public static TheoryData<string> GeneratorTestInputs =>
        [.. GeneratorTestConstants().Select(c => c.Name)];

    [Theory]
    [MemberData(nameof(GeneratorTestInputs))]
    public async Task GeneratorTestInputHasNoBrokerDiagnosticAndEveryChannelIsGenerated(string name)
    {
        var source = GeneratorTestConstants().Single(c => c.Name == name).Value;
        // Some inputs use MongoDB.Bson's attributes, and the generator tests compile them with it: unresolved, the
        // attributes would be ignored and such an input would test less than it says.
        MetadataReference mongo = MetadataReference.CreateFromFile(typeof(MongoDB.Bson.ObjectId).Assembly.Location);
        var build = await SimulatedBuild.RunAsync(SimulatedBuild.Compile("TestAssembly", [SimulatedBuild.Parse(source, name + ".cs")], [mongo]));

        Assert.True(!build.BrokerDiagnostics.Any(), BuildResult.Describe(build.BrokerDiagnostics));
        Assert.NotEmpty(build.Channels);
        Assert.All(build.Channels, channel => Assert.True(BuildResult.IsImplemented(channel), $"{channel} was not generated."));
    }

    [Fact]
    public async Task GeneratorTestProjectSourcesHaveNoBrokerDiagnostic()
    {
        // The behaviour tests compile real channels into the test project itself.
        var directory = RepositoryFiles.PathOf("tests", "Broker.Generators.Tests");
        var trees = RepositoryFiles.SourcesOf(directory, "Snapshots").Select(path => SimulatedBuild.Parse(File.ReadAllText(path), path));
        // Those tests compare with MongoDB.Bson and use its attributes, so the project references it.
        MetadataReference mongo = MetadataReference.CreateFromFile(typeof(MongoDB.Bson.ObjectId).Assembly.Location);
        var build = await SimulatedBuild.RunAsync(SimulatedBuild.Compile("Broker.Generators.Tests", [.. trees, SimulatedBuild.Parse(ImplicitUsings, "Usings.cs")], [mongo]));

        Assert.True(!build.BrokerDiagnostics.Any(), BuildResult.Describe(build.BrokerDiagnostics));
        Assert.NotEmpty(build.Channels);
        Assert.All(build.Channels, channel => Assert.True(BuildResult.IsImplemented(channel), $"{channel} was not generated."));
    }

    private static IEnumerable<(string Name, string Value)> GeneratorTestConstants()
    {
        var directory = RepositoryFiles.PathOf("tests", "Broker.Generators.Tests");
        foreach (var path in RepositoryFiles.SourcesOf(directory, "Snapshots"))
        {
            var root = CSharpSyntaxTree.ParseText(File.ReadAllText(path), SimulatedBuild.ParseOptions).GetRoot();
            foreach (var declarator in root.DescendantNodes().OfType<VariableDeclaratorSyntax>())
            {
                var modifiers = declarator.Parent?.Parent switch
                {
                    FieldDeclarationSyntax field => field.Modifiers,
                    LocalDeclarationStatementSyntax local => local.Modifiers,
                    _ => default,
                };
                if (!modifiers.Any(SyntaxKind.ConstKeyword) ||
                    declarator.Initializer?.Value is not LiteralExpressionSyntax literal ||
                    literal.Token.Value is not string value ||
                    !value.Contains("[Channel(", StringComparison.Ordinal))
                    continue;
                yield return (Path.GetFileNameWithoutExtension(path) + "." + declarator.Identifier.ValueText, value);
            }
        }
    }

    // Compiles a sample and the sample projects it references, each with the generator and the analyzers, as MSBuild would.
    private static async Task<BuildResult> BuildSampleAsync(string project, HashSet<string> building)
    {
        if (!building.Add(project))
            throw new InvalidOperationException($"Sample project reference cycle through {project}.");
        var projectFile = Directory.EnumerateFiles(RepositoryFiles.PathOf("samples"), project + ".csproj", SearchOption.AllDirectories).Single();
        var directory = Path.GetDirectoryName(projectFile)!;
        var document = XDocument.Load(projectFile);

        var references = new List<MetadataReference>();
        foreach (var referenced in SampleReferences(projectFile))
        {
            var built = await BuildSampleAsync(referenced, building);
            references.Add(built.Output.ToMetadataReference());
            references.AddRange(built.Output.References.Where(r => r is CompilationReference));
        }
        building.Remove(project);

        var isExe = document.Descendants("OutputType").Any(e => e.Value == "Exe");
        var trees = RepositoryFiles.SourcesOf(directory).Select(path => SimulatedBuild.Parse(File.ReadAllText(path), path)).Append(SimulatedBuild.Parse(ImplicitUsings, "Usings.cs"));
        var compilation = SimulatedBuild.Compile(project, trees, references.Distinct(), isExe ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary);
        return await SimulatedBuild.RunAsync(compilation);
    }

    // Project references to other samples; references to src/ projects are covered by RuntimeReferences.
    private static IEnumerable<string> SampleReferences(string projectFile) =>
        XDocument.Load(projectFile).Descendants("ProjectReference")
            .Select(e => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(projectFile)!, e.Attribute("Include")!.Value.Replace('\\', Path.DirectorySeparatorChar))))
            .Where(path => path.StartsWith(RepositoryFiles.PathOf("samples"), StringComparison.Ordinal))
            .Select(Path.GetFileNameWithoutExtension)!;
}
