using System.Collections.Immutable;
using System.Linq;
using Broker.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Broker.Analyzers;

/// <summary>
/// Reports BRK0013 when a channel's message type, or a type it reaches, cannot be encoded as BSON: which member, which
/// type and why. It runs the generator's own parser (compiled here by link), so it explains exactly the channels the
/// generator skips. The diagnostic underlines the message type in <c>IQueueChannel&lt;T&gt;</c>. The codecs of the
/// message types that parse are kept for BRK0018 (<see cref="UnknownSubtypes"/>), reported when the compilation ends.
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
            // Each channel's message type is parsed once: what fails is BRK0013 now, what parses feeds BRK0018 at the end.
            var subtypes = new UnknownSubtypes();
            start.RegisterSymbolAction(symbolContext => Analyze(symbolContext, channelAttributeType, subtypes), SymbolKind.NamedType);
            start.RegisterCompilationEndAction(subtypes.Report);
        });
    }

    private static void Analyze(SymbolAnalysisContext context, INamedTypeSymbol channelAttributeType, UnknownSubtypes subtypes)
    {
        var attribute = ChannelSymbols.GetChannelAttribute(context.Symbol, channelAttributeType);
        if (attribute is null)
        {
            subtypes.AddCandidate((INamedTypeSymbol)context.Symbol);
            return;
        }
        var channel = (INamedTypeSymbol)context.Symbol;
        // No single IQueueChannel<T>, or a T the compiler cannot resolve, is reported elsewhere (BRK0002, BRK0003, CS0246).
        if (ChannelDeclarationRules.GetMessageType(channel) is not { TypeKind: not TypeKind.Error } messageType) return;
        if (CodecParser.TryParse(messageType, context.Compilation, context.CancellationToken, out var codecs, out var problem))
        {
            subtypes.AddCarried(channel.Name, codecs);
            return;
        }

        // The diagnostic stays at the channel, where the generator gives up; a fix that changes a member or a
        // constructor parameter points there with an additional location.
        var fix = UnsupportedTypeFixes.For(problem!, messageType, context.Compilation, context.CancellationToken);
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
