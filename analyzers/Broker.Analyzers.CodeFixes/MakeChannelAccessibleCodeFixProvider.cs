using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace Broker.Analyzers.CodeFixes;

/// <summary>
/// BRK0005: widens the channel interface and every type that contains it just enough for the generated code, in the
/// same assembly, to reach it: <c>private</c> and <c>private protected</c> become <c>internal</c>, <c>protected</c>
/// becomes <c>protected internal</c> (derived classes keep their access). A file-local type gets no fix: what it uses
/// may be file-local too, and another file may declare the same name.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakeChannelAccessibleCodeFixProvider)), Shared]
public sealed class MakeChannelAccessibleCodeFixProvider : CodeFixProvider
{
    private const string Title = "Make the channel interface reachable from the generated code";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(BrokerDiagnostics.NotAccessibleId);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.FirstAncestorOrSelf<InterfaceDeclarationSyntax>() is not { } declaration ||
                model.GetDeclaredSymbol(declaration, context.CancellationToken) is not INamedTypeSymbol channel)
                continue;
            var widen = Chain(channel).Where(t => Widened(t.DeclaredAccessibility) is not null).ToList();
            if (widen.Count == 0 || Chain(channel).Any(t => t.IsFileLocal)) continue;
            context.RegisterCodeFix(
                CodeAction.Create(Title, cancellationToken => WidenAsync(context.Document.Project.Solution, widen, cancellationToken), Title),
                diagnostic);
        }
    }

    private static IEnumerable<INamedTypeSymbol> Chain(INamedTypeSymbol channel)
    {
        for (var type = channel; type is not null; type = type.ContainingType)
            yield return type;
    }

    private static Accessibility? Widened(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Private or Accessibility.ProtectedAndInternal => Accessibility.Internal,
        Accessibility.Protected => Accessibility.ProtectedOrInternal,
        _ => null,
    };

    // Every part that states the accessibility gets the new one; when no part states it (a nested type is private by
    // default), the first part does.
    private static async Task<Solution> WidenAsync(Solution solution, List<INamedTypeSymbol> types, CancellationToken cancellationToken)
    {
        var edits = new Dictionary<SyntaxTree, List<(TypeDeclarationSyntax Declaration, Accessibility Accessibility)>>();
        foreach (var type in types)
        {
            var parts = type.DeclaringSyntaxReferences.Select(r => r.GetSyntax(cancellationToken)).OfType<TypeDeclarationSyntax>().ToList();
            var stated = parts.Where(p => p.Modifiers.Any(m => SyntaxFacts.IsAccessibilityModifier(m.Kind()))).ToList();
            foreach (var part in stated.Count > 0 ? stated : parts.Take(1).ToList())
            {
                if (!edits.TryGetValue(part.SyntaxTree, out var list))
                    edits.Add(part.SyntaxTree, list = new List<(TypeDeclarationSyntax, Accessibility)>());
                list.Add((part, Widened(type.DeclaredAccessibility)!.Value));
            }
        }
        foreach (var pair in edits)
        {
            if (solution.GetDocument(pair.Key) is not { } document) continue;
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            if (root is null) continue;
            var generator = SyntaxGenerator.GetGenerator(document);
            var accessibility = pair.Value.ToDictionary(e => (SyntaxNode)e.Declaration, e => e.Accessibility);
            var newRoot = root.ReplaceNodes(accessibility.Keys, (original, rewritten) => generator.WithAccessibility(rewritten, accessibility[original]));
            solution = solution.WithDocumentSyntaxRoot(document.Id, newRoot);
        }
        return solution;
    }
}
