using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Broker.Analyzers;

/// <summary>
/// Reports every problem <see cref="ChannelDeclarationRules"/> finds in a [Channel] interface (BRK0001 to BRK0006,
/// BRK0008 to BRK0012 and BRK0015 to BRK0017), each at the span that has to change. The generator runs the same rules
/// and skips a declaration they block, so what the generator refuses is exactly what this analyzer explains.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ChannelDeclarationAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        BrokerDiagnostics.NotPartial,
        BrokerDiagnostics.NoQueueChannelBase,
        BrokerDiagnostics.MultipleQueueChannelBases,
        BrokerDiagnostics.Generic,
        BrokerDiagnostics.NotAccessible,
        BrokerDiagnostics.InvalidName,
        BrokerDiagnostics.InvalidDedup,
        BrokerDiagnostics.DedupOnAtLeastOnce,
        BrokerDiagnostics.InvalidMaxAttempts,
        BrokerDiagnostics.InvalidRetryDelay,
        BrokerDiagnostics.UnimplementableMember,
        BrokerDiagnostics.InvalidProcess,
        BrokerDiagnostics.ContainerNotPartial,
        BrokerDiagnostics.ImplementationNameTaken,
        BrokerDiagnostics.OrderByNotReadable,
        BrokerDiagnostics.UnsupportedOrderByType,
        BrokerDiagnostics.EmptyOrderBy);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var channelAttributeType = ChannelSymbols.GetChannelAttributeType(start.Compilation);
            if (channelAttributeType is null) return;
            start.RegisterSymbolAction(symbolContext => Analyze(symbolContext, channelAttributeType), SymbolKind.NamedType);
            start.RegisterSymbolAction(symbolContext => AnalyzeContainer(symbolContext, channelAttributeType), SymbolKind.NamedType);
        });
    }

    // BRK0016 underlines the containing type, so it is reported while that type is analyzed: a diagnostic outside the
    // symbol being analyzed would be non-local, which the IDE shows late and code fixes cannot fix.
    private static void AnalyzeContainer(SymbolAnalysisContext context, INamedTypeSymbol channelAttributeType)
    {
        var container = (INamedTypeSymbol)context.Symbol;
        foreach (var (channel, attribute) in NestedChannels(container, channelAttributeType))
        {
            foreach (var problem in ChannelDeclarationRules.Validate(channel, attribute, context.CancellationToken))
            {
                if (problem.Kind != ChannelProblemKind.ContainerNotPartial || !SymbolEqualityComparer.Default.Equals(problem.Member, container))
                    continue;
                var locator = new ChannelSourceLocator(channel, attribute, context.CancellationToken);
                var values = ChannelDeclarationRules.ReadAttribute(attribute);
                if (ChannelProblemDiagnostics.Create(problem, channel, values, locator.Locate(problem)) is { } diagnostic)
                    context.ReportDiagnostic(diagnostic);
            }
        }
    }

    private static IEnumerable<(INamedTypeSymbol Channel, AttributeData Attribute)> NestedChannels(INamedTypeSymbol container, INamedTypeSymbol channelAttributeType)
    {
        foreach (var nested in container.GetTypeMembers())
        {
            if (ChannelSymbols.GetChannelAttribute(nested, channelAttributeType) is { } attribute)
                yield return (nested, attribute);
            foreach (var deeper in NestedChannels(nested, channelAttributeType))
                yield return deeper;
        }
    }

    private static void Analyze(SymbolAnalysisContext context, INamedTypeSymbol channelAttributeType)
    {
        var attribute = ChannelSymbols.GetChannelAttribute(context.Symbol, channelAttributeType);
        if (attribute is null) return;
        var channel = (INamedTypeSymbol)context.Symbol;
        var problems = ChannelDeclarationRules.Validate(channel, attribute, context.CancellationToken);
        if (problems.Count == 0) return;

        var locator = new ChannelSourceLocator(channel, attribute, context.CancellationToken);
        var values = ChannelDeclarationRules.ReadAttribute(attribute);
        foreach (var problem in problems)
        {
            if (problem.Kind == ChannelProblemKind.ContainerNotPartial) continue; // Reported on the container: AnalyzeContainer.
            if (ChannelProblemDiagnostics.Create(problem, channel, values, locator.Locate(problem)) is { } diagnostic)
                context.ReportDiagnostic(diagnostic);
        }
    }
}
