using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Broker.Generators.Parsing;

/// <summary>
/// Reads MongoDB.Bson's serialization attributes from symbols by their full names, so a user's types need only the
/// attributes they already put there for the MongoDB driver. The generator honours the ones listed in
/// <see cref="Honoured"/>; any other attribute of that namespace changes the mapping in a way the codecs do not
/// reproduce, so <see cref="FindUnsupported"/> names it and the type is refused (BRK0013) rather than half-honoured.
/// </summary>
internal static class BsonAttributes
{
    public const string Namespace = "MongoDB.Bson.Serialization.Attributes";

    public const string Element = "BsonElementAttribute";
    public const string Ignore = "BsonIgnoreAttribute";
    public const string Id = "BsonIdAttribute";
    public const string IgnoreIfNull = "BsonIgnoreIfNullAttribute";
    public const string IgnoreIfDefault = "BsonIgnoreIfDefaultAttribute";
    public const string Representation = "BsonRepresentationAttribute";
    public const string DefaultValue = "BsonDefaultValueAttribute";
    public const string Constructor = "BsonConstructorAttribute";
    public const string Required = "BsonRequiredAttribute";
    public const string KnownTypes = "BsonKnownTypesAttribute";
    public const string Discriminator = "BsonDiscriminatorAttribute";
    public const string NoId = "BsonNoIdAttribute";
    public const string IgnoreExtraElements = "BsonIgnoreExtraElementsAttribute";
    public const string GuidRepresentation = "BsonGuidRepresentationAttribute";
    public const string DictionaryOptions = "BsonDictionaryOptionsAttribute";

    // MongoDB.Bson's BsonType numbers and enum values that the honoured attributes take.
    private const int StandardGuidRepresentation = 4;
    private const int DocumentDictionaryRepresentation = 0;

    private static readonly HashSet<string> Honoured = new()
    {
        Element, Ignore, Id, IgnoreIfNull, IgnoreIfDefault, Representation, DefaultValue, Constructor, Required,
        KnownTypes, Discriminator, NoId, IgnoreExtraElements, GuidRepresentation, DictionaryOptions,
    };

    public static AttributeData? Find(ISymbol symbol, string name) =>
        symbol.GetAttributes().FirstOrDefault(a => Is(a, name));

    public static bool Has(ISymbol symbol, string name) => Find(symbol, name) is not null;

    public static IEnumerable<AttributeData> All(ISymbol symbol, string name) => symbol.GetAttributes().Where(a => Is(a, name));

    /// <summary>
    /// The first attribute of MongoDB.Bson's namespace on <paramref name="symbol"/> that the codecs cannot reproduce, with
    /// the reason; null when there is none. Options honoured only in their default form count when set otherwise.
    /// </summary>
    public static string? FindUnsupported(ISymbol symbol)
    {
        foreach (var attribute in symbol.GetAttributes())
        {
            var type = attribute.AttributeClass;
            if (type?.ContainingNamespace?.ToDisplayString() != Namespace)
                continue;
            if (!Honoured.Contains(type.Name))
                return "[" + ShortName(type.Name) + "] changes the mapping in a way the generated codecs do not reproduce";
            if (type.Name == GuidRepresentation && FirstArgument(attribute) is int guid && guid != StandardGuidRepresentation)
                return "[BsonGuidRepresentation] asks for a representation other than Standard (subtype 4), the only one the codecs write";
            if (type.Name == DictionaryOptions && FirstArgument(attribute) is int dictionary && dictionary != DocumentDictionaryRepresentation)
                return "[BsonDictionaryOptions] asks for a representation other than Document, the only one the codecs write";
        }
        return null;
    }

    public static object? FirstArgument(AttributeData attribute) =>
        attribute.ConstructorArguments.Length > 0 && attribute.ConstructorArguments[0].Kind != TypedConstantKind.Array
            ? attribute.ConstructorArguments[0].Value
            : null;

    public static TypedConstant? Named(AttributeData attribute, string name)
    {
        foreach (var argument in attribute.NamedArguments)
        {
            if (argument.Key == name)
                return argument.Value;
        }
        return null;
    }

    public static bool NamedBool(AttributeData attribute, string name) => Named(attribute, name)?.Value is true;

    /// <summary>The types listed by every <c>[BsonKnownTypes]</c> on the symbol, in order.</summary>
    public static IEnumerable<ITypeSymbol> KnownTypesOf(INamedTypeSymbol type)
    {
        foreach (var attribute in All(type, KnownTypes))
        {
            foreach (var argument in attribute.ConstructorArguments)
            {
                var values = argument.Kind == TypedConstantKind.Array ? argument.Values : ImmutableArrayOf(argument);
                foreach (var value in values)
                {
                    if (value.Value is ITypeSymbol known)
                        yield return known;
                }
            }
        }
    }

    private static System.Collections.Immutable.ImmutableArray<TypedConstant> ImmutableArrayOf(TypedConstant constant) =>
        System.Collections.Immutable.ImmutableArray.Create(constant);

    private static bool Is(AttributeData attribute, string name) =>
        attribute.AttributeClass is { } type && type.Name == name && type.ContainingNamespace?.ToDisplayString() == Namespace;

    private static string ShortName(string attributeName) =>
        attributeName.EndsWith("Attribute", System.StringComparison.Ordinal) ? attributeName.Substring(0, attributeName.Length - "Attribute".Length) : attributeName;
}
