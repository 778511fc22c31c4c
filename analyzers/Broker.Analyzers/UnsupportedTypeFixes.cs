using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Broker.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Broker.Analyzers;

/// <summary>
/// What a BRK0013 can be fixed with, when the correction is mechanical: the nullable message type written without its
/// '?'; a member whose declared type has no BSON mapping but a supported type with the same meaning
/// (<see cref="MemberTypeSuggestion"/>); an enum based on uint, based on long instead; or a constructor parameter that matches no member while exactly one member of
/// its type has a near name. The code fixes read the result from the diagnostic's properties and additional location.
/// </summary>
internal sealed class UnsupportedTypeFixes
{
    private UnsupportedTypeFixes(string kind, string suggestion, Location? site, string messageSuffix, string? replaces = null)
    {
        Properties = ImmutableDictionary<string, string?>.Empty
            .Add(DiagnosticProperties.Fix, kind)
            .Add(DiagnosticProperties.Suggestion, suggestion)
            .AddRange(replaces is null ? [] : [new KeyValuePair<string, string?>(DiagnosticProperties.Replaces, replaces)]);
        AdditionalLocations = site is null ? [] : [site];
        MessageSuffix = messageSuffix;
    }

    /// <summary>The properties the fix reads: <see cref="DiagnosticProperties.Fix"/> and what it needs.</summary>
    public ImmutableDictionary<string, string?> Properties { get; }

    /// <summary>The declaration the fix changes, when it is not the diagnostic's own span.</summary>
    public IReadOnlyList<Location> AdditionalLocations { get; }

    /// <summary>What the reason gains, so the message says what the fix does.</summary>
    public string MessageSuffix { get; }

    /// <summary>The fix for <paramref name="problem"/>, or null when the correction is not mechanical.</summary>
    public static UnsupportedTypeFixes? For(UnsupportedType problem, ITypeSymbol messageType, Compilation compilation, CancellationToken cancellationToken)
    {
        if (problem.Site is null && messageType.IsReferenceType && messageType.NullableAnnotation == NullableAnnotation.Annotated)
            return new UnsupportedTypeFixes(DiagnosticProperties.RemoveNullableFix, Names.DisplayName(messageType), null, "");
        return problem.Site switch
        {
            IPropertySymbol or IFieldSymbol => MemberType(problem, problem.Site, compilation, cancellationToken),
            IParameterSymbol parameter => ParameterName(parameter),
            _ => null,
        };
    }

    private static UnsupportedTypeFixes? MemberType(UnsupportedType problem, ISymbol member, Compilation compilation, CancellationToken cancellationToken)
    {
        var declaredType = member is IPropertySymbol property ? property.Type : ((IFieldSymbol)member).Type;
        if (Find(declaredType, problem.TypeName) is INamedTypeSymbol { TypeKind: TypeKind.Enum } enumType)
            return EnumBase(enumType, compilation, cancellationToken);
        if (Find(declaredType, problem.TypeName) is not { } unsupported ||
            MemberTypeSuggestion.Suggest(unsupported, compilation) is not { } suggestion ||
            DeclaredTypeSyntax(member, cancellationToken) is not { } typeSyntax)
            return null;
        return new UnsupportedTypeFixes(
            DiagnosticProperties.MemberTypeFix,
            suggestion.ToDisplayString(Names.TypeFormat),
            typeSyntax.GetLocation(),
            "; declare " + member.Name + " with " + Names.DisplayName(suggestion) + ", which holds the same values and is supported",
            unsupported.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat));
    }

    // An enum based on uint: long holds every uint value, and the codecs write it as MongoDB.Bson does. One based on
    // ulong has no such type.
    private static UnsupportedTypeFixes? EnumBase(INamedTypeSymbol enumType, Compilation compilation, CancellationToken cancellationToken)
    {
        if (enumType.EnumUnderlyingType?.SpecialType != SpecialType.System_UInt32 || enumType.DeclaringSyntaxReferences.Length != 1 ||
            enumType.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) is not EnumDeclarationSyntax { BaseList.Types: { Count: 1 } bases })
            return null;
        var baseType = bases[0].Type;
        var suggestion = compilation.GetSpecialType(SpecialType.System_Int64);
        return new UnsupportedTypeFixes(
            DiagnosticProperties.EnumBaseFix,
            suggestion.ToDisplayString(Names.TypeFormat),
            baseType.GetLocation(),
            "; base " + enumType.Name + " on long, which holds every uint value",
            enumType.EnumUnderlyingType.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat));
    }

    // The unsupported type itself or the type argument or element type inside the declared type that the problem names.
    private static ITypeSymbol? Find(ITypeSymbol type, string displayName)
    {
        if (Names.DisplayName(type) == displayName)
            return type;
        var inner = type switch
        {
            IArrayTypeSymbol array => [array.ElementType],
            INamedTypeSymbol named => named.TypeArguments,
            _ => ImmutableArray<ITypeSymbol>.Empty,
        };
        return inner.Select(t => Find(t, displayName)).FirstOrDefault(t => t is not null);
    }

    // One declaration with one variable: a property, a positional record parameter, or a field declared alone (changing
    // the type of 'int a, b;' would change b too).
    private static TypeSyntax? DeclaredTypeSyntax(ISymbol member, CancellationToken cancellationToken)
    {
        if (member.DeclaringSyntaxReferences.Length != 1)
            return null;
        return member.DeclaringSyntaxReferences[0].GetSyntax(cancellationToken) switch
        {
            PropertyDeclarationSyntax property => property.Type,
            ParameterSyntax parameter => parameter.Type,
            VariableDeclaratorSyntax { Parent: VariableDeclarationSyntax { Variables.Count: 1 } declaration } => declaration.Type,
            _ => null,
        };
    }

    // A constructor that binds no parameter list: when exactly one of its parameters matches no member (by name,
    // ignoring case, and type), it is renamed after the one member of its type whose name is within a typing slip
    // ("usrName" → "userName" for UserName). The members are the mapped ones and every public property and field, since
    // an immutable class maps its get-only properties only once every parameter matches one (so the parser may have
    // stopped at another parameter). A parameter whose name matches a member of another type, or a constructor whose
    // [BsonConstructor] names the members, is not a spelling mistake.
    private static UnsupportedTypeFixes? ParameterName(IParameterSymbol reported)
    {
        if (reported.ContainingSymbol is not IMethodSymbol constructor || constructor.ContainingType is not { } type ||
            BsonAttributes.Find(constructor, BsonAttributes.Constructor) is { ConstructorArguments.Length: > 0 } ||
            MemberFinder.Levels(type, out _) is not { } levels)
            return null;

        var members = MemberFinder.Find(levels).Select(m => (m.Symbol.Name, m.Type))
            .Concat(PublicMembers(type))
            .ToList();
        bool Matches(IParameterSymbol p, (string Name, ITypeSymbol Type) m) =>
            string.Equals(p.Name, m.Name, StringComparison.OrdinalIgnoreCase) && SymbolEqualityComparer.Default.Equals(p.Type, m.Type);
        var unmatched = constructor.Parameters.Where(p => !members.Any(m => Matches(p, m))).ToList();
        if (unmatched.Count != 1 || unmatched[0] is not { } parameter || parameter.Locations.FirstOrDefault() is not { IsInSource: true } site ||
            members.Any(m => string.Equals(m.Name, parameter.Name, StringComparison.OrdinalIgnoreCase)))
            return null;

        var candidates = members
            .Where(m => SymbolEqualityComparer.Default.Equals(m.Type, parameter.Type) &&
                !constructor.Parameters.Any(p => string.Equals(p.Name, m.Name, StringComparison.OrdinalIgnoreCase)))
            .Select(m => m.Name)
            .Distinct()
            .Select(name => (Name: name, Distance: EditDistance.Between(parameter.Name.ToUpperInvariant(), name.ToUpperInvariant())))
            .Where(c => c.Distance <= (parameter.Name.Length >= 6 ? 2 : 1))
            .ToList();
        if (candidates.Count == 0)
            return null;
        var best = candidates.Min(c => c.Distance);
        var closest = candidates.Where(c => c.Distance == best).ToList();
        if (closest.Count != 1)
            return null;

        var member = closest[0].Name;
        // The parameter keeps its own convention: camelCase when it was written so.
        var name = char.IsLower(parameter.Name[0]) ? char.ToLowerInvariant(member[0]) + member.Substring(1) : member;
        if (SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None)
            return null;
        // The reason names the first parameter the parser could not bind, which may be another one.
        var which = SymbolEqualityComparer.Default.Equals(parameter, reported) ? "it" : "'" + parameter.Name + "'";
        return new UnsupportedTypeFixes(DiagnosticProperties.ParameterNameFix, name, site,
            "; rename " + which + " '" + name + "' to bind the member '" + member + "'");
    }

    // Public instance properties with a getter and public instance fields, of the type and its bases.
    private static IEnumerable<(string Name, ITypeSymbol Type)> PublicMembers(INamedTypeSymbol type)
    {
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            foreach (var member in current.GetMembers())
            {
                if (member.IsStatic || member.DeclaredAccessibility != Accessibility.Public || member.IsImplicitlyDeclared)
                    continue;
                if (member is IPropertySymbol { IsIndexer: false, GetMethod: not null } property)
                    yield return (property.Name, property.Type);
                else if (member is IFieldSymbol { IsConst: false } field)
                    yield return (field.Name, field.Type);
            }
        }
    }
}
