using System;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Broker.Analyzers;

/// <summary>
/// BRK0007: two [Channel] interfaces with the same name would share one queue while expecting their own message
/// types. Each declaration of this compilation is reported at its name argument, naming the other interfaces: those of
/// this compilation, and those a referenced assembly already declares (read by <see cref="ReferencedChannelNames"/>),
/// since the generated <c>AddChannels()</c> registers both.
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
            var compilation = start.Compilation;
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
                if (declarations.IsEmpty) return;
                // Read only once this compilation is known to declare a channel, and only at its end.
                var referenced = ReferencedChannelNames.Of(compilation, channelAttributeType);
                foreach (var sameName in declarations.GroupBy(d => d.Name, StringComparer.Ordinal))
                {
                    var elsewhere = referenced.TryGetValue(sameName.Key, out var found)
                        ? found.OrderBy(d => d.Assembly, StringComparer.Ordinal).ThenBy(d => d.Interface, StringComparer.Ordinal)
                            .Select(d => d.Interface + "' in referenced assembly '" + d.Assembly).ToList()
                        : [];
                    if (sameName.Count() == 1 && elsewhere.Count == 0) continue;
                    var ordered = sameName.OrderBy(d => d.Interface, StringComparer.Ordinal).ToList();
                    foreach (var declaration in ordered)
                    {
                        var others = string.Join("', '", ordered.Where(d => !ReferenceEquals(d, declaration)).Select(d => d.Interface).Concat(elsewhere));
                        end.ReportDiagnostic(Diagnostic.Create(BrokerDiagnostics.DuplicateName, declaration.Location, declaration.Name, others));
                    }
                }
            });
        });
    }

    private sealed record Declaration(string Name, string Interface, Location Location);
}
