using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Broker.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Broker.Generators.Parsing;

/// <summary>
/// Builds the codec models of a message type and of every class, struct or record it reaches, or says why one of them
/// cannot be serialized. This and the classes it uses are the one rule both the generator and the BRK0013 analyzer
/// apply (the analyzer compiles them by link), so what the generator refuses is exactly what the analyzer explains.
/// </summary>
/// <remarks>
/// Reading calls the constructor marked <c>[BsonConstructor]</c>, or else the accessible constructor with the most
/// parameters that all match serialized members (by name, ignoring case, and type), such as a positional record's.
/// Every other member must then be settable, init-only or a field; a get-only collection is filled in place, and a
/// get-only member mapped by <c>[BsonElement]</c> is written but not read back, as MongoDB.Bson does. A member bound
/// to a constructor parameter that is non-nullable and has no default value, a C# <c>required</c> member and a
/// <c>[BsonRequired]</c> member must be present in the document.
/// </remarks>
internal sealed class CodecParser
{
    private readonly Compilation _compilation;
    private readonly CancellationToken _cancellationToken;
    private readonly ValueClassifier _classifier;
    private readonly HashSet<INamedTypeSymbol> _seen = new(SymbolEqualityComparer.Default);
    // A generic type by its generated name, nullable annotations of type arguments included: Envelope<User> and
    // Envelope<User?> are one run-time type, but the first refuses a null payload and the second does not, so each has
    // its own codec. (Symbols would tell oblivious and non-nullable arguments apart, which are one codec.)
    private readonly HashSet<string> _seenGeneric = new(StringComparer.Ordinal);
    private readonly Queue<(INamedTypeSymbol Type, string Path)> _pending = new();
    private readonly Dictionary<string, string> _pathOfCodec = new(StringComparer.Ordinal);

    private CodecParser(Compilation compilation, CancellationToken cancellationToken)
    {
        _compilation = compilation;
        _cancellationToken = cancellationToken;
        _classifier = new ValueClassifier(compilation, Enqueue);
    }

    /// <summary>Parses the message type and everything it reaches; the message type's codec comes first.</summary>
    public static bool TryParse(ITypeSymbol messageType, Compilation compilation, CancellationToken cancellationToken, out EquatableArray<CodecModel> codecs, out UnsupportedType? problem)
    {
        codecs = EquatableArray<CodecModel>.Empty;
        var parser = new CodecParser(compilation, cancellationToken);
        var rootPath = Names.DisplayName(messageType);
        // IQueueChannel<User?> would make the generated channel disagree with its interface on nullability, and a null
        // message has no BSON document to travel as.
        if (messageType.IsReferenceType && messageType.NullableAnnotation == NullableAnnotation.Annotated)
        {
            problem = new UnsupportedType(rootPath, rootPath, "is annotated as nullable, but a message is never null; declare the channel without the '?'");
            return false;
        }
        if (!parser._classifier.TryClassify(messageType, rootPath, out var root, out problem))
            return false;
        if (root.Kind != ValueKind.Document)
        {
            problem = new UnsupportedType(rootPath, rootPath, "is not a class, struct or record, and a message travels as a BSON document");
            return false;
        }

        var models = new List<CodecModel>();
        while (parser._pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (type, path) = parser._pending.Dequeue();
            if (!parser.TryParseDocument(type, path, out var model, out problem))
                return false;
            parser._pathOfCodec[model.TypeName] = path;
            models.Add(model);
        }
        if (parser.FindStructCycle(models) is { } cycle)
        {
            problem = cycle;
            return false;
        }
        codecs = MarkNullChecks(models).ToEquatableArray();
        return true;
    }

    private void Enqueue(INamedTypeSymbol type, string path)
    {
        var definition = (INamedTypeSymbol)type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
        if (GenericCodecNames.IsGeneric(definition) ? _seenGeneric.Add(Names.TypeName(definition)) : _seen.Add(definition))
            _pending.Enqueue((definition, path));
    }

    private bool TryParseDocument(INamedTypeSymbol type, string path, out CodecModel model, out UnsupportedType? problem)
    {
        model = null!;
        var levels = MemberFinder.Levels(type, out var frameworkBase);
        if (levels is null)
            return Fail(path, type, "derives from " + Names.DisplayName(frameworkBase!) + ", whose members Broker cannot map", out problem);

        if (MemberFinder.FindUnsupportedAttribute(levels) is { } attribute)
            return Fail(path, type, "has an attribute on " + attribute.Where + " that the generated codecs cannot honour: " + attribute.Reason, out problem);

        foreach (var level in levels)
        {
            if (!ElementNaming.TryGet(level, out var naming))
                return Fail(path, type, "is named by a [BrokerNaming] (on " + level.Name + " or its assembly) whose value " + naming + " is not a BsonNaming member", out problem);
        }

        if (!Polymorphism.TryBuild(type, path, _compilation, Enqueue, out var polymorphism, out problem))
            return false;

        var codecNamespace = Names.CodecNamespace(type);
        var codecName = Names.CodecName(type);
        if (type.IsAbstract)
        {
            // Never created itself: writing and reading go to the codec of the value's (known) type.
            model = new CodecModel(Names.TypeName(type), Names.DisplayName(type), codecNamespace, codecName, EquatableArray<MemberModel>.Empty, 0, polymorphism, Names.ShortName(type));
            return true;
        }

        var mapped = MemberFinder.Find(levels);
        var byElement = new Dictionary<string, MappedMember>(StringComparer.Ordinal);
        foreach (var member in mapped)
        {
            if (member.ElementName.IndexOf('\0') >= 0)
                return Fail(path, type, "maps " + member.Symbol.Name + " to an element name with a zero character, which BSON names cannot hold", out problem);
            if (byElement.TryGetValue(member.ElementName, out var other))
                return Fail(path, type, "maps both " + other.Symbol.Name + " and " + member.Symbol.Name + " to the element '" + member.ElementName + "'", out problem);
            byElement.Add(member.ElementName, member);
        }

        var values = new List<ValueModel>();
        foreach (var member in mapped)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            var memberPath = path + "." + member.Symbol.Name;
            if (!IsReadable(member.Symbol))
                return Fail(memberPath, member.Type, "is in a member the generated code cannot read (it is not public or internal); make it accessible or add [BsonIgnore]", out problem);
            var representation = Representation.Default;
            if (member.RepresentationBsonType is { } bsonType)
            {
                if (Representations.FromBsonType(bsonType) is not { } supported)
                    return Fail(memberPath, member.Type, "cannot take [BsonRepresentation] with BsonType " + bsonType + " in the generated codecs", out problem);
                representation = supported;
            }
            if (!_classifier.TryClassify(member.Type, memberPath, representation, out var value, out problem))
            {
                problem = problem! with { Site = member.Symbol };
                return false;
            }
            values.Add(value);
        }

        if (!TrySelectConstructor(type, mapped, out var constructor, out var reason, out var unmatched))
        {
            Fail(path, type, reason!, out problem);
            problem = problem! with { Site = unmatched };
            return false;
        }

        var models = new List<MemberModel>();
        for (var i = 0; i < mapped.Count; i++)
        {
            if (!TryToModel(mapped[i], values[i], constructor!, path, out var memberModel, out problem))
                return false;
            models.Add(memberModel);
        }

        model = new CodecModel(Names.TypeName(type), Names.DisplayName(type), codecNamespace, codecName, models.ToEquatableArray(), constructor!.Parameters.Length, polymorphism, Names.ShortName(type));
        problem = null;
        return true;
    }

    // unmatched: the parameter the reason is about, when it is one that matches no member.
    private bool TrySelectConstructor(INamedTypeSymbol type, List<MappedMember> members, out IMethodSymbol? selected, out string? reason, out IParameterSymbol? unmatched)
    {
        selected = null;
        reason = null;
        unmatched = null;
        var marked = type.InstanceConstructors.Where(c => BsonAttributes.Has(c, BsonAttributes.Constructor)).ToList();
        if (marked.Count > 1)
        {
            reason = "has more than one constructor marked [BsonConstructor]";
            return false;
        }
        var candidates = (marked.Count == 1 ? marked : type.InstanceConstructors.ToList())
            .Where(c => IsAccessible(c) && !IsCopyConstructor(type, c) && c.Parameters.All(p => p.RefKind == RefKind.None))
            .ToList();
        if (candidates.Count == 0)
        {
            reason = marked.Count == 1
                ? "has a [BsonConstructor] that the generated code cannot call (it is not accessible, or takes ref parameters)"
                : "has no accessible constructor to create it with when reading";
            return false;
        }

        foreach (var constructor in candidates)
        {
            if (!TryBind(constructor, members, out var bindError, out var parameter))
            {
                if (reason is null)
                    (reason, unmatched) = (bindError, parameter);
                continue;
            }
            if (selected is null || constructor.Parameters.Length > selected.Parameters.Length)
                selected = constructor;
        }
        if (selected is not null)
            return true;
        reason = "has no constructor the codec can call: " + (reason ?? "none binds its parameters to serialized members");
        return false;
    }

    // Binds each parameter to the one member with its name (ignoring case, or as [BsonConstructor("A", "B")] names it) and
    // type; every other member must be assignable, a get-only collection, or write-only by [BsonElement].
    private bool TryBind(IMethodSymbol constructor, List<MappedMember> members, out string? error, out IParameterSymbol? unmatched)
    {
        error = null;
        unmatched = null;
        var bound = new List<ISymbol>();
        for (var i = 0; i < constructor.Parameters.Length; i++)
        {
            var member = BoundMember(constructor, i, members);
            if (member is null || bound.Contains(member.Symbol, SymbolEqualityComparer.Default))
            {
                error = "the constructor parameter '" + constructor.Parameters[i].Name + "' matches no serialized member of the same name and type";
                unmatched = constructor.Parameters[i];
                return false;
            }
            bound.Add(member.Symbol);
        }
        foreach (var member in members)
        {
            if (!bound.Contains(member.Symbol, SymbolEqualityComparer.Default) && !IsAssignable(member.Symbol) && !CanPopulate(member) && !member.ExplicitlyMapped)
            {
                error = "the member '" + member.Symbol.Name + "' has no accessible setter and no constructor parameter sets it, so it cannot be read back";
                return false;
            }
        }
        return true;
    }

    private static MappedMember? BoundMember(IMethodSymbol constructor, int index, List<MappedMember> members)
    {
        var parameter = constructor.Parameters[index];
        var name = parameter.Name;
        if (BsonAttributes.Find(constructor, BsonAttributes.Constructor) is { ConstructorArguments: { Length: 1 } arguments } &&
            arguments[0].Kind == TypedConstantKind.Array && index < arguments[0].Values.Length && arguments[0].Values[index].Value is string named)
            name = named;
        var matches = members.Where(m =>
            string.Equals(m.Symbol.Name, name, StringComparison.OrdinalIgnoreCase) &&
            SymbolEqualityComparer.Default.Equals(m.Type, parameter.Type)).ToList();
        return matches.Count == 1 ? matches[0] : null;
    }

    private bool TryToModel(MappedMember member, ValueModel value, IMethodSymbol constructor, string path, out MemberModel model, out UnsupportedType? problem)
    {
        model = null!;
        problem = null;
        var symbol = member.Symbol;
        string? defaultValue = null;
        if (member.DefaultValue is { } constant)
        {
            defaultValue = DefaultValues.Format(constant, member.Type);
            if (defaultValue is null)
                return Fail(path + "." + symbol.Name, member.Type, "has a [BsonDefaultValue] the generated code cannot write as a constant", out problem);
        }
        var ignoreIfDefault = member.IgnoreIfDefault ? defaultValue ?? "default(" + value.TypeName + ")" : null;
        var ignoreIfNull = member.IgnoreIfNull && value.CanBeNull;
        // [BsonIgnoreIfNull] says null is expected there (and leaves the element out); [MaybeNull] says the getter can
        // return null whatever the type says. Neither is a promise the codec should enforce.
        if (value.RefusesNull && (ignoreIfNull || HasMaybeNull(symbol)))
            value = value with { RefusesNull = false };

        var parameterIndex = -1;
        for (var i = 0; i < constructor.Parameters.Length; i++)
        {
            if (SymbolEqualityComparer.Default.Equals(BoundMember(constructor, i, new List<MappedMember> { member })?.Symbol, symbol))
            {
                parameterIndex = i;
                break;
            }
        }

        var name = symbol.Name;
        var identifier = Names.Identifier(name);
        if (parameterIndex >= 0)
        {
            var parameter = constructor.Parameters[parameterIndex];
            var required = member.Required || (!parameter.HasExplicitDefaultValue && defaultValue is null && !CanBeNull(parameter.Type, parameter.NullableAnnotation));
            var defaultExpression = defaultValue ?? (parameter.HasExplicitDefaultValue ? DefaultValues.Format(parameter) : null);
            model = new MemberModel(name, identifier, member.ElementName, value, MemberBinding.Constructor, parameterIndex, required, defaultExpression, ignoreIfNull, ignoreIfDefault);
            return true;
        }

        var isRequired = member.Required || symbol is IPropertySymbol { IsRequired: true } or IFieldSymbol { IsRequired: true };
        MemberBinding binding;
        if (IsAssignable(symbol))
            binding = isRequired || symbol is IPropertySymbol { SetMethod.IsInitOnly: true } ? MemberBinding.Initializer : MemberBinding.Setter;
        else if (CanPopulate(member))
            binding = MemberBinding.Populate;
        else
            binding = MemberBinding.WriteOnly;
        if (binding == MemberBinding.WriteOnly)
            isRequired = false;
        model = new MemberModel(name, identifier, member.ElementName, value, binding, -1, isRequired, defaultValue, ignoreIfNull, ignoreIfDefault);
        return true;
    }

    // Which codecs refuse a null somewhere inside (their own members, their elements, the documents they reach, or a
    // known derived type's), so that only the code writing those documents pays for adding a step to the error's path.
    // Known only once every codec reached is parsed: a fixpoint, because types can reach each other in a cycle.
    private static List<CodecModel> MarkNullChecks(List<CodecModel> models)
    {
        var checking = new HashSet<string>(StringComparer.Ordinal);
        bool changed;
        do
        {
            changed = false;
            foreach (var codec in models)
            {
                if (checking.Contains(codec.CodecTypeName))
                    continue;
                if (codec.Members.Any(m => MayRefuse(m.Value, checking)) || codec.Polymorphism.KnownTypes.Any(k => checking.Contains(k.CodecTypeName)))
                {
                    checking.Add(codec.CodecTypeName);
                    changed = true;
                }
            }
        }
        while (changed);

        return models
            .Select(codec => codec with
            {
                ChecksNulls = checking.Contains(codec.CodecTypeName),
                Members = codec.Members.Select(m => m with { Value = WithNullChecks(m.Value, checking) }).ToEquatableArray(),
            })
            .ToList();
    }

    private static bool MayRefuse(ValueModel value, HashSet<string> checking) =>
        value.RefusesNull ||
        (value.Kind == ValueKind.Document && checking.Contains(value.CodecTypeName!)) ||
        (value.Element is { } element && value.Kind != ValueKind.Enum && MayRefuse(element, checking));

    private static ValueModel WithNullChecks(ValueModel value, HashSet<string> checking) => value.Kind switch
    {
        ValueKind.Document => value with { ChecksNulls = checking.Contains(value.CodecTypeName!) },
        ValueKind.Nullable or ValueKind.Array or ValueKind.List or ValueKind.Set or ValueKind.Dictionary =>
            value with { Element = WithNullChecks(value.Element!, checking) },
        _ => value,
    };

    private static bool HasMaybeNull(ISymbol member) =>
        member.GetAttributes().Any(a => a.AttributeClass is { Name: "MaybeNullAttribute" } type &&
            type.ContainingNamespace?.ToDisplayString() == "System.Diagnostics.CodeAnalysis");

    // A cycle of structs through members that can never be null (no reference, nullable or collection in between)
    // would make every value infinitely deep: the writer would fail at run time, so the type is refused instead.
    private UnsupportedType? FindStructCycle(List<CodecModel> models)
    {
        var byType = models.ToDictionary(m => m.TypeName, StringComparer.Ordinal);
        foreach (var start in models)
        {
            var stack = new List<(CodecModel Codec, string Member)>();
            if (Visit(start, start.TypeName, stack, byType, new HashSet<string>(StringComparer.Ordinal)))
            {
                var route = string.Join(" → ", stack.Select(s => s.Codec.DisplayName + "." + s.Member)) + " → " + start.DisplayName;
                return new UnsupportedType(_pathOfCodec[start.TypeName], start.DisplayName,
                    "is a struct that contains itself (" + route + ") with no null or collection in between, so every value would be infinitely deep");
            }
        }
        return null;
    }

    private static bool Visit(CodecModel codec, string target, List<(CodecModel, string)> stack, Dictionary<string, CodecModel> byType, HashSet<string> visited)
    {
        if (!visited.Add(codec.TypeName))
            return false;
        foreach (var member in codec.Members)
        {
            if (member.Value.Kind != ValueKind.Document || member.Value.CanBeNull || !byType.TryGetValue(member.Value.TypeName, out var next))
                continue;
            stack.Add((codec, member.Name));
            if (next.TypeName == target || Visit(next, target, stack, byType, visited))
                return true;
            stack.RemoveAt(stack.Count - 1);
        }
        return false;
    }

    private bool IsAssignable(ISymbol member) => member switch
    {
        IFieldSymbol field => !field.IsReadOnly && IsAccessible(field),
        IPropertySymbol property => property.SetMethod is { } setter && IsAccessible(setter),
        _ => false,
    };

    private bool IsReadable(ISymbol member) => member switch
    {
        IFieldSymbol field => IsAccessible(field),
        IPropertySymbol property => property.GetMethod is { } getter && IsAccessible(getter),
        _ => false,
    };

    // A get-only property of a collection type that can be cleared and added to: filled in place when reading.
    private bool CanPopulate(MappedMember member) =>
        member.Symbol is IPropertySymbol property && IsReadable(property) &&
        member.Type is INamedTypeSymbol { OriginalDefinition: { } definition } &&
        definition.ContainingNamespace?.ToDisplayString() == "System.Collections.Generic" &&
        definition.MetadataName is "List`1" or "IList`1" or "ICollection`1" or "HashSet`1" or "ISet`1" or "Dictionary`2" or "IDictionary`2" &&
        (definition.MetadataName is not ("Dictionary`2" or "IDictionary`2") || ((INamedTypeSymbol)member.Type).TypeArguments[0].SpecialType == SpecialType.System_String);

    private bool IsAccessible(ISymbol symbol) => _compilation.IsSymbolAccessibleWithin(symbol, _compilation.Assembly);

    private static bool IsCopyConstructor(INamedTypeSymbol type, IMethodSymbol constructor) =>
        constructor.Parameters.Length == 1 && SymbolEqualityComparer.Default.Equals(constructor.Parameters[0].Type, type);

    private static bool CanBeNull(ITypeSymbol type, NullableAnnotation annotation) =>
        type.IsReferenceType ? annotation != NullableAnnotation.NotAnnotated : type.OriginalDefinition.SpecialType == SpecialType.System_Nullable_T;

    private static bool Fail(string path, ITypeSymbol type, string reason, out UnsupportedType? problem)
    {
        problem = new UnsupportedType(path, Names.DisplayName(type), reason);
        return false;
    }
}
