using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using Broker.Generators;
using Broker.Generators.Model;
using Broker.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Broker.Analyzers;

/// <summary>
/// BRK0018, collected by <see cref="MessageTypeAnalyzer"/> over one compilation: the classes messages carry (from the
/// codecs of every channel whose message type parses) and every other concrete class with a base class; when the
/// compilation ends, a class that derives from a carried class no carried ancestor lists in <c>[BsonKnownTypes]</c> is
/// reported, since the generated codec has nothing to write it with, unless <c>[assembly: BsonKnownSubtype]</c>
/// registers it at run time. A derived class in another assembly cannot be seen from here.
/// </summary>
internal sealed class UnknownSubtypes
{
    private readonly ConcurrentBag<(string Channel, EquatableArray<CodecModel> Codecs)> _carried = [];
    private readonly ConcurrentBag<INamedTypeSymbol> _candidates = [];

    public void AddCarried(string channel, EquatableArray<CodecModel> codecs) => _carried.Add((channel, codecs));

    public void AddCandidate(INamedTypeSymbol type)
    {
        if (type is { TypeKind: TypeKind.Class, IsAbstract: false, BaseType.SpecialType: not SpecialType.System_Object })
            _candidates.Add(type);
    }

    public void Report(CompilationAnalysisContext context)
    {
        if (_candidates.IsEmpty) return;
        // The carried classes whose run-time type the codec checks, with the types it knows below each.
        var carried = new Dictionary<string, (HashSet<string> Known, string Channel)>();
        foreach (var (channel, codecs) in _carried.OrderBy(c => c.Channel, System.StringComparer.Ordinal))
        {
            foreach (var codec in codecs)
            {
                if (!codec.Polymorphism.CanBeDerived || carried.ContainsKey(codec.TypeName)) continue;
                carried.Add(codec.TypeName, (new HashSet<string>(codec.Polymorphism.KnownTypes.Select(k => k.TypeName)), channel));
            }
        }
        if (carried.Count == 0) return;
        var declared = DeclaredSubtypes(context.Compilation);

        foreach (var derived in _candidates)
        {
            var name = Names.TypeName(derived);
            // [assembly: BsonKnownSubtype] registers it with the base's codec at run time.
            if (declared.Contains(name)) continue;
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

    // The subtypes this assembly declares with [assembly: BsonKnownSubtype(typeof(Base), typeof(Subtype))].
    private static HashSet<string> DeclaredSubtypes(Compilation compilation)
    {
        var declared = new HashSet<string>(System.StringComparer.Ordinal);
        var attributeType = compilation.GetTypeByMetadataName(SubtypeAttributeMetadataName);
        if (attributeType is null) return declared;
        foreach (var attribute in compilation.Assembly.GetAttributes())
        {
            if (SymbolEqualityComparer.Default.Equals(attribute.AttributeClass, attributeType) &&
                attribute.ConstructorArguments.Length == 2 && attribute.ConstructorArguments[1].Value is INamedTypeSymbol subtype)
                declared.Add(Names.TypeName(subtype));
        }
        return declared;
    }

    private const string SubtypeAttributeMetadataName = "Broker.BsonKnownSubtypeAttribute";
}
