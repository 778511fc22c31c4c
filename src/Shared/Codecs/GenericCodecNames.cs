using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Broker.Generators.Parsing;

/// <summary>
/// Names the codec of a closed generic type, one per set of type arguments, in the namespace of the generic definition:
/// <c>Envelope&lt;Sample.User&gt;</c> → <c>Envelope_Of_Sample_User_Codec</c>, <c>Envelope&lt;Page&lt;Order&gt;&gt;</c> →
/// <c>Envelope_Of_Sample_Page_Of_Sample_Order_End_Codec</c>, <c>Pair&lt;int, string?&gt;</c> →
/// <c>Pair_Of_int_And_string_Nullable_Codec</c>.
/// </summary>
/// <remarks>
/// The name spells the type arguments out in full (namespaces included, so <c>Envelope&lt;A.User&gt;</c> and
/// <c>Envelope&lt;B.User&gt;</c> get different codecs) with the words <c>Of</c>, <c>And</c>, <c>End</c>, <c>Array</c> and
/// <c>Nullable</c> between them. Read back, such a name gives one type only, as long as no identifier in it has a '_' or
/// is one of those words (or <c>Codec</c>, or a keyword written with '@'); when one does, a hash of the full type name is
/// added, so two different types still never share a name. A nullable reference argument gets a codec of its own: its
/// members typed by that parameter accept null, where the non-nullable argument's codec refuses it.
/// </remarks>
internal static class GenericCodecNames
{
    private static readonly string[] Words = { "Of", "And", "End", "Array", "Nullable", "Codec" };

    /// <summary>Whether the type, or a type containing it, has type arguments.</summary>
    public static bool IsGeneric(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.TypeArguments.Length > 0)
                return true;
        }
        return false;
    }

    public static string CodecName(INamedTypeSymbol type)
    {
        var builder = new StringBuilder();
        var ambiguous = false;
        AppendLevels(builder, type, closeLast: false, ref ambiguous);
        if (ambiguous)
            // Of the type itself: a member typed Envelope<X>? names the same codec as Envelope<X>.
            builder.Append("_H").Append(Hash(Names.TypeName(type.WithNullableAnnotation(NullableAnnotation.NotAnnotated))));
        return builder.Append("_Codec").ToString();
    }

    private static void AppendType(StringBuilder builder, ITypeSymbol type, ref bool ambiguous)
    {
        switch (type)
        {
            case IArrayTypeSymbol array:
                AppendType(builder, array.ElementType, ref ambiguous);
                builder.Append("_Array");
                if (array.Rank > 1)
                    builder.Append(array.Rank);
                // Envelope<int[]?> accepts a null array where Envelope<int[]> refuses it: another codec, another name.
                AppendNullable(builder, array);
                return;
            case INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable:
                AppendType(builder, nullable.TypeArguments[0], ref ambiguous);
                builder.Append("_Nullable");
                return;
        }

        if (SpecialKeyword(type) is { } keyword)
        {
            builder.Append(keyword);
        }
        else if (type is INamedTypeSymbol named)
        {
            foreach (var part in Names.NamespaceOf(named).Split('.').Where(p => p.Length > 0))
                AppendIdentifier(builder, part, ref ambiguous).Append('_');
            AppendLevels(builder, named, closeLast: true, ref ambiguous);
        }
        else
        {
            // A type parameter or an error type: never generated (the classifier refuses both), but named all the same.
            AppendIdentifier(builder, type.Name, ref ambiguous);
        }
        AppendNullable(builder, type);
    }

    private static void AppendNullable(StringBuilder builder, ITypeSymbol type)
    {
        if (type.IsReferenceType && type.NullableAnnotation == NullableAnnotation.Annotated)
            builder.Append("_Nullable");
    }

    // Outer_Of_A_End_Inner_Of_B: each generic level lists its arguments; only the codec's own last level leaves its list
    // open, for "_Codec" to close it.
    private static void AppendLevels(StringBuilder builder, INamedTypeSymbol type, bool closeLast, ref bool ambiguous)
    {
        var levels = new System.Collections.Generic.List<INamedTypeSymbol>();
        for (var current = type; current is not null; current = current.ContainingType)
            levels.Insert(0, current);
        for (var i = 0; i < levels.Count; i++)
        {
            if (i > 0)
                builder.Append('_');
            var level = levels[i];
            AppendIdentifier(builder, level.Name, ref ambiguous);
            if (level.TypeArguments.Length == 0)
                continue;
            builder.Append("_Of_");
            for (var j = 0; j < level.TypeArguments.Length; j++)
            {
                if (j > 0)
                    builder.Append("_And_");
                AppendType(builder, level.TypeArguments[j], ref ambiguous);
            }
            if (closeLast || i < levels.Count - 1)
                builder.Append("_End");
        }
    }

    private static StringBuilder AppendIdentifier(StringBuilder builder, string name, ref bool ambiguous)
    {
        if (name.IndexOf('_') >= 0 || Words.Contains(name) || SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None)
            ambiguous = true;
        return builder.Append(name);
    }

    private static string? SpecialKeyword(ITypeSymbol type) => type.SpecialType switch
    {
        SpecialType.System_Boolean => "bool",
        SpecialType.System_Byte => "byte",
        SpecialType.System_SByte => "sbyte",
        SpecialType.System_Int16 => "short",
        SpecialType.System_UInt16 => "ushort",
        SpecialType.System_Int32 => "int",
        SpecialType.System_UInt32 => "uint",
        SpecialType.System_Int64 => "long",
        SpecialType.System_UInt64 => "ulong",
        SpecialType.System_Single => "float",
        SpecialType.System_Double => "double",
        SpecialType.System_Decimal => "decimal",
        SpecialType.System_Char => "char",
        SpecialType.System_String => "string",
        SpecialType.System_Object => "object",
        _ => null,
    };

    // FNV-1a over the UTF-16 code units: stable across runs and machines, unlike string.GetHashCode.
    internal static string Hash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash ^= c;
            hash *= 16777619u;
        }
        return hash.ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
    }
}
