using System.Reflection;
using Broker.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Broker.Analyzers.Tests;

/// <summary>
/// The catalog, the analyzers, the release tracking file, the docs and the shared rules tell one story: every id has
/// one descriptor, one analyzer, one help page and one release entry, and every problem the rules can find has a
/// diagnostic whose severity matches whether it blocks generation.
/// </summary>
public sealed class DiagnosticCatalogTests
{
    private static readonly DiagnosticDescriptor[] Descriptors = typeof(BrokerDiagnostics)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .ToArray();

    private static readonly DiagnosticAnalyzer[] Analyzers = [.. BrokerComponents.Analyzers()];

    public static TheoryData<string> Ids => [.. Descriptors.Select(d => d.Id)];

    [Fact]
    public void IdsAreUniqueAndNumberedFromBrk0001WithoutGaps()
    {
        var ids = Descriptors.Select(d => d.Id).ToArray();
        Assert.Equal(ids.Length, ids.Distinct(StringComparer.Ordinal).Count());
        var numbered = ids.OrderBy(id => id, StringComparer.Ordinal).ToArray();
        Assert.Equal(Enumerable.Range(1, numbered.Length).Select(n => $"BRK{n:0000}"), numbered);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void EachIdIsReportedByExactlyOneAnalyzer(string id) =>
        Assert.Single(Analyzers, analyzer => analyzer.SupportedDiagnostics.Any(d => d.Id == id));

    [Theory]
    [MemberData(nameof(Ids))]
    public void HelpLinkPointsAtThePageOfTheIdAndThePageExists(string id)
    {
        var descriptor = Descriptors.Single(d => d.Id == id);
        Assert.Equal(BrokerDiagnostics.HelpLinkBase + id + ".md", descriptor.HelpLinkUri);
        var page = Path.Combine(RepositoryRoot(), "docs", "diagnostics", id + ".md");
        Assert.True(File.Exists(page), $"{page} is missing.");
        Assert.StartsWith($"# {id}: {descriptor.Title}", File.ReadAllText(page), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void DiagnosticsIndexListsTheIdWithItsSeverityAndCategory(string id)
    {
        var descriptor = Descriptors.Single(d => d.Id == id);
        var index = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "diagnostics", "README.md"));
        Assert.Contains($"| [{id}]({id}.md) | {descriptor.DefaultSeverity} | {descriptor.Category} |", index, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void ReleaseTrackingListsTheIdWithItsSeverityAndCategory(string id)
    {
        var descriptor = Descriptors.Single(d => d.Id == id);
        var unshipped = File.ReadAllText(Path.Combine(RepositoryRoot(), "analyzers", "Broker.Analyzers", "AnalyzerReleases.Unshipped.md"));
        Assert.Contains($"{id} | {descriptor.Category} | {descriptor.DefaultSeverity} |", unshipped, StringComparison.Ordinal);
    }

    // Channels rules make the generator skip a declaration, so they must stop the build; a warning can only be Usage.
    [Theory]
    [MemberData(nameof(Ids))]
    public void ChannelsRulesAreErrorsAndWarningsAreUsageRules(string id)
    {
        var descriptor = Descriptors.Single(d => d.Id == id);
        Assert.Contains(descriptor.Category, new[] { BrokerDiagnostics.ChannelsCategory, BrokerDiagnostics.UsageCategory });
        if (descriptor.Category == BrokerDiagnostics.ChannelsCategory)
            Assert.Equal(DiagnosticSeverity.Error, descriptor.DefaultSeverity);
        if (descriptor.DefaultSeverity == DiagnosticSeverity.Warning)
            Assert.Equal(BrokerDiagnostics.UsageCategory, descriptor.Category);
    }

    // By name: the enum is internal to the analyzers, and a public test method cannot take it as a parameter.
    public static TheoryData<string> Kinds => [.. Enum.GetNames<ChannelProblemKind>()];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryProblemKindHasADiagnosticThatIsAnErrorExactlyWhenItBlocksGeneration(string kind)
    {
        var channel = CompileChannel();
        var problem = new ChannelProblem(Enum.Parse<ChannelProblemKind>(kind), ChannelProblemSite.InterfaceName, "detail");
        var diagnostic = ChannelProblemDiagnostics.Create(problem, channel, new ChannelAttributeValues(), Location.None);
        Assert.NotNull(diagnostic);
        Assert.Equal(problem.BlocksGeneration, diagnostic.Severity == DiagnosticSeverity.Error);
        Assert.Equal(problem.BlocksGeneration ? BrokerDiagnostics.ChannelsCategory : BrokerDiagnostics.UsageCategory, diagnostic.Descriptor.Category);
    }

    private static INamedTypeSymbol CompileChannel()
    {
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create("Catalog",
            [Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("interface IChannel;")]);
        return compilation.GetTypeByMetadataName("IChannel")!;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Broker.sln")))
                return directory.FullName;
        }
        throw new InvalidOperationException($"No Broker.sln above {AppContext.BaseDirectory}.");
    }
}
