using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Testing;

namespace Broker.Analyzers.Tests.Infrastructure;

/// <summary>
/// Runs every Broker analyzer and code fix over test sources, as a user's build does: a test lists every diagnostic
/// it expects, so a diagnostic reported twice or by the wrong rule fails it. Sources compile against
/// <see cref="RuntimeReferences"/>, with no reference pack to download.
/// </summary>
internal sealed class BrokerAnalyzerTest : CSharpCodeFixTest<ChannelDeclarationAnalyzer, Broker.Analyzers.CodeFixes.AddPartialCodeFixProvider, DefaultVerifier>
{
    /// <summary>What every test source starts with: the Broker namespace and the seed's message type.</summary>
    public const string Preamble = """
        global using Broker;

        public sealed record User(int Id, string Username);

        """;

    public BrokerAnalyzerTest()
    {
        ReferenceAssemblies = new ReferenceAssemblies("net10.0");
        TestState.AdditionalReferences.AddRange(RuntimeReferences.All);
        SolutionTransforms.Add((solution, projectId) =>
        {
            var project = solution.GetProject(projectId)!;
            return solution.WithProjectParseOptions(projectId, ((CSharpParseOptions)project.ParseOptions!).WithLanguageVersion(LanguageVersion.Latest));
        });
    }

    protected override IEnumerable<DiagnosticAnalyzer> GetDiagnosticAnalyzers() => BrokerComponents.Analyzers();

    protected override IEnumerable<CodeFixProvider> GetCodeFixProviders() => BrokerComponents.CodeFixProviders();
}
