using System.Globalization;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Broker.Generators.Parsing;

/// <summary>Writes a parameter's default value as C#, for a constructor argument whose element is missing.</summary>
internal static class DefaultValues
{
    public static string Format(IParameterSymbol parameter) => Format(parameter.ExplicitDefaultValue, parameter.Type);

    /// <summary>The value of <c>[BsonDefaultValue(x)]</c> as C#, or null when it is not a constant C# can write (a type, an array).</summary>
    public static string? Format(TypedConstant constant, ITypeSymbol type) =>
        constant.Kind is TypedConstantKind.Primitive or TypedConstantKind.Enum || constant.IsNull ? Format(constant.Value, type) : null;

    private static string Format(object? value, ITypeSymbol type)
    {
        if (value is null)
            return type.IsValueType && type.OriginalDefinition.SpecialType != SpecialType.System_Nullable_T ? "default" : "null";

        var literal = value switch
        {
            double d when double.IsNaN(d) => "double.NaN",
            double d when double.IsPositiveInfinity(d) => "double.PositiveInfinity",
            double d when double.IsNegativeInfinity(d) => "double.NegativeInfinity",
            float f when float.IsNaN(f) => "float.NaN",
            float f when float.IsPositiveInfinity(f) => "float.PositiveInfinity",
            float f when float.IsNegativeInfinity(f) => "float.NegativeInfinity",
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            float f => f.ToString("R", CultureInfo.InvariantCulture),
            _ => SymbolDisplay.FormatPrimitive(value, quoteStrings: true, useHexadecimalNumbers: false),
        };
        // The cast gives the literal the parameter's type (an enum, a float, a nullable) whatever its own type is.
        return "(" + Names.TypeName(type) + ")(" + literal + ")";
    }
}
