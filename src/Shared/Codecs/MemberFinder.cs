using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace Broker.Generators.Parsing;

/// <summary>A member MongoDB.Bson's class map serializes, with its element name and the options its attributes set.</summary>
internal sealed class MappedMember
{
    public MappedMember(ISymbol symbol, string elementName, bool explicitlyMapped)
    {
        Symbol = symbol;
        ElementName = elementName;
        ExplicitlyMapped = explicitlyMapped;
        var element = BsonAttributes.Find(symbol, BsonAttributes.Element);
        Order = element is not null && BsonAttributes.Named(element, "Order")?.Value is int order ? order : int.MaxValue;
        IgnoreIfNull = BsonAttributes.Has(symbol, BsonAttributes.IgnoreIfNull);
        var defaultValue = BsonAttributes.Find(symbol, BsonAttributes.DefaultValue);
        if (defaultValue is not null && defaultValue.ConstructorArguments.Length == 1)
            DefaultValue = defaultValue.ConstructorArguments[0];
        // [BsonDefaultValue(x, SerializeDefaultValue = false)] is MongoDB.Bson's older spelling of [BsonIgnoreIfDefault].
        IgnoreIfDefault = BsonAttributes.Has(symbol, BsonAttributes.IgnoreIfDefault) ||
            (defaultValue is not null && BsonAttributes.Named(defaultValue, "SerializeDefaultValue")?.Value is false);
        Required = BsonAttributes.Has(symbol, BsonAttributes.Required);
        if (BsonAttributes.Find(symbol, BsonAttributes.Representation) is { } representation && BsonAttributes.FirstArgument(representation) is int bsonType)
            RepresentationBsonType = bsonType;
    }

    public ISymbol Symbol { get; }

    public string ElementName { get; }

    /// <summary>Mapped by <c>[BsonElement]</c> or <c>[BsonId]</c> rather than by convention; may be get-only or non-public.</summary>
    public bool ExplicitlyMapped { get; }

    /// <summary><c>[BsonElement(Order = n)]</c>; members without one keep their place after those with one.</summary>
    public int Order { get; }

    public bool IgnoreIfNull { get; }

    public bool IgnoreIfDefault { get; }

    public TypedConstant? DefaultValue { get; }

    public bool Required { get; }

    /// <summary>The BsonType number of <c>[BsonRepresentation]</c>, or null.</summary>
    public int? RepresentationBsonType { get; }

    public ITypeSymbol Type => Symbol is IPropertySymbol property ? property.Type : ((IFieldSymbol)Symbol).Type;
}

/// <summary>
/// Finds the members MongoDB.Bson's class map serializes, in its order, so the generated codec writes the same bytes as
/// <c>value.ToBson()</c>. Class by class from the top base type down, each class contributes:
/// <list type="number">
/// <item>its public instance fields that are neither readonly nor const, in declaration order
/// (<c>ReadWriteMemberFinderConvention</c>);</item>
/// <item>then its public instance properties that have a getter and a setter of any accessibility (init included),
/// skipping indexers and overrides, in declaration order;</item>
/// <item>its id: the first of <c>Id</c>, <c>id</c>, <c>_id</c> it declares, written as <c>_id</c> in place, or appended if
/// it was not mapped yet, such as a get-only <c>Id</c> (<c>NamedIdMemberConvention</c>);</item>
/// <item>for an immutable class (no public parameterless constructor and no property with a public setter), the get-only
/// properties that match a parameter of a non-private constructor whose parameters all match properties
/// (<c>ImmutableTypeClassMapConvention</c>);</item>
/// <item>members that carry <c>[BsonElement]</c> or <c>[BsonId]</c> and were not mapped yet, whatever their
/// accessibility, in declaration order (the attribute conventions).</item>
/// </list>
/// <c>[BsonIgnore]</c> removes a member from every step, <c>[BsonNoId]</c> turns the id convention off, and
/// <c>[BsonId]</c> names the id instead of it. Finally all members are sorted, stably, by <c>[BsonElement(Order = n)]</c>.
/// The id is not moved to the front: <c>ToBson()</c> keeps declaration order.
/// <para>
/// Element names: <c>[BsonElement("name")]</c>'s name, <c>_id</c> for the id, or else the member name as the
/// declaring class's <c>[BrokerNaming]</c> (or its assembly's) says (<see cref="ElementNaming"/>). Under camelCase
/// naming only an id marked <c>[BsonId]</c> is written as <c>_id</c>; one found by its name is a plain member.
/// </para>
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
        // Stable: members with the same Order keep their place.
        return members
            .Select((member, index) => (member, index))
            .OrderBy(pair => pair.member.Order)
            .ThenBy(pair => pair.index)
            .Select(pair => pair.member)
            .ToList();
    }

    /// <summary>
    /// The first class, member or constructor that carries a MongoDB.Bson attribute the codecs cannot reproduce: where,
    /// and why; or null.
    /// </summary>
    public static (string Where, string Reason)? FindUnsupportedAttribute(IReadOnlyList<INamedTypeSymbol> levels)
    {
        foreach (var level in levels)
        {
            if (BsonAttributes.FindUnsupported(level) is { } onType)
                return (level.Name, onType);
            foreach (var member in level.GetMembers())
            {
                if (member is IFieldSymbol or IPropertySymbol or IMethodSymbol && BsonAttributes.FindUnsupported(member) is { } reason)
                    return (level.Name + "." + (member is IMethodSymbol { MethodKind: MethodKind.Constructor } ? "ctor" : member.Name), reason);
            }
        }
        return null;
    }

    public static bool IsFrameworkType(ITypeSymbol type)
    {
        var ns = Names.NamespaceOf(type);
        return ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal) || ns == "Microsoft" || ns.StartsWith("Microsoft.", StringComparison.Ordinal);
    }

    private static List<MappedMember> FindDeclared(INamedTypeSymbol level)
    {
        var mapped = new List<ISymbol>();
        foreach (var field in level.GetMembers().OfType<IFieldSymbol>())
        {
            if (!field.IsStatic && !field.IsConst && !field.IsReadOnly && !field.IsImplicitlyDeclared && field.DeclaredAccessibility == Accessibility.Public && !IsIgnored(field))
                mapped.Add(field);
        }
        foreach (var property in level.GetMembers().OfType<IPropertySymbol>())
        {
            if (IsReflectionPublicInstanceProperty(property) && property.GetMethod is not null && property.SetMethod is not null && !property.IsOverride && !IsIgnored(property))
                mapped.Add(property);
        }

        ElementNaming.TryGet(level, out var naming);
        ISymbol? id = level.GetMembers().FirstOrDefault(m => m is IFieldSymbol or IPropertySymbol && !m.IsStatic && BsonAttributes.Has(m, BsonAttributes.Id) && !IsIgnored(m));
        var explicitId = id is not null;
        if (id is null && !BsonAttributes.Has(level, BsonAttributes.NoId))
        {
            foreach (var name in IdNames)
            {
                id = level.GetMembers(name).FirstOrDefault(m => IsIdCandidate(m) && !IsIgnored(m));
                if (id is not null)
                {
                    if (!mapped.Contains(id, SymbolEqualityComparer.Default))
                        mapped.Add(id);
                    break;
                }
            }
        }

        foreach (var property in ImmutableTypeProperties(level))
        {
            if (!mapped.Contains(property, SymbolEqualityComparer.Default) && !IsIgnored(property))
                mapped.Add(property);
        }

        var explicitlyMapped = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
        foreach (var member in level.GetMembers())
        {
            if (member is not (IFieldSymbol { IsImplicitlyDeclared: false } or IPropertySymbol { IsIndexer: false }) || member.IsStatic || IsIgnored(member))
                continue;
            if (!BsonAttributes.Has(member, BsonAttributes.Element) && !BsonAttributes.Has(member, BsonAttributes.Id))
                continue;
            explicitlyMapped.Add(member);
            if (!mapped.Contains(member, SymbolEqualityComparer.Default))
                mapped.Add(member);
        }

        // Under camelCase naming an id found by its name stays mapped where the id convention put it, but as a plain
        // member: MongoDB.Bson does the same when a post-processing convention unsets such an id.
        var idElement = explicitId || naming == ElementNaming.Default ? id : null;
        return mapped
            .Select(symbol => new MappedMember(symbol, ElementName(symbol, idElement, naming), explicitlyMapped.Contains(symbol)))
            .ToList();
    }

    private static string ElementName(ISymbol member, ISymbol? id, int naming)
    {
        if (SymbolEqualityComparer.Default.Equals(member, id))
            return "_id";
        var element = BsonAttributes.Find(member, BsonAttributes.Element);
        return element is not null && BsonAttributes.FirstArgument(element) is string { Length: > 0 } name ? name : ElementNaming.Apply(member.Name, naming);
    }

    private static bool IsIgnored(ISymbol member) => BsonAttributes.Has(member, BsonAttributes.Ignore);

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
