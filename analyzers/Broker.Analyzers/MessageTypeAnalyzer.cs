using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Broker.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Broker.Analyzers;

/// <summary>
/// Reports BRK0013 when a channel's message type, or a type it reaches, cannot be encoded as BSON: which member, which
/// type and why. It runs the generator's own parser (compiled here by link), so it explains exactly the channels the
/// generator skips. The diagnostic underlines the message type in <c>IQueueChannel&lt;T&gt;</c>. The codecs of the
/// message types that parse tell BRK0018 (<see cref="UnknownSubtypes"/>) which classes messages carry; each class with a
/// base class is checked against them as it is analyzed.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class MessageTypeAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } =
        ImmutableArray.Create(BrokerDiagnostics.UnsupportedMessageType, BrokerDiagnostics.UnknownSubtype);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var channelAttributeType = ChannelSymbols.GetChannelAttributeType(start.Compilation);
            if (channelAttributeType is null) return;
            // Each channel's message type is parsed once per compilation, when the first type is analyzed. A cancelled
            // build leaves nothing behind, and the next caller builds it again.
            var gate = new object();
            ChannelParses? parses = null;
            ChannelParses Parses(CancellationToken cancellationToken)
            {
                lock (gate)
                    return parses ??= ChannelParses.Build(start.Compilation, channelAttributeType, cancellationToken);
            }
            start.RegisterSymbolAction(symbolContext => Analyze(symbolContext, channelAttributeType, Parses(symbolContext.CancellationToken)), SymbolKind.NamedType);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, INamedTypeSymbol channelAttributeType, ChannelParses parses)
    {
        var attribute = ChannelSymbols.GetChannelAttribute(context.Symbol, channelAttributeType);
        if (attribute is null)
        {
            parses.Subtypes.Report(context, (INamedTypeSymbol)context.Symbol);
            return;
        }
        var channel = (INamedTypeSymbol)context.Symbol;
        if (!parses.TryGet(channel, out var messageType, out var problem) || problem is null) return;

        // The diagnostic stays at the channel, where the generator gives up; a fix that changes a member or a
        // constructor parameter points there with an additional location.
        var fix = UnsupportedTypeFixes.For(problem!, messageType, context.Compilation, context.CancellationToken);
        // A type of a referenced project is a source symbol in the IDE, but its file belongs to another compilation, where
        // a diagnostic of this one cannot point (and a fix of this project should not edit).
        if (fix is not null && !fix.AdditionalLocations.All(l => l.SourceTree is { } tree && context.Compilation.ContainsSyntaxTree(tree)))
            fix = null;
        context.ReportDiagnostic(Diagnostic.Create(
            BrokerDiagnostics.UnsupportedMessageType,
            Locate(channel, attribute, context.CancellationToken),
            fix?.AdditionalLocations,
            fix?.Properties,
            channel.Name,
            problem!.Path,
            problem.TypeName,
            problem.Reason + fix?.MessageSuffix));
    }

    // The type argument of IQueueChannel<T> in the part that carries [Channel], or the base list entry that brings it in.
    private static Location Locate(INamedTypeSymbol channel, AttributeData attribute, System.Threading.CancellationToken cancellationToken)
    {
        var declaration = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken).Parent?.Parent as TypeDeclarationSyntax;
        var parts = channel.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<TypeDeclarationSyntax>();
        foreach (var part in declaration is null ? parts : new[] { declaration }.Concat(parts))
        {
            foreach (var entry in part.BaseList?.Types ?? default)
            {
                var name = entry.Type is QualifiedNameSyntax qualified ? qualified.Right : entry.Type as SimpleNameSyntax;
                if (name is GenericNameSyntax { Identifier.ValueText: "IQueueChannel", TypeArgumentList.Arguments.Count: 1 } generic)
                    return generic.TypeArgumentList.Arguments[0].GetLocation();
            }
            if (part.BaseList?.Types.FirstOrDefault() is { } first)
                return first.GetLocation();
        }
        return channel.Locations.FirstOrDefault() ?? Location.None;
    }
}
