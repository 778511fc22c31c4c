using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Broker.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Broker.Generators.Parsing;

/// <summary>
/// Reads <c>[assembly: BsonKnownSubtype(typeof(Base), typeof(Subtype))]</c>: a subtype this assembly declares of a
/// message type, usually one of a referenced assembly whose <c>[BsonKnownTypes]</c> cannot name it.
/// </summary>
internal static class SubtypeParser
{
    public const string AttributeMetadataName = KnownSubtypeRules.AttributeMetadataName;

    public static EquatableArray<SubtypeModel> Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        var compilation = context.SemanticModel.Compilation;
        var models = new List<SubtypeModel>();
        foreach (var attribute in context.Attributes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TryParse(attribute, compilation, cancellationToken, out var model))
                models.Add(model);
        }
        return models.ToEquatableArray();
    }

    // A declaration that cannot be honoured is left out; BRK0023 explains it.
    private static bool TryParse(AttributeData attribute, Compilation compilation, CancellationToken cancellationToken, out SubtypeModel model)
    {
        model = null!;
        if (!KnownSubtypeRules.TryRead(attribute, compilation, cancellationToken, out _, out var subtype, out var codecs, out _))
            return false;

        var own = codecs[0];
        var registered = new List<KnownTypeModel>(own.Polymorphism.KnownTypes);
        if (!subtype.IsAbstract)
            registered.Add(new KnownTypeModel(own.TypeName, own.CodecTypeName, Polymorphism.OwnDiscriminator(subtype)));
        if (registered.Count == 0)
            return false;

        // Under every class the subtype derives from, not only the declared base and its bases: a class between them
        // declares values the subtype may be, and its codec, generated elsewhere, asks the registry under its own type.
        var bases = KnownSubtypeRules.RegisteredUnder(subtype, compilation).Select(Names.TypeName).ToList();
        model = new SubtypeModel(
            bases.ToEquatableArray(),
            registered.OrderBy(r => r.TypeName, System.StringComparer.Ordinal).ToEquatableArray(),
            codecs);
        return true;
    }
}
