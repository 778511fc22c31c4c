using System.Collections.Generic;
using System.Linq;
using Broker.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Broker.Analyzers;

/// <summary>
/// Where BRK0018's code fix adds a derived class to <c>[BsonKnownTypes]</c>: the name of the base class's declaration
/// that already carries the attribute, or of its first declaration; nothing when the base is not in source.
/// </summary>
internal static class KnownTypesSite
{
    public static IEnumerable<Location> Of(INamedTypeSymbol baseType, Compilation compilation)
    {
        var declarations = baseType.DeclaringSyntaxReferences
            .Where(r => compilation.ContainsSyntaxTree(r.SyntaxTree))
            .Select(r => r.GetSyntax()).OfType<TypeDeclarationSyntax>().ToList();
        var withAttribute = BsonAttributes.All(baseType, BsonAttributes.KnownTypes)
            .Select(a => a.ApplicationSyntaxReference?.GetSyntax())
            .Select(attribute => declarations.FirstOrDefault(d => attribute is not null && d.AttributeLists.Any(l => l.Contains(attribute))))
            .FirstOrDefault(d => d is not null);
        return (withAttribute ?? declarations.FirstOrDefault()) is { } declaration ? [declaration.Identifier.GetLocation()] : [];
    }
}
