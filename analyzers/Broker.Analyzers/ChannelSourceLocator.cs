using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Broker.Analyzers;

/// <summary>
/// Finds the source span of each <see cref="ChannelProblemSite"/> of one [Channel] declaration, so that a diagnostic
/// underlines exactly what has to change: the argument, the identifier, the base list entry or the member.
/// </summary>
internal sealed class ChannelSourceLocator
{
    private readonly INamedTypeSymbol _channel;
    private readonly AttributeSyntax? _attribute;
    private readonly TypeDeclarationSyntax? _declaration;
    private readonly CancellationToken _cancellationToken;

    public ChannelSourceLocator(INamedTypeSymbol channel, AttributeData attribute, CancellationToken cancellationToken)
    {
        _channel = channel;
        _cancellationToken = cancellationToken;
        _attribute = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
        // The part of a partial interface that carries the attribute is the one the user is looking at.
        _declaration = _attribute?.Parent?.Parent as TypeDeclarationSyntax;
    }

    public Location Locate(ChannelProblem problem) => problem.Site switch
    {
        ChannelProblemSite.BaseList => BaseList() ?? Identifier,
        ChannelProblemSite.TypeParameters => _declaration?.TypeParameterList?.GetLocation() ?? Identifier,
        ChannelProblemSite.NameArgument => NameArgument ?? Attribute,
        ChannelProblemSite.ProcessArgument => NamedArgument("Process") ?? Attribute,
        ChannelProblemSite.DedupArgument => NamedArgument("Dedup") ?? Attribute,
        ChannelProblemSite.MaxAttemptsArgument => NamedArgument("MaxAttempts") ?? Attribute,
        ChannelProblemSite.RetryDelayArgument => NamedArgument("RetryDelay") ?? Attribute,
        ChannelProblemSite.OrderByArgument => NamedArgument("OrderBy") ?? Attribute,
        ChannelProblemSite.Member => problem.Member?.Locations.FirstOrDefault(l => l.IsInSource) ?? Identifier,
        ChannelProblemSite.InheritedMember => BaseListEntryBringing(problem.Member?.ContainingType) ?? Identifier,
        ChannelProblemSite.ContainingTypeName => TypeIdentifier(problem.Member as INamedTypeSymbol) ?? Identifier,
        _ => Identifier,
    };

    /// <summary>The interface's identifier.</summary>
    public Location Identifier => _declaration?.Identifier.GetLocation() ?? _channel.Locations.FirstOrDefault() ?? Location.None;

    /// <summary>The channel name argument, or null when the attribute has none.</summary>
    public Location? NameArgument =>
        _attribute?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals is null)?.Expression.GetLocation();

    private Location Attribute => _attribute?.GetLocation() ?? Identifier;

    private Location? NamedArgument(string name) =>
        _attribute?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name)?.Expression.GetLocation();

    // A type without 'partial' has one declaration: its identifier is where 'partial' goes.
    private Location? TypeIdentifier(INamedTypeSymbol? type) =>
        type?.DeclaringSyntaxReferences
            .Select(r => r.GetSyntax(_cancellationToken))
            .OfType<TypeDeclarationSyntax>()
            .FirstOrDefault()?.Identifier.GetLocation();

    // From the first base type to the last, without the colon: the list as a whole is what is wrong.
    private Location? BaseList()
    {
        var types = BaseLists().FirstOrDefault()?.Types;
        if (types is not { Count: > 0 } list) return null;
        return Location.Create(list[0].SyntaxTree, TextSpan.FromBounds(list[0].SpanStart, list[list.Count - 1].Span.End));
    }

    // The direct base that makes the interface inherit from `inherited`: the entry to remove or change.
    private Location? BaseListEntryBringing(INamedTypeSymbol? inherited)
    {
        if (inherited is null) return null;
        var direct = _channel.Interfaces.FirstOrDefault(i =>
            SymbolEqualityComparer.Default.Equals(i, inherited) || i.AllInterfaces.Contains(inherited, SymbolEqualityComparer.Default));
        if (direct is null) return null;
        foreach (var baseList in BaseLists())
        {
            foreach (var entry in baseList.Types)
            {
                if (RightmostName(entry.Type) is { } name && name.Identifier.ValueText == direct.Name && name.Arity == direct.Arity)
                    return entry.GetLocation();
            }
        }
        return null;
    }

    // The attribute's part first, then the other parts of a partial interface.
    private System.Collections.Generic.IEnumerable<BaseListSyntax> BaseLists()
    {
        if (_declaration?.BaseList is { } own) yield return own;
        foreach (var reference in _channel.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(_cancellationToken) is TypeDeclarationSyntax { BaseList: { } other } part && part != _declaration)
                yield return other;
        }
    }

    private static SimpleNameSyntax? RightmostName(TypeSyntax type) => type switch
    {
        SimpleNameSyntax simple => simple,
        QualifiedNameSyntax qualified => qualified.Right,
        AliasQualifiedNameSyntax alias => alias.Name,
        _ => null,
    };
}
