using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Broker.Generators.Model;
using Microsoft.CodeAnalysis;

namespace Broker.Generators.Parsing;

/// <summary>
/// Builds the codec models of a message type and of every class, struct or record it reaches, or says why one of them
/// cannot be serialized. Reading calls the accessible constructor with the most parameters that all match serialized
/// members (by name, ignoring case, and type), such as a positional record's; every other member must then be
/// settable, init-only or a field. A member bound to a constructor parameter that is non-nullable and has no default
/// value, and a C# <c>required</c> member, must be present in the document.
/// </summary>
internal sealed class CodecParser
{
    private readonly Compilation _compilation;
    private readonly CancellationToken _cancellationToken;
    private readonly ValueClassifier _classifier;
    private readonly HashSet<INamedTypeSymbol> _seen = new(SymbolEqualityComparer.Default);
    private readonly Queue<(INamedTypeSymbol Type, string Path)> _pending = new();

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
        if (!parser._classifier.TryClassify(messageType, rootPath, out var root, out problem))
            return false;
        if (root.Kind != ValueKind.Document)
        {
            problem = new UnsupportedType(rootPath, rootPath, "a message must be a class, struct or record, because it travels as a BSON document");
            return false;
        }

        var models = new List<CodecModel>();
        while (parser._pending.Count > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (type, path) = parser._pending.Dequeue();
            if (!parser.TryParseDocument(type, path, out var model, out problem))
                return false;
            models.Add(model);
        }
        codecs = models.ToEquatableArray();
        return true;
    }

    private void Enqueue(INamedTypeSymbol type, string path)
    {
        var definition = (INamedTypeSymbol)type.WithNullableAnnotation(NullableAnnotation.NotAnnotated);
        if (_seen.Add(definition))
            _pending.Enqueue((definition, path));
    }

    private bool TryParseDocument(INamedTypeSymbol type, string path, out CodecModel model, out UnsupportedType? problem)
    {
        model = null!;
        var levels = MemberFinder.Levels(type, out var frameworkBase);
        if (levels is null)
            return Fail(path, type, "it derives from " + Names.DisplayName(frameworkBase!) + ", whose members Broker cannot map", out problem);

        if (MemberFinder.FindMongoAttribute(levels) is { } attributed)
            return Fail(path, type, attributed + " carries a MongoDB.Bson serialization attribute, which Broker does not honour yet; without it the bytes would differ from MongoDB.Bson's", out problem);

        var mapped = MemberFinder.Find(levels);
        var byElement = new Dictionary<string, MappedMember>(StringComparer.Ordinal);
        foreach (var member in mapped)
        {
            if (byElement.TryGetValue(member.ElementName, out var other))
                return Fail(path, type, "members " + other.Symbol.Name + " and " + member.Symbol.Name + " both map to the element '" + member.ElementName + "'", out problem);
            byElement.Add(member.ElementName, member);
        }

        var values = new List<ValueModel>();
        foreach (var member in mapped)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            if (member.Symbol is IPropertySymbol { GetMethod: { } getter } && !IsAccessible(getter))
                return Fail(path + "." + member.Symbol.Name, type, "its getter is not accessible, so it cannot be written", out problem);
            if (!_classifier.TryClassify(member.Type, path + "." + member.Symbol.Name, out var value, out problem))
                return false;
            values.Add(value);
        }

        if (!TrySelectConstructor(type, mapped, out var constructor, out var reason))
            return Fail(path, type, reason!, out problem);

        var models = new List<MemberModel>();
        for (var i = 0; i < mapped.Count; i++)
            models.Add(ToModel(mapped[i], values[i], constructor!));

        model = new CodecModel(
            Names.TypeName(type),
            Names.DisplayName(type),
            Names.CodecNamespace(type),
            Names.CodecName(type),
            models.ToEquatableArray(),
            constructor!.Parameters.Length);
        problem = null;
        return true;
    }

    private bool TrySelectConstructor(INamedTypeSymbol type, List<MappedMember> members, out IMethodSymbol? selected, out string? reason)
    {
        selected = null;
        reason = null;
        var candidates = type.InstanceConstructors
            .Where(c => IsAccessible(c) && !IsCopyConstructor(type, c) && c.Parameters.All(p => p.RefKind == RefKind.None))
            .ToList();
        if (candidates.Count == 0)
        {
            reason = "it has no accessible constructor to create it with when reading";
            return false;
        }

        foreach (var constructor in candidates)
        {
            if (!TryBind(constructor, members, out _, out var bindError))
            {
                reason ??= bindError;
                continue;
            }
            if (selected is null || constructor.Parameters.Length > selected.Parameters.Length)
                selected = constructor;
        }
        if (selected is not null)
            return true;
        reason ??= "no constructor can be called with its serialized members";
        return false;
    }

    // Binds each parameter to the one member with its name (ignoring case) and type; every other member must be assignable.
    private bool TryBind(IMethodSymbol constructor, List<MappedMember> members, out ISymbol[] bound, out string? error)
    {
        bound = new ISymbol[constructor.Parameters.Length];
        error = null;
        for (var i = 0; i < constructor.Parameters.Length; i++)
        {
            var parameter = constructor.Parameters[i];
            var matches = members.Where(m =>
                string.Equals(m.Symbol.Name, parameter.Name, StringComparison.OrdinalIgnoreCase) &&
                SymbolEqualityComparer.Default.Equals(m.Type, parameter.Type)).ToList();
            if (matches.Count != 1 || bound.Contains(matches[0].Symbol, SymbolEqualityComparer.Default))
            {
                error = "the constructor parameter '" + parameter.Name + "' matches no serialized member of the same name and type";
                return false;
            }
            bound[i] = matches[0].Symbol;
        }
        foreach (var member in members)
        {
            if (!bound.Contains(member.Symbol, SymbolEqualityComparer.Default) && !IsAssignable(member.Symbol))
            {
                error = "the member '" + member.Symbol.Name + "' has no accessible setter and no constructor parameter sets it, so it cannot be read back";
                return false;
            }
        }
        return true;
    }

    private static MemberModel ToModel(MappedMember member, ValueModel value, IMethodSymbol constructor)
    {
        var symbol = member.Symbol;
        var parameterIndex = -1;
        for (var i = 0; i < constructor.Parameters.Length; i++)
        {
            var parameter = constructor.Parameters[i];
            if (string.Equals(parameter.Name, symbol.Name, StringComparison.OrdinalIgnoreCase) &&
                SymbolEqualityComparer.Default.Equals(parameter.Type, member.Type))
            {
                parameterIndex = i;
                break;
            }
        }

        if (parameterIndex >= 0)
        {
            var parameter = constructor.Parameters[parameterIndex];
            var required = !parameter.HasExplicitDefaultValue && !CanBeNull(parameter.Type, parameter.NullableAnnotation);
            var defaultExpression = parameter.HasExplicitDefaultValue ? DefaultValues.Format(parameter) : null;
            return new MemberModel(symbol.Name, Names.Identifier(symbol.Name), member.ElementName, value, MemberBinding.Constructor, parameterIndex, required, defaultExpression);
        }

        var isRequired = symbol is IPropertySymbol { IsRequired: true } or IFieldSymbol { IsRequired: true };
        var isInitOnly = symbol is IPropertySymbol { SetMethod.IsInitOnly: true };
        var binding = isRequired || isInitOnly ? MemberBinding.Initializer : MemberBinding.Setter;
        return new MemberModel(symbol.Name, Names.Identifier(symbol.Name), member.ElementName, value, binding, -1, isRequired, null);
    }

    private bool IsAssignable(ISymbol member) => member switch
    {
        IFieldSymbol field => !field.IsReadOnly && IsAccessible(field),
        IPropertySymbol property => property.SetMethod is { } setter && IsAccessible(setter),
        _ => false,
    };

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
