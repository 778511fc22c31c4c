using System.Collections.Generic;
using Microsoft.CodeAnalysis;

namespace Broker.Generators.Parsing;

/// <summary>What a closed generic type is built from: its type arguments, theirs, and those of the types containing it.</summary>
internal static class GenericArguments
{
    /// <summary>The first type parameter left anywhere in the type's arguments (<c>T</c> in <c>Envelope&lt;List&lt;T&gt;&gt;</c>), or null when it is closed.</summary>
    public static ITypeParameterSymbol? FindTypeParameter(ITypeSymbol type)
    {
        switch (type)
        {
            case ITypeParameterSymbol parameter:
                return parameter;
            case IArrayTypeSymbol array:
                return FindTypeParameter(array.ElementType);
            case INamedTypeSymbol named:
                for (var current = named; current is not null; current = current.ContainingType)
                {
                    foreach (var argument in current.TypeArguments)
                    {
                        if (FindTypeParameter(argument) is { } found)
                            return found;
                    }
                }
                return null;
            default:
                return null;
        }
    }

    /// <summary>
    /// Whether <c>dynamic</c> is anywhere among the type's arguments (<c>Envelope&lt;List&lt;dynamic&gt;&gt;</c>). A member
    /// typed by it is refused where it is classified; a phantom one (no member uses the parameter) would otherwise reach
    /// the generated codec, which C# does not let implement <c>IBsonCodec&lt;Envelope&lt;dynamic&gt;&gt;</c> (CS1966).
    /// </summary>
    public static bool ContainsDynamic(ITypeSymbol type)
    {
        switch (type)
        {
            case IDynamicTypeSymbol:
                return true;
            case IArrayTypeSymbol array:
                return ContainsDynamic(array.ElementType);
            case INamedTypeSymbol named:
                for (var current = named; current is not null; current = current.ContainingType)
                {
                    foreach (var argument in current.TypeArguments)
                    {
                        if (ContainsDynamic(argument))
                            return true;
                    }
                }
                return false;
            default:
                return false;
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
