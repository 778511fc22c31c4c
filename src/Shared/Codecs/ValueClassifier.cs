using System;
using System.Collections.Generic;
using System.Linq;
using Broker.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Broker.Generators.Parsing;

/// <summary>
/// Decides how a C# type travels in BSON, following MongoDB.Bson's default serializers, or why it cannot. This is the
/// serializability rule the generator and the BRK0013 analyzer share (the analyzer compiles this file by link). A type
/// is supported when it is
/// <list type="bullet">
/// <item>bool, byte, sbyte, short, ushort, int, uint, long, ulong, float, double, decimal (Decimal128), char, string, Guid,
/// DateTime, DateTimeOffset, DateOnly, TimeOnly, TimeSpan, or MongoDB.Bson's ObjectId or Decimal128;</item>
/// <item>an enum whose underlying type is not uint or ulong;</item>
/// <item><c>byte[]</c> (binary), or a one-dimensional array, <c>List&lt;T&gt;</c>, <c>IList&lt;T&gt;</c>,
/// <c>IReadOnlyList&lt;T&gt;</c>, <c>ICollection&lt;T&gt;</c>, <c>IReadOnlyCollection&lt;T&gt;</c>, <c>IEnumerable&lt;T&gt;</c>,
/// <c>HashSet&lt;T&gt;</c>, <c>ISet&lt;T&gt;</c> or <c>IReadOnlySet&lt;T&gt;</c> of a supported T;</item>
/// <item><c>Dictionary&lt;string, T&gt;</c>, <c>IDictionary&lt;string, T&gt;</c> or <c>IReadOnlyDictionary&lt;string, T&gt;</c>
/// of a supported T;</item>
/// <item><c>Nullable&lt;T&gt;</c> of a supported T;</item>
/// <item>a class, struct or record outside the System and Microsoft namespaces, accessible from the assembly, whose
/// serialized members are all supported (see <see cref="CodecParser"/>); an abstract class when <c>[BsonKnownTypes]</c>
/// names concrete types below it. A generic one must be closed (<c>Envelope&lt;User&gt;</c>, <c>Page&lt;int&gt;</c>):
/// each closed type gets a codec of its own, with the type arguments in place of the parameters. A type that still has
/// a type parameter somewhere in it is open, and refused naming the parameter; one closed over <c>dynamic</c> is refused
/// too (write <c>object</c>, the same run-time type).</item>
/// </list>
/// </summary>
internal sealed class ValueClassifier
{
    private readonly Compilation _compilation;
    private readonly Action<INamedTypeSymbol, string> _onDocument;

    public ValueClassifier(Compilation compilation, Action<INamedTypeSymbol, string> onDocument)
    {
        _compilation = compilation;
        _onDocument = onDocument;
    }

    /// <summary>Classifies <paramref name="type"/>; <paramref name="path"/> names where it was reached, for the reason.</summary>
    public bool TryClassify(ITypeSymbol type, string path, out ValueModel value, out UnsupportedType? problem) =>
        TryClassify(type, path, Representation.Default, out value, out problem);

    /// <summary>As above, for a member whose <c>[BsonRepresentation]</c> asks for <paramref name="representation"/>.</summary>
    public bool TryClassify(ITypeSymbol type, string path, Representation representation, out ValueModel value, out UnsupportedType? problem)
    {
        if (!TryClassifyType(type, path, representation, out value, out problem))
            return false;
        // Only an explicit "not null" promise is enforced: an oblivious reference (annotations disabled where it was
        // declared) says nothing about null, and refusing it would break code written before nullable types existed.
        if (value.CanBeNull && type.IsReferenceType && type.NullableAnnotation == NullableAnnotation.NotAnnotated)
            value = value with { RefusesNull = true };
        return true;
    }

    private bool TryClassifyType(ITypeSymbol type, string path, Representation representation, out ValueModel value, out UnsupportedType? problem)
    {
        value = null!;
        problem = null;
        var typeName = Names.TypeName(type);

        switch (type)
        {
            case ITypeParameterSymbol parameter:
                return Fail(path, type, "is the type parameter " + parameter.Name + OfDeclarer(parameter) + ", so the type is open here; a codec is generated for each closed type, so every type a message reaches must be concrete where the channel is declared", out problem);
            case IPointerTypeSymbol or IFunctionPointerTypeSymbol:
                return Fail(path, type, "is a pointer, which has no BSON form", out problem);
            case IDynamicTypeSymbol:
                return Fail(path, type, "gives no type to read back; use a concrete type", out problem);
            case IArrayTypeSymbol array:
                if (array.Rank != 1)
                    return Fail(path, type, "is a multi-dimensional array; use a jagged array or a list", out problem);
                if (array.ElementType.SpecialType == SpecialType.System_Byte && representation == Representation.Default)
                {
                    value = new ValueModel(ValueKind.Bytes, typeName, CanBeNull: true);
                    return true;
                }
                if (!TryClassify(array.ElementType, path + "[]", representation, out var element, out problem))
                    return false;
                value = new ValueModel(ValueKind.Array, typeName, CanBeNull: true, element);
                return true;
        }

        if (type is not INamedTypeSymbol named || type.TypeKind == TypeKind.Error)
            return Fail(path, type, type.TypeKind == TypeKind.Error ? "could not be resolved" : "is not a named type or an array", out problem);

        if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
        {
            if (!TryClassify(named.TypeArguments[0], path, representation, out var inner, out problem))
                return false;
            value = new ValueModel(ValueKind.Nullable, typeName, CanBeNull: true, inner);
            return true;
        }

        var scalar = ScalarKind(named);
        if (scalar is { } kind)
            return TryScalar(kind, named, typeName, path, representation, out value, out problem);

        if (named.SpecialType == SpecialType.System_Object)
            return Fail(path, type, "gives no type to read back; use a concrete type", out problem);

        if (named.TypeKind == TypeKind.Enum)
            return TryEnum(named, typeName, path, representation, out value, out problem);

        if (CollectionKind(named) is { } collection)
            return TryClassifyCollection(named, collection.Kind, collection.Traversal, typeName, path, representation, out value, out problem);

        if (representation != Representation.Default)
            return Fail(path, type, "is a document, which [BsonRepresentation] cannot change", out problem);
        return TryClassifyDocument(named, typeName, path, out value, out problem);
    }

    private static bool TryScalar(ValueKind kind, INamedTypeSymbol type, string typeName, string path, Representation representation, out ValueModel value, out UnsupportedType? problem)
    {
        value = null!;
        if (!Representations.IsSupported(kind, representation))
            return Fail(path, type, "cannot take [BsonRepresentation(BsonType." + representation + ")] in the generated codecs", out problem);
        problem = null;
        value = new ValueModel(kind, typeName, CanBeNull: kind == ValueKind.String, Representation: Representations.Normalize(kind, representation));
        return true;
    }

    private static bool TryEnum(INamedTypeSymbol type, string typeName, string path, Representation representation, out ValueModel value, out UnsupportedType? problem)
    {
        value = null!;
        var underlying = type.EnumUnderlyingType!;
        var underlyingKind = ScalarKind(underlying);
        if (underlyingKind is null or ValueKind.Boolean or ValueKind.Char or ValueKind.UInt32 or ValueKind.UInt64)
            return Fail(path, type, "is an enum based on uint or ulong, which MongoDB.Bson fails on above int.MaxValue/long.MaxValue; base it on int or long", out problem);
        if (!Representations.IsSupported(ValueKind.Enum, representation))
            return Fail(path, type, "cannot take [BsonRepresentation(BsonType." + representation + ")]; an enum travels as String, Int32 or Int64", out problem);

        var names = EquatableArray<string>.Empty;
        if (representation == Representation.String)
        {
            // A name that shares its value with another is left to Enum.ToString, which picks between them.
            var fields = type.GetMembers().OfType<IFieldSymbol>().Where(f => f.HasConstantValue).ToList();
            names = fields
                .Where(f => fields.Count(other => Equals(other.ConstantValue, f.ConstantValue)) == 1)
                .Select(f => f.Name)
                .ToEquatableArray();
        }
        problem = null;
        value = new ValueModel(ValueKind.Enum, typeName, CanBeNull: false, new ValueModel(underlyingKind.Value, Names.TypeName(underlying), CanBeNull: false),
            Representation: representation, EnumNames: names);
        return true;
    }

    private bool TryClassifyCollection(INamedTypeSymbol named, ValueKind kind, Traversal traversal, string typeName, string path, Representation representation, out ValueModel value, out UnsupportedType? problem)
    {
        value = null!;
        ITypeSymbol elementType;
        if (kind == ValueKind.Dictionary)
        {
            if (named.TypeArguments[0].SpecialType != SpecialType.System_String)
                return Fail(path, named, "is a dictionary whose keys are not strings; keys become element names, so they must be strings", out problem);
            elementType = named.TypeArguments[1];
        }
        else
        {
            elementType = named.TypeArguments[0];
        }
        if (!TryClassify(elementType, path + "[]", representation, out var element, out problem))
            return false;
        value = new ValueModel(kind, typeName, CanBeNull: true, element, Traversal: traversal);
        return true;
    }

    private bool TryClassifyDocument(INamedTypeSymbol named, string typeName, string path, out ValueModel value, out UnsupportedType? problem)
    {
        value = null!;
        switch (named.TypeKind)
        {
            case TypeKind.Interface:
                return Fail(path, named, "is an interface without known implementations: [BsonKnownTypes] cannot be put on an interface, so nothing says which class to create when reading; declare the member as an abstract base class that lists its implementations in [BsonKnownTypes]", out problem);
            case TypeKind.Delegate:
                return Fail(path, named, "is a delegate, which is code, not data", out problem);
            case TypeKind.Class:
            case TypeKind.Struct:
                break;
            default:
                return Fail(path, named, "is not a class, struct or record", out problem);
        }
        if (MemberFinder.IsFrameworkType(named))
            return Fail(path, named, "is a framework type Broker has no BSON mapping for", out problem);
        if (named.IsRefLikeType)
            return Fail(path, named, "is a ref struct, which cannot be stored on the heap or in a collection", out problem);
        if (named.IsStatic)
            return Fail(path, named, "is a static class, which has no instances", out problem);
        if (named.IsUnboundGenericType)
            return Fail(path, named, "is an unbound generic type; a codec is generated for each closed type, so give it type arguments", out problem);
        if (GenericArguments.FindTypeParameter(named) is { } open)
            return Fail(path, named, "is an open generic type: its type parameter " + open.Name + OfDeclarer(open) + " is not known until run time, and a codec is generated only for a closed type; use concrete type arguments", out problem);
        // At run time Envelope<dynamic> is Envelope<object>, which MongoDB.Bson maps like any class (its discriminator
        // says Object); only the compiler tells the two apart, and it refuses dynamic in the codec's interface.
        if (GenericArguments.ContainsDynamic(named))
            return Fail(path, named, "is closed over dynamic, which generated code cannot use as a type argument (C# forbids implementing an interface of it); use object, the same type at run time", out problem);
        // Checks the type arguments too: the codec of Envelope<T> names T, so T must be accessible as well.
        if (!_compilation.IsSymbolAccessibleWithin(named, _compilation.Assembly))
            return Fail(path, named, "is not accessible from this assembly's generated code; make it public or internal", out problem);
        foreach (var part in GenericArguments.NamedTypesIn(named))
        {
            for (var current = part; current is not null; current = current.ContainingType)
            {
                // Accessible by the rules above, yet only its own file can name it, and the generated codec is elsewhere.
                if (current.IsFileLocal)
                    return Fail(path, named, FileLocalReason(named, part, current), out problem);
            }
        }

        problem = null;
        _onDocument(named, path);
        value = new ValueModel(
            ValueKind.Document,
            typeName,
            CanBeNull: named.IsReferenceType,
            CodecTypeName: "global::" + Names.CodecNamespace(named) + "." + Names.CodecName(named));
        return true;
    }

    private static ValueKind? ScalarKind(INamedTypeSymbol type) => type.SpecialType switch
    {
        SpecialType.System_Boolean => ValueKind.Boolean,
        SpecialType.System_Byte => ValueKind.Byte,
        SpecialType.System_SByte => ValueKind.SByte,
        SpecialType.System_Int16 => ValueKind.Int16,
        SpecialType.System_UInt16 => ValueKind.UInt16,
        SpecialType.System_Int32 => ValueKind.Int32,
        SpecialType.System_Int64 => ValueKind.Int64,
        SpecialType.System_UInt32 => ValueKind.UInt32,
        SpecialType.System_UInt64 => ValueKind.UInt64,
        SpecialType.System_Single => ValueKind.Single,
        SpecialType.System_Double => ValueKind.Double,
        SpecialType.System_Decimal => ValueKind.Decimal,
        SpecialType.System_Char => ValueKind.Char,
        SpecialType.System_String => ValueKind.String,
        SpecialType.System_DateTime => ValueKind.DateTime,
        _ => NamedScalarKind(type),
    };

    private static ValueKind? NamedScalarKind(INamedTypeSymbol type)
    {
        if (type.ContainingType is not null || type.IsGenericType)
            return null;
        var ns = type.ContainingNamespace?.ToDisplayString();
        if (ns == "System")
        {
            return type.MetadataName switch
            {
                "Guid" => ValueKind.Guid,
                "DateTimeOffset" => ValueKind.DateTimeOffset,
                "DateOnly" => ValueKind.DateOnly,
                "TimeOnly" => ValueKind.TimeOnly,
                "TimeSpan" => ValueKind.TimeSpan,
                _ => null,
            };
        }
        if (ns == "MongoDB.Bson")
        {
            return type.MetadataName switch
            {
                "ObjectId" => ValueKind.ObjectId,
                "Decimal128" => ValueKind.Decimal128,
                _ => null,
            };
        }
        return null;
    }

    private static (ValueKind Kind, Traversal Traversal)? CollectionKind(INamedTypeSymbol type)
    {
        var definition = type.OriginalDefinition;
        if (definition.ContainingNamespace?.ToDisplayString() != "System.Collections.Generic")
            return null;
        return definition.MetadataName switch
        {
            "List`1" or "IList`1" or "IReadOnlyList`1" => (ValueKind.List, Traversal.Indexer),
            "ICollection`1" or "IReadOnlyCollection`1" or "IEnumerable`1" => (ValueKind.List, Traversal.Interface),
            "HashSet`1" => (ValueKind.Set, Traversal.Enumerator),
            "ISet`1" or "IReadOnlySet`1" => (ValueKind.Set, Traversal.Interface),
            "Dictionary`2" => (ValueKind.Dictionary, Traversal.Enumerator),
            "IDictionary`2" or "IReadOnlyDictionary`2" => (ValueKind.Dictionary, Traversal.Interface),
            _ => null,
        };
    }

    private static string FileLocalReason(INamedTypeSymbol named, INamedTypeSymbol part, INamedTypeSymbol fileLocal)
    {
        var what = SymbolEqualityComparer.Default.Equals(fileLocal, named) ? "a file-local type"
            : SymbolEqualityComparer.Default.Equals(part, named) ? "nested in the file-local type " + fileLocal.Name
            : "closed over the file-local type " + fileLocal.Name;
        return "is " + what + ", which the generated codec, in another file, cannot name; make it internal or public";
    }

    // " (declared by Box<T>)" or " (declared by the method M)": where the parameter comes from, so the fix is easy to find.
    private static string OfDeclarer(ITypeParameterSymbol parameter) =>
        parameter.DeclaringType is { } type ? " (declared by " + Names.DisplayName(type) + ")"
        : parameter.DeclaringMethod is { } method ? " (declared by the method " + method.Name + ")"
        : "";

    private static bool Fail(string path, ITypeSymbol type, string reason, out UnsupportedType? problem)
    {
        problem = new UnsupportedType(path, Names.DisplayName(type), reason);
        return false;
    }
}

/// <summary>
/// Why a message type cannot be serialized: where the unsupported type was reached, which type, and why, worded to
/// read as "<c>Path</c>: <c>TypeName</c> <c>Reason</c>".
/// </summary>
/// <param name="Path">The member path from the message type, such as <c>Order.Lines[].Price</c>.</param>
/// <param name="TypeName">The unsupported type.</param>
/// <param name="Reason">Why, as a predicate of the type: "is an interface without ...".</param>
internal sealed record UnsupportedType(string Path, string TypeName, string Reason)
{
    /// <summary>
    /// The declaration to change, for the analyzer's code fixes: the member whose declared type holds the unsupported
    /// type, or the constructor parameter that matches no member; null otherwise. The generator ignores it.
    /// </summary>
    public ISymbol? Site { get; init; }

    public override string ToString() => Path + ": " + TypeName + " " + Reason;
}
