using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Broker.Generators.Parsing;

/// <summary>What a closed generic type is built from: its type arguments, theirs, and those of the types containing it.</summary>
internal static class GenericArguments
{
    /// <summary>The first type parameter left anywhere in the type's arguments (<c>T</c> in <c>Envelope&lt;List&lt;T&gt;&gt;</c>), or null when it is closed.</summary>
    public static ITypeParameterSymbol? FindTypeParameter(ITypeSymbol type) =>
        (ITypeParameterSymbol?)Find(type, static t => t is ITypeParameterSymbol);

    /// <summary>
    /// Whether <c>dynamic</c> is anywhere among the type's arguments (<c>Envelope&lt;List&lt;dynamic&gt;&gt;</c>). A member
    /// typed by it is refused where it is classified; a phantom one (no member uses the parameter) would otherwise reach
    /// the generated codec, which C# does not let implement <c>IBsonCodec&lt;Envelope&lt;dynamic&gt;&gt;</c> (CS1966).
    /// </summary>
    public static bool ContainsDynamic(ITypeSymbol type) => Find(type, static t => t is IDynamicTypeSymbol) is not null;

    // The first type matching the test: the type itself, an array's element, or anywhere in the type arguments of a
    // named type and of the types containing it.
    private static ITypeSymbol? Find(ITypeSymbol type, System.Func<ITypeSymbol, bool> test)
    {
        if (test(type))
            return type;
        switch (type)
        {
            case IArrayTypeSymbol array:
                return Find(array.ElementType, test);
            case INamedTypeSymbol named:
                for (var current = named; current is not null; current = current.ContainingType)
                {
                    foreach (var argument in current.TypeArguments)
                    {
                        if (Find(argument, test) is { } found)
                            return found;
                    }
                }
                return null;
            default:
                return null;
        }
    }

    /// <summary>The type itself and every named type among its type arguments, however deep, and theirs.</summary>
    public static IEnumerable<INamedTypeSymbol> NamedTypesIn(INamedTypeSymbol type)
    {
        yield return type;
        for (var current = type; current is not null; current = current.ContainingType)
        {
            foreach (var argument in current.TypeArguments)
            {
                var element = argument;
                while (element is IArrayTypeSymbol array)
                    element = array.ElementType;
                if (element is not INamedTypeSymbol named)
                    continue;
                foreach (var inner in NamedTypesIn(named))
                    yield return inner;
            }
        }
    }
}
