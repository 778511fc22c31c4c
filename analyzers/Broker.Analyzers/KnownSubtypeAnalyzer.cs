using System.Collections.Immutable;
using Broker.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Broker.Analyzers;

/// <summary>
/// BRK0023: an <c>[assembly: BsonKnownSubtype(typeof(Base), typeof(Subtype))]</c> the generator cannot honour (the
/// subtype does not derive from the base, is generic, unreachable, of another assembly, or has members no codec can
/// write, or has a discriminator another declaration of the assembly registers under a common class), reported at the subtype's <c>typeof</c> with the reason <see cref="KnownSubtypeRules"/> gives, since the
/// generator then registers nothing and the subtype would fail only at run time.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class KnownSubtypeAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(BrokerDiagnostics.InvalidKnownSubtype);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var attributeType = start.Compilation.GetTypeByMetadataName(KnownSubtypeRules.AttributeMetadataName);
            if (attributeType is null) return;
            // Per attribute list, so an edit re-checks only the file it is in.
            start.RegisterSyntaxNodeAction(node =>
            {
                var list = (AttributeListSyntax)node.Node;
                if (list.Target is null || !list.Target.Identifier.IsKind(SyntaxKind.AssemblyKeyword)) return;
                // The subtypes of the declarations before this one: two that register the same discriminator under one
                // class would make the registry refuse the second when the assembly loads.
                var earlier = new System.Collections.Generic.List<INamedTypeSymbol>();
                foreach (var attribute in node.Compilation.Assembly.GetAttributes())
                {
                    if (!SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeType))
                        continue;
                    var inList = attribute.ApplicationSyntaxReference?.GetSyntax(node.CancellationToken) is AttributeSyntax syntax && list.Attributes.Contains(syntax);
                    var honoured = KnownSubtypeRules.TryRead(attribute, node.Compilation, node.CancellationToken, out var baseType, out var subtype, out _, out var problem);
                    if (honoured)
                    {
                        foreach (var other in earlier)
                        {
                            if (problem is not null) break;
                            if (!SymbolEqualityComparer.Default.Equals(other, subtype))
                                problem = KnownSubtypeRules.ClashBetween(subtype, other, node.Compilation);
                        }
                        earlier.Add(subtype);
                    }
                    if (!inList || problem is null)
                        continue;
                    var site = (AttributeSyntax)attribute.ApplicationSyntaxReference!.GetSyntax(node.CancellationToken);
                    var location = site.ArgumentList?.Arguments.Count == 2 ? site.ArgumentList.Arguments[1].GetLocation() : site.GetLocation();
                    node.ReportDiagnostic(Diagnostic.Create(BrokerDiagnostics.InvalidKnownSubtype, location, subtype.Name, baseType.Name, problem));
                }
            }, SyntaxKind.AttributeList);
        });
    }
}
