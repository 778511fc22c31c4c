using System.Collections.Immutable;
using Broker.Generators;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Broker.Analyzers.Tests.Infrastructure;

/// <summary>
/// What a build of a project with the Broker package does, in memory: the generator runs first, then the compiler and
/// the analyzers look at the compilation that includes the generated code.
/// </summary>
internal static class SimulatedBuild
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    public static SyntaxTree Parse(string source, string path) => CSharpSyntaxTree.ParseText(source, ParseOptions, path: path);

    public static CSharpCompilation Compile(string assemblyName, IEnumerable<SyntaxTree> sources, IEnumerable<MetadataReference>? references = null, OutputKind kind = OutputKind.DynamicallyLinkedLibrary) =>
        CSharpCompilation.Create(
            assemblyName,
            sources,
            RuntimeReferences.All.AddRange(references ?? []),
            new CSharpCompilationOptions(kind, nullableContextOptions: NullableContextOptions.Enable));

    public static async Task<BuildResult> RunAsync(Compilation compilation)
    {
        CSharpGeneratorDriver.Create([new ChannelGenerator().AsSourceGenerator()], parseOptions: ParseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        var diagnostics = await output
            .WithAnalyzers(BrokerComponents.Analyzers(), new CompilationWithAnalyzersOptions(new AnalyzerOptions([]), null, concurrentAnalysis: true, logAnalyzerExecutionTime: false))
            .GetAllDiagnosticsAsync();
        var generated = output.SyntaxTrees.Except(compilation.SyntaxTrees).ToImmutableArray();
        return new BuildResult(output, diagnostics, generated);
    }
}

/// <summary>The compilation with the generated code, every diagnostic of it, and the generated files.</summary>
internal sealed record BuildResult(Compilation Output, ImmutableArray<Diagnostic> Diagnostics, ImmutableArray<SyntaxTree> Generated)
{
    public IEnumerable<Diagnostic> BrokerDiagnostics => Diagnostics.Where(d => d.Id.StartsWith("BRK", StringComparison.Ordinal));

    // Warnings count: projects build with warnings as errors, and generated code must not break them.
    public IEnumerable<Diagnostic> ErrorsInGeneratedCode =>
        Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning && d.Location.SourceTree is { } tree && Generated.Contains(tree));

    /// <summary>Every [Channel] interface declared in the compilation's own source.</summary>
    public IReadOnlyList<INamedTypeSymbol> Channels => [.. AllTypes(Output.Assembly.GlobalNamespace).Where(IsChannel)];

    /// <summary>True when the generator implemented the channel (its nested Implementation class exists).</summary>
    public static bool IsImplemented(INamedTypeSymbol channel) =>
        channel.GetTypeMembers(ChannelDeclarationRules.ImplementationClassName).Any(t =>
            t.Locations.All(l => l.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true));

    public static string Describe(IEnumerable<Diagnostic> diagnostics) => string.Join("\n", diagnostics.Select(d => d.ToString()));

    private static bool IsChannel(INamedTypeSymbol type) =>
        type.TypeKind == TypeKind.Interface &&
        type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "Broker.ChannelAttribute");

    private static IEnumerable<INamedTypeSymbol> AllTypes(INamespaceOrTypeSymbol container)
    {
        foreach (var member in container.GetMembers())
        {
            if (member is INamespaceOrTypeSymbol nested)
            {
                if (nested is INamedTypeSymbol type) yield return type;
                foreach (var inner in AllTypes(nested)) yield return inner;
            }
        }
    }
}
