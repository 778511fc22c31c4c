using System.Collections.Generic;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Broker.Generators.Parsing;

/// <summary>How generated code names types: user types fully qualified, generated types by a fixed scheme.</summary>
internal static class Names
{
    /// <summary>The namespace under which codecs mirror the namespaces of the types they encode.</summary>
    public const string CodecRootNamespace = "Broker.Generated.Bson";

    /// <summary>The namespace of the generated registry and module initializer.</summary>
    public const string GeneratedNamespace = "Broker.Generated";

    /// <summary><c>global::Sample.User</c>, <c>global::System.Collections.Generic.List&lt;string?&gt;</c>, <c>int?</c>.</summary>
    public static readonly SymbolDisplayFormat TypeFormat = SymbolDisplayFormat.FullyQualifiedFormat
        .AddMiscellaneousOptions(SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary><c>Sample.User</c>, <c>Sample.Outer.Inner</c>: for messages and hint names.</summary>
    public static readonly SymbolDisplayFormat DisplayFormat = new(
        globalNamespaceStyle: SymbolDisplayGlobalNamespaceStyle.Omitted,
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes);

    public static string TypeName(ITypeSymbol type) => type.ToDisplayString(TypeFormat);

    public static string DisplayName(ITypeSymbol type) => type.ToDisplayString(DisplayFormat);

    /// <summary>The namespace of a symbol without <c>global::</c>; empty for the global namespace.</summary>
    public static string NamespaceOf(ISymbol symbol) =>
        symbol.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() : string.Empty;

    /// <summary>
    /// The codec's namespace mirrors the type's (<c>Sample.User</c> → <c>Broker.Generated.Bson.Sample</c>), so two types
    /// with the same simple name in different namespaces get different codecs.
    /// </summary>
    public static string CodecNamespace(INamedTypeSymbol type)
    {
        var ns = NamespaceOf(type);
        return ns.Length == 0 ? CodecRootNamespace : CodecRootNamespace + "." + ns;
    }

    /// <summary>
    /// <c>UserCodec</c>; a nested type joins its containers with '_': <c>Outer_InnerCodec</c>. A closed generic type gets
    /// one codec per set of type arguments, named by <see cref="GenericCodecNames"/>: <c>Envelope_Of_Sample_User_Codec</c>.
    /// </summary>
    public static string CodecName(INamedTypeSymbol type)
    {
        if (GenericCodecNames.IsGeneric(type))
            return GenericCodecNames.CodecName(type);
        var parts = new List<string>();
        for (ISymbol? current = type; current is INamedTypeSymbol named; current = named.ContainingType)
            parts.Insert(0, named.Name);
        return string.Join("_", parts) + "Codec";
    }

    /// <summary><c>User</c>; a nested type with its containers: <c>Outer.Inner</c>; a generic one with its type arguments: <c>Envelope&lt;User&gt;</c>.</summary>
    public static string ShortName(INamedTypeSymbol type) => type.ToDisplayString(ShortFormat);

    private static readonly SymbolDisplayFormat ShortFormat = new(
        globalNamespaceStyle: SymbolDisplayGlobalNamespaceStyle.Omitted,
        typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypes,
        genericsOptions: SymbolDisplayGenericsOptions.IncludeTypeParameters,
        miscellaneousOptions: SymbolDisplayMiscellaneousOptions.UseSpecialTypes | SymbolDisplayMiscellaneousOptions.IncludeNullableReferenceTypeModifier);

    /// <summary>
    /// The name MongoDB.Bson's class map gives a type as its discriminator: the CLR name (<c>User</c>), or for a generic
    /// type its name without the arity, followed by its type arguments named the same way: <c>Envelope&lt;Int64&gt;</c>,
    /// <c>Pair&lt;String, List&lt;Int32&gt;&gt;</c>. An array keeps the CLR name of its element (<c>Page`1[]</c>).
    /// </summary>
    public static string ClrFriendlyName(ITypeSymbol type)
    {
        if (type is IArrayTypeSymbol)
            return ClrName(type);
        // Reflection counts a nested type's containers' arguments as its own, outermost first.
        var arguments = new List<ITypeSymbol>();
        for (var current = type as INamedTypeSymbol; current is not null; current = current.ContainingType)
            arguments.InsertRange(0, current.TypeArguments);
        if (arguments.Count == 0)
            return type.MetadataName;
        var builder = new StringBuilder(type.Name).Append('<');
        for (var i = 0; i < arguments.Count; i++)
        {
            if (i > 0)
                builder.Append(", ");
            builder.Append(ClrFriendlyName(arguments[i]));
        }
        return builder.Append('>').ToString();
    }

    // Type.Name: the metadata name, with the arity of a generic type and the brackets of an array.
    private static string ClrName(ITypeSymbol type) =>
        type is IArrayTypeSymbol array ? ClrName(array.ElementType) + "[" + new string(',', array.Rank - 1) + "]" : type.MetadataName;

    /// <summary>An identifier, escaped with <c>@</c> when it is a keyword.</summary>
    public static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>The registry class of an assembly: <c>Sample.Channels</c> → <c>global::Broker.Generated.Sample_Channels_ChannelRegistry</c>.</summary>
    public static string RegistryTypeName(string assemblyName) =>
        "global::" + GeneratedNamespace + "." + AssemblyIdentifier(assemblyName) + "_ChannelRegistry";

    /// <summary>The class of <c>AddChannels()</c>: <c>Sample.App</c> → <c>Sample_App_BrokerChannels</c>.</summary>
    public static string AddChannelsClassName(string assemblyName) => AssemblyIdentifier(assemblyName) + "_BrokerChannels";

    /// <summary>
    /// The public class an assembly that declares subtypes but has no public type gets, so that the <c>AddChannels()</c> of
    /// an application can name its module: <c>Billing</c> → <c>Broker.Generated.Billing_BsonSubtypes</c>. It is public, so
    /// two assemblies whose names make one identifier (<c>Billing.Core</c> and <c>Billing-Core</c>) must not share it: an
    /// application referencing both could name neither. A name that is not an identifier as it is gets a hash of itself.
    /// </summary>
    public static string SubtypesAnchorClassName(string assemblyName)
    {
        var identifier = AssemblyIdentifier(assemblyName);
        return identifier == assemblyName
            ? identifier + "_BsonSubtypes"
            : identifier + "_H" + GenericCodecNames.Hash(assemblyName) + "_BsonSubtypes";
    }

    private static string AssemblyIdentifier(string assemblyName)
    {
        var builder = new StringBuilder();
        foreach (var c in assemblyName)
            builder.Append(char.IsLetterOrDigit(c) || c == '_' ? c : '_');
        if (builder.Length == 0 || char.IsDigit(builder[0]))
            builder.Insert(0, '_');
        return builder.ToString();
    }

    /// <summary>A C# string literal.</summary>
    public static string Literal(string value) => SymbolDisplay.FormatLiteral(value, quote: true);
}
