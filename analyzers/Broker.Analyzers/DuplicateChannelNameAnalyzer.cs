using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Broker.Analyzers;

/// <summary>
/// BRK0007: two [Channel] interfaces of one compilation with the same name would share one queue while expecting
/// their own message types. Each declaration is reported at its name argument, naming the other interfaces.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class DuplicateChannelNameAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(BrokerDiagnostics.DuplicateName);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var channelAttributeType = ChannelSymbols.GetChannelAttributeType(start.Compilation);
            if (channelAttributeType is null) return;

            var declarations = new ConcurrentBag<Declaration>();
            start.RegisterSymbolAction(symbolContext =>
            {
                var attribute = ChannelSymbols.GetChannelAttribute(symbolContext.Symbol, channelAttributeType);
                if (attribute is null) return;
                var name = ChannelDeclarationRules.ReadAttribute(attribute).Name;
                // An invalid name is BRK0006's business; comparing it would only repeat that error.
                if (!ChannelNameRules.IsValid(name, out _)) return;
                var channel = (INamedTypeSymbol)symbolContext.Symbol;
                var locator = new ChannelSourceLocator(channel, attribute, symbolContext.CancellationToken);
                declarations.Add(new Declaration(name!, channel.ToDisplayString(), locator.NameArgument ?? locator.Identifier));
            }, SymbolKind.NamedType);

            start.RegisterCompilationEndAction(end =>
            {
                foreach (var sameName in declarations.GroupBy(d => d.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
                {
                    var ordered = sameName.OrderBy(d => d.Interface, StringComparer.Ordinal).ToList();
                    foreach (var declaration in ordered)
                    {
                        var others = string.Join("', '", ordered.Where(d => !ReferenceEquals(d, declaration)).Select(d => d.Interface));
                        end.ReportDiagnostic(Diagnostic.Create(BrokerDiagnostics.DuplicateName, declaration.Location, declaration.Name, others));
                    }
                }
            });
        });
    }

    private sealed record Declaration(string Name, string Interface, Location Location);
}
