using System;
using System.Collections.Generic;
using Broker.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Broker.Generators.Parsing;

/// <summary>
/// Decides how a C# type travels in BSON, following MongoDB.Bson's default serializers, or why it cannot. This is the
/// serializability rule the analyzers share: a type is supported when it is
/// <list type="bullet">
/// <item>bool, byte, sbyte, short, ushort, int, long, float, double, char, string, Guid or DateTime;</item>
/// <item>an enum whose underlying type is not uint or ulong;</item>
/// <item><c>byte[]</c> (binary), or a one-dimensional array, <c>List&lt;T&gt;</c>, <c>IList&lt;T&gt;</c> or
/// <c>IReadOnlyList&lt;T&gt;</c> of a supported T;</item>
/// <item><c>Dictionary&lt;string, T&gt;</c>, <c>IDictionary&lt;string, T&gt;</c> or <c>IReadOnlyDictionary&lt;string, T&gt;</c>
/// of a supported T;</item>
/// <item><c>Nullable&lt;T&gt;</c> of a supported T;</item>
/// <item>a non-generic, non-abstract class, struct or record outside the System and Microsoft namespaces, accessible
/// from the assembly, whose serialized members (see <see cref="MemberFinder"/>) are all supported and readable, with
/// distinct element names, and which can be constructed (see <see cref="CodecParser"/>).</item>
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
    public bool TryClassify(ITypeSymbol type, string path, out ValueModel value, out UnsupportedType? problem)
    {
        value = null!;
        problem = null;
        var typeName = Names.TypeName(type);

        if (type is IArrayTypeSymbol array)
        {
            if (array.Rank != 1)
                return Fail(path, type, "multi-dimensional arrays are not supported; use a jagged array or a list", out problem);
            if (array.ElementType.SpecialType == SpecialType.System_Byte)
            {
                value = new ValueModel(ValueKind.Bytes, typeName, CanBeNull: true);
                return true;
            }
            if (!TryClassify(array.ElementType, path + "[]", out var element, out problem))
                return false;
            value = new ValueModel(ValueKind.Array, typeName, CanBeNull: true, element);
            return true;
        }

        if (type is not INamedTypeSymbol named || type.TypeKind == TypeKind.Error)
            return Fail(path, type, type.TypeKind == TypeKind.Error ? "the type could not be resolved" : "only named types and arrays can be serialized", out problem);

        var scalar = ScalarKind(named);
        if (scalar is { } kind)
        {
            value = new ValueModel(kind, typeName, CanBeNull: kind == ValueKind.String);
            return true;
        }

        switch (named.SpecialType)
        {
            case SpecialType.System_UInt32:
            case SpecialType.System_UInt64:
                return Fail(path, type, "uint and ulong have no BSON type of their own (MongoDB.Bson writes them as int32/int64 and fails on larger values); use int or long", out problem);
            case SpecialType.System_Decimal:
                return Fail(path, type, "decimal (Decimal128) is not supported yet; use double or long", out problem);
            case SpecialType.System_Object:
                return Fail(path, type, "object gives no type to read back; use a concrete type", out problem);
        }

        if (named.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T)
        {
            if (!TryClassify(named.TypeArguments[0], path, out var inner, out problem))
                return false;
            value = new ValueModel(ValueKind.Nullable, typeName, CanBeNull: true, inner);
            return true;
        }

        if (named.TypeKind == TypeKind.Enum)
        {
            var underlying = named.EnumUnderlyingType!;
            var underlyingKind = ScalarKind(underlying);
            if (underlyingKind is null or ValueKind.Boolean or ValueKind.Char)
                return Fail(path, type, "enums based on uint or ulong are not supported (MongoDB.Bson fails on values above int.MaxValue/long.MaxValue); use int or long", out problem);
            value = new ValueModel(ValueKind.Enum, typeName, CanBeNull: false, new ValueModel(underlyingKind.Value, Names.TypeName(underlying), CanBeNull: false));
            return true;
        }

        var collection = CollectionKind(named);
        if (collection is not null)
            return TryClassifyCollection(named, collection.Value, typeName, path, out value, out problem);

        return TryClassifyDocument(named, typeName, path, out value, out problem);
    }

    private bool TryClassifyCollection(INamedTypeSymbol named, ValueKind kind, string typeName, string path, out ValueModel value, out UnsupportedType? problem)
    {
        value = null!;
        ITypeSymbol elementType;
        if (kind == ValueKind.Dictionary)
        {
            if (named.TypeArguments[0].SpecialType != SpecialType.System_String)
                return Fail(path, named, "dictionary keys must be strings, because they become element names", out problem);
            elementType = named.TypeArguments[1];
        }
        else
        {
            elementType = named.TypeArguments[0];
        }
        if (!TryClassify(elementType, path + "[]", out var element, out problem))
            return false;
        value = new ValueModel(kind, typeName, CanBeNull: true, element);
        return true;
    }

    private bool TryClassifyDocument(INamedTypeSymbol named, string typeName, string path, out ValueModel value, out UnsupportedType? problem)
    {
        value = null!;
        switch (named.TypeKind)
        {
            case TypeKind.Interface:
                return Fail(path, named, "an interface gives no class to create when reading; use a concrete type", out problem);
            case TypeKind.Delegate:
                return Fail(path, named, "delegates cannot be serialized", out problem);
            case TypeKind.Class:
            case TypeKind.Struct:
                break;
            default:
                return Fail(path, named, "only classes, structs and records can be serialized as documents", out problem);
        }
        if (MemberFinder.IsFrameworkType(named))
            return Fail(path, named, "Broker has no BSON mapping for this framework type", out problem);
        if (named.IsRefLikeType)
            return Fail(path, named, "ref structs cannot be stored", out problem);
        if (named.IsStatic)
            return Fail(path, named, "static classes have no instances", out problem);
        if (named.IsAbstract)
            return Fail(path, named, "an abstract class cannot be created when reading; use a concrete type", out problem);
        for (var current = named; current is not null; current = current.ContainingType)
        {
            if (current.IsGenericType)
                return Fail(path, named, "generic types are not supported yet", out problem);
        }
        if (!_compilation.IsSymbolAccessibleWithin(named, _compilation.Assembly))
            return Fail(path, named, "the type is not accessible from this assembly's generated code; make it public or internal", out problem);

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
        SpecialType.System_Single => ValueKind.Single,
        SpecialType.System_Double => ValueKind.Double,
        SpecialType.System_Char => ValueKind.Char,
        SpecialType.System_String => ValueKind.String,
        SpecialType.System_DateTime => ValueKind.DateTime,
        _ => IsSystemType(type, "Guid") ? ValueKind.Guid : null,
    };

    private static ValueKind? CollectionKind(INamedTypeSymbol type)
    {
        var definition = type.OriginalDefinition;
        if (definition.ContainingNamespace?.ToDisplayString() != "System.Collections.Generic")
            return null;
        return definition.MetadataName switch
        {
            "List`1" or "IList`1" or "IReadOnlyList`1" => ValueKind.List,
            "Dictionary`2" or "IDictionary`2" or "IReadOnlyDictionary`2" => ValueKind.Dictionary,
            _ => null,
        };
    }

    private static bool IsSystemType(INamedTypeSymbol type, string name) =>
        type.MetadataName == name && type.ContainingType is null && type.ContainingNamespace is { Name: "System" } ns && ns.ContainingNamespace.IsGlobalNamespace;

    private static bool Fail(string path, ITypeSymbol type, string reason, out UnsupportedType? problem)
    {
        problem = new UnsupportedType(path, Names.DisplayName(type), reason);
        return false;
    }
}

/// <summary>Why a message type cannot be serialized: where the unsupported type was reached, which type, and why.</summary>
/// <param name="Path">The member path from the message type, such as <c>Order.Lines[].Price</c>.</param>
/// <param name="TypeName">The unsupported type.</param>
/// <param name="Reason">Why.</param>
internal sealed record UnsupportedType(string Path, string TypeName, string Reason)
{
    public override string ToString() => Path + " (" + TypeName + "): " + Reason;
}
