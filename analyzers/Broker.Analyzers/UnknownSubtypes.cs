using System.Collections.Generic;
using System.Linq;
using Broker.Generators;
using Broker.Generators.Model;
using Broker.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Broker.Analyzers;

/// <summary>
/// BRK0018, for one compilation: built from the codecs of every channel whose message type parses (the classes messages
/// carry, with the types each knows below it), it checks each concrete class with a base class as
/// <see cref="MessageTypeAnalyzer"/> meets it. A class that derives from a carried class no carried ancestor lists in
/// <c>[BsonKnownTypes]</c> is reported at its name, since the generated codec has nothing to write it with; reporting it
/// while that class is analyzed keeps the diagnostic local, so the IDE shows it as the code is typed and its code fix
/// can be offered. A class this assembly declares with <c>[assembly: BsonKnownSubtype]</c> is left alone: the runtime
/// registers it. A derived class in another assembly cannot be seen from here.
/// </summary>
internal sealed class UnknownSubtypes
{
    // The carried classes whose run-time type the codec checks, with the types it knows below each.
    private readonly Dictionary<string, (HashSet<string> Known, string Channel)> _carried = new();

    // The subtypes [assembly: BsonKnownSubtype] registers with their base's codec at run time.
    private readonly HashSet<string> _declared;

    public UnknownSubtypes(IEnumerable<(string Channel, EquatableArray<CodecModel> Codecs)> carriedByChannel, Compilation compilation)
    {
        _declared = DeclaredSubtypes(compilation);
        foreach (var (channel, codecs) in carriedByChannel.OrderBy(c => c.Channel, System.StringComparer.Ordinal))
        {
            foreach (var codec in codecs)
            {
                if (!codec.Polymorphism.CanBeDerived || _carried.ContainsKey(codec.TypeName)) continue;
                _carried.Add(codec.TypeName, (new HashSet<string>(codec.Polymorphism.KnownTypes.Select(k => k.TypeName)), channel));
            }
        }
    }

    public void Report(SymbolAnalysisContext context, INamedTypeSymbol derived)
    {
        if (_carried.Count == 0 || derived is not { TypeKind: TypeKind.Class, IsAbstract: false, BaseType.SpecialType: not SpecialType.System_Object })
            return;

        var name = Names.TypeName(derived);
        // [assembly: BsonKnownSubtype] registers it with the base's codec at run time.
        if (_declared.Contains(name)) return;
        // A class any carried ancestor lists is written by that ancestor's codec, even when a nearer ancestor is
        // itself only a listed known type (Pet lists Dog and Puppy; Puppy derives from Dog). Otherwise it is
        // reported against the nearest carried ancestor, whose [BsonKnownTypes] is where it belongs.
        INamedTypeSymbol? nearest = null;
        string? channel = null;
        var known = false;
        for (var ancestor = derived.BaseType; ancestor is not null && !known; ancestor = ancestor.BaseType)
        {
            if (!_carried.TryGetValue(Names.TypeName(ancestor), out var holder)) continue;
            known = holder.Known.Contains(name);
            if (nearest is null)
                (nearest, channel) = (ancestor, holder.Channel);
        }
        if (nearest is not null && !known)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                BrokerDiagnostics.UnknownSubtype, derived.Locations.FirstOrDefault() ?? Location.None,
                KnownTypesSite.Of(nearest, context.Compilation), // for the code fix
                derived.Name, nearest.Name, channel));
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
