using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Broker.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Broker.Analyzers;

/// <summary>
/// Reports BRK0018 on a class of this compilation that derives from a class a channel's message can hold, when the
/// codec does not know it: the generated codec writes only the types <c>[BsonKnownTypes]</c> lists (it has no codec
/// for any other), so such a value fails when produced. It needs every class of the compilation and every channel, so
/// it reports when the compilation ends; a derived class in another assembly cannot be seen from here.
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class UnknownSubtypeAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(BrokerDiagnostics.UnknownSubtype);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var channelAttributeType = ChannelSymbols.GetChannelAttributeType(start.Compilation);
            if (channelAttributeType is null) return;
            var channels = new ConcurrentBag<INamedTypeSymbol>();
            var derivedClasses = new ConcurrentBag<INamedTypeSymbol>();
            start.RegisterSymbolAction(symbolContext =>
            {
                var type = (INamedTypeSymbol)symbolContext.Symbol;
                if (ChannelSymbols.GetChannelAttribute(type, channelAttributeType) is not null)
                    channels.Add(type);
                else if (type is { TypeKind: TypeKind.Class, IsAbstract: false, BaseType.SpecialType: not SpecialType.System_Object })
                    derivedClasses.Add(type);
            }, SymbolKind.NamedType);
            start.RegisterCompilationEndAction(end => Report(end, channels, derivedClasses));
        });
    }

    private static void Report(CompilationAnalysisContext context, ConcurrentBag<INamedTypeSymbol> channels, ConcurrentBag<INamedTypeSymbol> derivedClasses)
    {
        if (derivedClasses.IsEmpty) return;
        // The classes a message can hold whose run-time type the codec checks, with the types it knows below each.
        var carried = new Dictionary<string, (HashSet<string> Known, string Channel)>();
        foreach (var channel in channels.OrderBy(c => c.Name, System.StringComparer.Ordinal))
        {
            if (ChannelDeclarationRules.GetMessageType(channel) is not { TypeKind: not TypeKind.Error } messageType) continue;
            // A message type the codec refuses is BRK0013's to report.
            if (!CodecParser.TryParse(messageType, context.Compilation, context.CancellationToken, out var codecs, out _)) continue;
            foreach (var codec in codecs)
            {
                if (!codec.Polymorphism.CanBeDerived || carried.ContainsKey(codec.TypeName)) continue;
                carried.Add(codec.TypeName, (new HashSet<string>(codec.Polymorphism.KnownTypes.Select(k => k.TypeName)), channel.Name));
            }
        }
        if (carried.Count == 0) return;

        foreach (var derived in derivedClasses)
        {
            var name = Names.TypeName(derived);
            // A class any carried ancestor lists is written by that ancestor's codec, even when a nearer ancestor is
            // itself only a listed known type (Pet lists Dog and Puppy; Puppy derives from Dog). Otherwise it is
            // reported against the nearest carried ancestor, whose [BsonKnownTypes] is where it belongs.
            INamedTypeSymbol? nearest = null;
            string? channel = null;
            var known = false;
            for (var ancestor = derived.BaseType; ancestor is not null && !known; ancestor = ancestor.BaseType)
            {
                if (!carried.TryGetValue(Names.TypeName(ancestor), out var holder)) continue;
                known = holder.Known.Contains(name);
                if (nearest is null)
                    (nearest, channel) = (ancestor, holder.Channel);
            }
            if (nearest is not null && !known)
            {
                context.ReportDiagnostic(Diagnostic.Create(
                    BrokerDiagnostics.UnknownSubtype, derived.Locations.FirstOrDefault() ?? Location.None,
                    derived.Name, nearest.Name, channel));
            }
        }
    }
}
