// Compiled into generators/Broker.Generators and analyzers/Broker.Analyzers (see src/Shared/README.md): which message
// member a [Channel(OrderBy = ...)] may name, and how the generated channel turns its value into an ordering key. The
// analyzers report what this refuses; the generator emits OrderingKeyOf only from what it accepts.
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Broker;

/// <summary>How the generated <c>OrderingKeyOf</c> writes a key member's value (docs/ordering.md).</summary>
internal enum OrderingKeyFormat
{
    /// <summary>The string itself.</summary>
    String,

    /// <summary><c>ToString("D")</c>.</summary>
    Guid,

    /// <summary>An integer type, in invariant culture.</summary>
    Integer,

    /// <summary>An enum, as its underlying number in invariant culture.</summary>
    Enum,
}

/// <summary>A member that can be a channel's ordering key, as the generated code reads it.</summary>
internal readonly struct OrderingKeyMember
{
    public OrderingKeyMember(ISymbol member, OrderingKeyFormat format, bool isNullableValue, string? integerKeyword)
    {
        Member = member;
        Format = format;
        IsNullableValue = isNullableValue;
        IntegerKeyword = integerKeyword;
    }

    /// <summary>The property or field.</summary>
    public ISymbol Member { get; }

    public OrderingKeyFormat Format { get; }

    /// <summary>A <c>Nullable&lt;T&gt;</c> member, whose null means no key. (A null string is no key without help.)</summary>
    public bool IsNullableValue { get; }

    /// <summary>The C# keyword of the integer type (for an enum, of its underlying type); null for strings and Guids.</summary>
    public string? IntegerKeyword { get; }
}

/// <summary>The rules of <c>OrderBy</c>.</summary>
internal static class OrderByRules
{
    /// <summary>The key types, as the diagnostics name them.</summary>
    public const string SupportedTypes =
        "string, Guid, an integer type (sbyte, byte, short, ushort, int, uint, long, ulong) or an enum, nullable or not";

    /// <summary>Checks <paramref name="orderBy"/> against the message type; null when it names a valid key member.</summary>
    /// <param name="messageType">The channel's message type T.</param>
    /// <param name="orderBy">The attribute's OrderBy, not null.</param>
    /// <param name="generatedCode">The assembly the generated channel is compiled into, which must be able to read the member.</param>
    public static ChannelProblem? Check(ITypeSymbol messageType, string orderBy, IAssemblySymbol generatedCode)
    {
        if (orderBy.Length == 0)
            return new ChannelProblem(ChannelProblemKind.EmptyOrderBy, ChannelProblemSite.OrderByArgument, Display(messageType), messageType);
        var members = FindMembers(messageType, orderBy);
        if (members.Count == 0)
            return NotReadable(messageType, "'" + Display(messageType) + "' has no property or field named '" + orderBy + "'");
        var member = members[0];
        var owner = Display(member.ContainingType) + "." + orderBy;
        if (WhyNotReadable(member, generatedCode) is { } reason)
            return NotReadable(messageType, "'" + owner + "' " + reason);
        var type = TypeOf(member)!;
        if (!TryClassify(type, out _, out _, out _))
            return new ChannelProblem(ChannelProblemKind.UnsupportedOrderByType, ChannelProblemSite.OrderByArgument,
                "'" + owner + "' is of type '" + type.ToDisplayString() + "'", messageType);
        return null;
    }

    /// <summary>The key member <paramref name="orderBy"/> names, when <see cref="Check"/> accepts it.</summary>
    public static bool TryFindKey(ITypeSymbol messageType, string orderBy, IAssemblySymbol generatedCode, out OrderingKeyMember key)
    {
        key = default;
        var members = FindMembers(messageType, orderBy);
        if (members.Count == 0 || WhyNotReadable(members[0], generatedCode) is not null)
            return false;
        if (!TryClassify(TypeOf(members[0])!, out var format, out var nullable, out var keyword))
            return false;
        key = new OrderingKeyMember(members[0], format, nullable, keyword);
        return true;
    }

    /// <summary>
    /// Every instance property and field of <paramref name="messageType"/> the generated channel can read, and whether
    /// it can be a key: what a suggestion chooses from (a near name that cannot be a key is no fix).
    /// </summary>
    public static IEnumerable<(string Name, bool IsKey)> ReadableMembers(ITypeSymbol messageType, IAssemblySymbol generatedCode)
    {
        var seen = new HashSet<string>(System.StringComparer.Ordinal);
        foreach (var type in TypesToSearch(messageType))
        {
            foreach (var member in type.GetMembers())
            {
                if (member is not (IPropertySymbol { IsIndexer: false } or IFieldSymbol)) continue;
                // The first (most derived) of a name is the one C# reads; a hidden one further up is not a choice.
                if (!seen.Add(member.Name) || WhyNotReadable(member, generatedCode) is not null) continue;
                yield return (member.Name, TryClassify(TypeOf(member)!, out _, out _, out _));
            }
        }
    }

    // As C# looks a name up on an expression of type T: T first, then its bases; the first type that declares the name
    // decides. An indexer is found by its metadata name ("Item"), which is what someone would write.
    private static List<ISymbol> FindMembers(ITypeSymbol messageType, string name)
    {
        foreach (var type in TypesToSearch(messageType))
        {
            var found = type.GetMembers(name)
                .Concat(type.GetMembers().Where(m => m is IPropertySymbol { IsIndexer: true } && m.MetadataName == name))
                .ToList();
            if (found.Count > 0)
                return found;
        }
        return new List<ISymbol>();
    }

    private static IEnumerable<ITypeSymbol> TypesToSearch(ITypeSymbol messageType)
    {
        for (var type = messageType; type is not null; type = type.BaseType)
            yield return type;
        if (messageType.TypeKind == TypeKind.Interface)
        {
            foreach (var inherited in messageType.AllInterfaces)
                yield return inherited;
        }
    }

    // Why the generated channel, a class nested in the channel interface, cannot read `member` as `message.Member`.
    private static string? WhyNotReadable(ISymbol member, IAssemblySymbol generatedCode)
    {
        switch (member)
        {
            case IPropertySymbol { IsIndexer: true }:
                return "is an indexer";
            case IPropertySymbol property:
                if (property.IsStatic) return "is static";
                if (Inaccessible(property, generatedCode) is { } hidden) return "is " + hidden;
                if (property.GetMethod is null) return "has no getter";
                if (Inaccessible(property.GetMethod, generatedCode) is { } hiddenGetter) return "has a " + hiddenGetter + " getter";
                return null;
            case IFieldSymbol field:
                if (field.IsStatic || field.IsConst) return field.IsConst ? "is a constant" : "is static";
                return Inaccessible(field, generatedCode) is { } hiddenField ? "is " + hiddenField : null;
            case IMethodSymbol:
                return "is a method, not a property or field";
            case IEventSymbol:
                return "is an event, not a property or field";
            case INamedTypeSymbol:
                return "is a nested type, not a property or field";
            default:
                return "is not a property or field";
        }
    }

    // The generated class lives in the channel's assembly and derives nothing of the message type: public always
    // reads, internal only inside that assembly (or one it grants access to), protected and private never.
    private static string? Inaccessible(ISymbol member, IAssemblySymbol generatedCode)
    {
        switch (member.DeclaredAccessibility)
        {
            case Accessibility.Public:
                return null;
            case Accessibility.Internal:
            case Accessibility.ProtectedOrInternal:
                return SymbolEqualityComparer.Default.Equals(member.ContainingAssembly, generatedCode) ||
                       member.ContainingAssembly.GivesAccessTo(generatedCode)
                    ? null
                    : "internal to " + member.ContainingAssembly.Name;
            case Accessibility.Protected:
                return "protected";
            case Accessibility.ProtectedAndInternal:
                return "private protected";
            default:
                return "private";
        }
    }

    private static ITypeSymbol? TypeOf(ISymbol member) => member switch
    {
        IPropertySymbol property => property.Type,
        IFieldSymbol field => field.Type,
        _ => null,
    };

    private static bool TryClassify(ITypeSymbol type, out OrderingKeyFormat format, out bool nullable, out string? keyword)
    {
        nullable = false;
        keyword = null;
        format = OrderingKeyFormat.String;
        if (type.SpecialType == SpecialType.System_String)
            return true;
        if (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } wrapper)
        {
            nullable = true;
            type = wrapper.TypeArguments[0];
        }
        if (IsGuid(type))
        {
            format = OrderingKeyFormat.Guid;
            return true;
        }
        if (type is INamedTypeSymbol { TypeKind: TypeKind.Enum, EnumUnderlyingType: { } underlying })
        {
            format = OrderingKeyFormat.Enum;
            keyword = IntegerKeyword(underlying.SpecialType);
            return keyword is not null;
        }
        format = OrderingKeyFormat.Integer;
        keyword = IntegerKeyword(type.SpecialType);
        return keyword is not null;
    }

    private static bool IsGuid(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "Guid", Arity: 0, ContainingType: null, ContainingNamespace: { Name: "System" } ns } &&
        ns.ContainingNamespace is { IsGlobalNamespace: true };

    private static string? IntegerKeyword(SpecialType type) => type switch
    {
        SpecialType.System_SByte => "sbyte",
        SpecialType.System_Byte => "byte",
        SpecialType.System_Int16 => "short",
        SpecialType.System_UInt16 => "ushort",
        SpecialType.System_Int32 => "int",
        SpecialType.System_UInt32 => "uint",
        SpecialType.System_Int64 => "long",
        SpecialType.System_UInt64 => "ulong",
        _ => null,
    };

    private static ChannelProblem NotReadable(ITypeSymbol messageType, string reason) =>
        new(ChannelProblemKind.OrderByNotReadable, ChannelProblemSite.OrderByArgument, reason, messageType);

    private static string Display(ITypeSymbol type) => type.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat);
}
