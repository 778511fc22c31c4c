using System.Collections.Immutable;
using System.Linq;
using Broker.Generators.Parsing;
using Microsoft.CodeAnalysis;

namespace Broker.Analyzers;

/// <summary>
/// The supported type to declare a member with instead of a framework type that has no BSON mapping, when one holds the
/// same values (BRK0013): an immutable or read-only list becomes <c>IReadOnlyList&lt;T&gt;</c>, an immutable set
/// <c>IReadOnlySet&lt;T&gt;</c>, an immutable or read-only dictionary <c>IReadOnlyDictionary&lt;K, V&gt;</c>,
/// <c>Collection&lt;T&gt;</c> <c>IList&lt;T&gt;</c>, <c>ConcurrentDictionary&lt;K, V&gt;</c> <c>IDictionary&lt;K, V&gt;</c>;
/// <c>nint</c> becomes <c>long</c> and <c>nuint</c> <c>ulong</c>, which hold every value. Each replacement is one the
/// original type converts to implicitly (an interface it implements, a wider integer), so code that assigns the old
/// type still compiles. Collections whose order or discipline is their meaning (sorted ones, queues, stacks) get no
/// suggestion, nor do types whose values no supported type holds (Int128, Uri), nor <c>Half</c>: <c>float</c> holds
/// its values, but a Half converts to it only with a cast, so every assignment would need one.
/// </summary>
internal static class MemberTypeSuggestion
{
    /// <summary>The supported type to use instead of <paramref name="unsupported"/>, or null.</summary>
    public static ITypeSymbol? Suggest(ITypeSymbol unsupported, Compilation compilation)
    {
        if (unsupported is not INamedTypeSymbol named)
            return null;
        ITypeSymbol? suggestion = named.SpecialType switch
        {
            SpecialType.System_IntPtr => compilation.GetSpecialType(SpecialType.System_Int64),
            SpecialType.System_UIntPtr => compilation.GetSpecialType(SpecialType.System_UInt64),
            _ => Collection(named, compilation),
        };
        // The element types must be supported too: ImmutableArray<object> has no mapping as IReadOnlyList<object> either.
        return suggestion is not null && new ValueClassifier(compilation, (_, _) => { }).TryClassify(suggestion, "", out _, out _)
            ? suggestion
            : null;
    }

    private static INamedTypeSymbol? Collection(INamedTypeSymbol type, Compilation compilation)
    {
        var definition = type.OriginalDefinition;
        var replacement = (Names.NamespaceOf(definition) + "." + definition.MetadataName) switch
        {
            "System.Collections.Immutable.ImmutableArray`1" or "System.Collections.Immutable.ImmutableList`1" or
                "System.Collections.Immutable.IImmutableList`1" or "System.Collections.ObjectModel.ReadOnlyCollection`1" =>
                "System.Collections.Generic.IReadOnlyList`1",
            "System.Collections.ObjectModel.Collection`1" => "System.Collections.Generic.IList`1",
            "System.Collections.Immutable.ImmutableHashSet`1" or "System.Collections.Immutable.IImmutableSet`1" =>
                "System.Collections.Generic.IReadOnlySet`1",
            "System.Collections.Immutable.ImmutableDictionary`2" or "System.Collections.Immutable.IImmutableDictionary`2" or
                "System.Collections.ObjectModel.ReadOnlyDictionary`2" => "System.Collections.Generic.IReadOnlyDictionary`2",
            "System.Collections.Concurrent.ConcurrentDictionary`2" => "System.Collections.Generic.IDictionary`2",
            _ => null,
        };
        if (replacement is null || compilation.GetTypeByMetadataName(replacement) is not { } generic)
            return null;
        // The type arguments keep their nullable annotations: ImmutableArray<string?> → IReadOnlyList<string?>.
        return generic.Construct(type.TypeArguments, type.TypeArgumentNullableAnnotations);
    }
}
