using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Broker.Generators.Parsing;

/// <summary>A member MongoDB.Bson's default class map serializes, with its element name.</summary>
internal readonly struct MappedMember
{
    public MappedMember(ISymbol symbol, string elementName)
    {
        Symbol = symbol;
        ElementName = elementName;
    }

    public ISymbol Symbol { get; }

    public string ElementName { get; }

    public ITypeSymbol Type => Symbol is IPropertySymbol property ? property.Type : ((IFieldSymbol)Symbol).Type;
}

/// <summary>
/// Finds the members MongoDB.Bson's default conventions serialize, in its order, so the generated codec writes the same
/// bytes as <c>value.ToBson()</c>. Class by class from the top base type down, each class contributes:
/// <list type="number">
/// <item>its public instance fields that are neither readonly nor const, in declaration order
/// (<c>ReadWriteMemberFinderConvention</c>);</item>
/// <item>then its public instance properties that have a getter and a setter of any accessibility (init included),
/// skipping indexers and overrides, in declaration order;</item>
/// <item>its id: the first of <c>Id</c>, <c>id</c>, <c>_id</c> it declares, written as <c>_id</c> in place, or appended if
/// it was not mapped yet, such as a get-only <c>Id</c> (<c>NamedIdMemberConvention</c>);</item>
/// <item>for an immutable class (no public parameterless constructor and no property with a public setter), the get-only
/// properties that match a parameter of a non-private constructor whose parameters all match properties
/// (<c>ImmutableTypeClassMapConvention</c>).</item>
/// </list>
/// The id is not moved to the front: <c>ToBson()</c> keeps declaration order.
/// </summary>
internal static class MemberFinder
{
    private static readonly string[] IdNames = { "Id", "id", "_id" };

    /// <summary>The classes that contribute members, top base first; null when a base is a framework type.</summary>
    public static List<INamedTypeSymbol>? Levels(INamedTypeSymbol type, out INamedTypeSymbol? frameworkBase)
    {
        var levels = new List<INamedTypeSymbol>();
        frameworkBase = null;
        for (var current = type; current is not null; current = current.BaseType)
        {
            if (current.SpecialType is SpecialType.System_Object or SpecialType.System_ValueType)
                break;
            if (levels.Count > 0 && IsFrameworkType(current))
            {
                frameworkBase = current;
                return null;
            }
            levels.Insert(0, current);
        }
        return levels;
    }

    public static List<MappedMember> Find(IReadOnlyList<INamedTypeSymbol> levels)
    {
        var members = new List<MappedMember>();
        foreach (var level in levels)
            members.AddRange(FindDeclared(level));
        return members;
    }

    /// <summary>
    /// The first class, member or constructor that carries an attribute from <c>MongoDB.Bson.Serialization.Attributes</c>
    /// (<c>[BsonElement]</c>, <c>[BsonIgnore]</c>, <c>[BsonId]</c> ...), or null. Each changes the mapping in its own way.
    /// </summary>
    public static string? FindMongoAttribute(IReadOnlyList<INamedTypeSymbol> levels)
    {
        foreach (var level in levels)
        {
            if (HasMongoAttribute(level))
                return level.Name;
            foreach (var member in level.GetMembers())
            {
                if (member is IFieldSymbol or IPropertySymbol or IMethodSymbol { MethodKind: MethodKind.Constructor } && HasMongoAttribute(member))
                    return member is IMethodSymbol ? level.Name + "'s constructor" : member.Name;
            }
        }
        return null;
    }

    public static bool IsFrameworkType(ITypeSymbol type)
    {
        var ns = Names.NamespaceOf(type);
        return ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal) || ns == "Microsoft" || ns.StartsWith("Microsoft.", StringComparison.Ordinal);
    }

    private static bool HasMongoAttribute(ISymbol symbol) =>
        symbol.GetAttributes().Any(a => a.AttributeClass?.ContainingNamespace?.ToDisplayString() == "MongoDB.Bson.Serialization.Attributes");

    private static List<MappedMember> FindDeclared(INamedTypeSymbol level)
    {
        var mapped = new List<ISymbol>();
        foreach (var field in level.GetMembers().OfType<IFieldSymbol>())
        {
            if (!field.IsStatic && !field.IsConst && !field.IsReadOnly && !field.IsImplicitlyDeclared && field.DeclaredAccessibility == Accessibility.Public)
                mapped.Add(field);
        }
        foreach (var property in level.GetMembers().OfType<IPropertySymbol>())
        {
            if (IsReflectionPublicInstanceProperty(property) && property.GetMethod is not null && property.SetMethod is not null && !property.IsOverride)
                mapped.Add(property);
        }

        ISymbol? id = null;
        foreach (var name in IdNames)
        {
            id = level.GetMembers(name).FirstOrDefault(IsIdCandidate);
            if (id is not null)
            {
                if (!mapped.Contains(id, SymbolEqualityComparer.Default))
                    mapped.Add(id);
                break;
            }
        }

        foreach (var property in ImmutableTypeProperties(level))
        {
            if (!mapped.Contains(property, SymbolEqualityComparer.Default))
                mapped.Add(property);
        }

        return mapped
            .Select(symbol => new MappedMember(symbol, SymbolEqualityComparer.Default.Equals(symbol, id) ? "_id" : symbol.Name))
            .ToList();
    }

    private static bool IsIdCandidate(ISymbol symbol) => symbol switch
    {
        IFieldSymbol field => !field.IsStatic && !field.IsConst && field.DeclaredAccessibility == Accessibility.Public,
        IPropertySymbol property => IsReflectionPublicInstanceProperty(property) && property.GetMethod is not null && !property.IsOverride,
        _ => false,
    };

    private static IEnumerable<IPropertySymbol> ImmutableTypeProperties(INamedTypeSymbol level)
    {
        // Reflection sees no parameterless constructor on a struct unless one is declared.
        var hasPublicParameterlessConstructor = level.InstanceConstructors.Any(c =>
            c.Parameters.Length == 0 && c.DeclaredAccessibility == Accessibility.Public && !(level.IsValueType && c.IsImplicitlyDeclared));
        if (hasPublicParameterlessConstructor)
            return Enumerable.Empty<IPropertySymbol>();

        var publicProperties = PublicPropertiesIncludingInherited(level);
        if (publicProperties.Any(p => p.SetMethod?.DeclaredAccessibility == Accessibility.Public))
            return Enumerable.Empty<IPropertySymbol>();

        var parameterNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var constructor in level.InstanceConstructors)
        {
            if (constructor.DeclaredAccessibility == Accessibility.Private || (level.IsValueType && constructor.IsImplicitlyDeclared))
                continue;
            var allMatch = constructor.Parameters.All(parameter =>
                publicProperties.Count(p => string.Equals(p.Name, parameter.Name, StringComparison.OrdinalIgnoreCase)) == 1);
            if (!allMatch)
                continue;
            foreach (var parameter in constructor.Parameters)
                parameterNames.Add(parameter.Name);
        }

        return level.GetMembers().OfType<IPropertySymbol>()
            .Where(p => IsReflectionPublicInstanceProperty(p) && p.GetMethod is not null && parameterNames.Contains(p.Name));
    }

    private static List<IPropertySymbol> PublicPropertiesIncludingInherited(INamedTypeSymbol type)
    {
        var properties = new List<IPropertySymbol>();
        var overridden = new HashSet<IPropertySymbol>(SymbolEqualityComparer.Default);
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
        {
            foreach (var property in current.GetMembers().OfType<IPropertySymbol>())
            {
                if (!IsReflectionPublicInstanceProperty(property) || overridden.Contains(property))
                    continue;
                properties.Add(property);
                for (var baseProperty = property.OverriddenProperty; baseProperty is not null; baseProperty = baseProperty.OverriddenProperty)
                    overridden.Add(baseProperty);
            }
        }
        return properties;
    }

    // Reflection's BindingFlags.Public finds a property when any of its accessors is public.
    private static bool IsReflectionPublicInstanceProperty(IPropertySymbol property) =>
        !property.IsStatic && !property.IsIndexer &&
        (property.GetMethod?.DeclaredAccessibility == Accessibility.Public || property.SetMethod?.DeclaredAccessibility == Accessibility.Public);
}
