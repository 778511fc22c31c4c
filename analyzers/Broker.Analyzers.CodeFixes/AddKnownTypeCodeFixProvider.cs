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
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;
using Microsoft.CodeAnalysis.Text;

namespace Broker.Analyzers.CodeFixes;

/// <summary>
/// BRK0018: adds <c>typeof(Derived)</c> to the <c>[BsonKnownTypes(...)]</c> of the base class the diagnostic's additional
/// location points at, or puts <c>[BsonKnownTypes(typeof(Derived))]</c> on it when it has none (adding the using of
/// MongoDB.Bson.Serialization.Attributes when the file has none). The base is often in another file than the derived
/// class, and several derived classes go into one attribute, so Fix All gathers them per base instead of merging text
/// changes, which would collide in the one argument list.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddKnownTypeCodeFixProvider)), Shared]
public sealed class AddKnownTypeCodeFixProvider : CodeFixProvider
{
    private const string EquivalenceKey = "AddKnownType";
    private const string KnownTypesAttribute = "MongoDB.Bson.Serialization.Attributes.BsonKnownTypesAttribute";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(BrokerDiagnostics.UnknownSubtypeId);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => new AddKnownTypesFixAllProvider();

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (BaseSite(diagnostic) is not { } site || site.SourceTree is null ||
                await DerivedNameAsync(context.Document, diagnostic.Location.SourceSpan, context.CancellationToken).ConfigureAwait(false) is null)
                continue;
            var baseName = (await site.SourceTree.GetRootAsync(context.CancellationToken).ConfigureAwait(false)).FindToken(site.SourceSpan.Start).ValueText;
            var derivedName = (await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false))?.FindToken(diagnostic.Location.SourceSpan.Start).ValueText;
            context.RegisterCodeFix(
                CodeAction.Create(
                    "Add '" + derivedName + "' to the known types of '" + baseName + "'",
                    cancellationToken => AddKnownTypesAsync(context.Document.Project.Solution, [diagnostic], cancellationToken),
                    EquivalenceKey),
                diagnostic);
        }
    }

    private static Location? BaseSite(Diagnostic diagnostic) =>
        diagnostic.AdditionalLocations.Count > 0 && diagnostic.AdditionalLocations[0].IsInSource ? diagnostic.AdditionalLocations[0] : null;

    private static async Task<Solution> AddKnownTypesAsync(Solution solution, IEnumerable<Diagnostic> diagnostics, CancellationToken cancellationToken)
    {
        // Base document → base declaration → the derived classes to add, in source order, fully qualified.
        var additions = new Dictionary<DocumentId, Dictionary<TextSpan, List<string>>>();
        var ordered = diagnostics.OrderBy(d => d.Location.SourceTree?.FilePath, System.StringComparer.Ordinal).ThenBy(d => d.Location.SourceSpan.Start);
        foreach (var diagnostic in ordered)
        {
            if (BaseSite(diagnostic) is not { SourceTree: { } baseTree } site ||
                solution.GetDocument(baseTree) is not { } baseDocument ||
                solution.GetDocument(diagnostic.Location.SourceTree) is not { } derivedDocument ||
                await DerivedNameAsync(derivedDocument, diagnostic.Location.SourceSpan, cancellationToken).ConfigureAwait(false) is not { } derived)
                continue;
            if (!additions.TryGetValue(baseDocument.Id, out var byDeclaration))
                additions.Add(baseDocument.Id, byDeclaration = new Dictionary<TextSpan, List<string>>());
            if (!byDeclaration.TryGetValue(site.SourceSpan, out var names))
                byDeclaration.Add(site.SourceSpan, names = new List<string>());
            if (!names.Contains(derived))
                names.Add(derived);
        }

        foreach (var pair in additions)
        {
            var document = solution.GetDocument(pair.Key)!;
            var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
            var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
            if (root is null || model is null) continue;
            var declarations = pair.Value.ToDictionary(
                p => root.FindToken(p.Key.Start).Parent!.FirstAncestorOrSelf<TypeDeclarationSyntax>()!,
                p => p.Value);
            var newRoot = root.ReplaceNodes(
                declarations.Keys.Where(d => d is not null),
                (original, _) => AddKnownTypes(document, model, original, declarations[original], cancellationToken));
            var updated = await ImportAdder.AddImportsAsync(document.WithSyntaxRoot(newRoot), Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
            solution = updated.Project.Solution;
        }
        return solution;
    }

    // Null for a class no typeof in the base's attribute can name as a known type: a generic one (typeof(Litter<T>) does
    // not compile, and the generator refuses typeof(Litter<>)), one the base cannot reach (a private nested class), or a
    // file-local one (or one nested in it): another file cannot name it, and the generated codec of the base, in a file
    // of its own, cannot either, so the generator refuses it even as a known type declared beside the base.
    private static async Task<string?> DerivedNameAsync(Document document, TextSpan span, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        return root?.FindToken(span.Start).Parent?.FirstAncestorOrSelf<BaseTypeDeclarationSyntax>() is { } declaration &&
            model?.GetDeclaredSymbol(declaration, cancellationToken) is INamedTypeSymbol { IsGenericType: false } derived &&
            model.Compilation.IsSymbolAccessibleWithin(derived, model.Compilation.Assembly) && !IsInFileLocal(derived)
            ? derived.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat)
            : null;
    }

    private static bool IsInFileLocal(INamedTypeSymbol type)
    {
        for (var current = type; current is not null; current = current.ContainingType)
        {
            if (current.IsFileLocal)
                return true;
        }
        return false;
    }

    // Appends to an attribute that lists types with typeof only; an attribute written otherwise (an array, a constant) is
    // left as it is, and a second [BsonKnownTypes] (the attribute allows several) takes the new types.
    private static SyntaxNode AddKnownTypes(Document document, SemanticModel model, TypeDeclarationSyntax declaration, List<string> derived, CancellationToken cancellationToken)
    {
        var arguments = derived.Select(name => SyntaxFactory.AttributeArgument(
            SyntaxFactory.TypeOfExpression(SyntaxFactory.ParseTypeName(name).WithAdditionalAnnotations(Simplifier.Annotation))));
        var existing = declaration.AttributeLists.SelectMany(l => l.Attributes).FirstOrDefault(attribute =>
            model.GetSymbolInfo(attribute, cancellationToken).Symbol?.ContainingType?.ToDisplayString() == KnownTypesAttribute &&
            (attribute.ArgumentList?.Arguments.All(a => a.NameEquals is null && a.NameColon is null && a.Expression is TypeOfExpressionSyntax) ?? true));
        if (existing is not null)
        {
            var list = existing.ArgumentList ?? SyntaxFactory.AttributeArgumentList();
            var extended = list.WithArguments(list.Arguments.AddRange(arguments)).WithAdditionalAnnotations(Formatter.Annotation);
            return declaration.ReplaceNode(existing, existing.WithArgumentList(extended));
        }

        var attributeList = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Attribute(
                SyntaxFactory.ParseName("global::" + KnownTypesAttribute.Substring(0, KnownTypesAttribute.Length - "Attribute".Length))
                    .WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation),
                SyntaxFactory.AttributeArgumentList(SyntaxFactory.SeparatedList(arguments)))))
            .WithAdditionalAnnotations(Formatter.Annotation);
        return SyntaxGenerator.GetGenerator(document).AddAttributes(declaration, attributeList);
    }

    /// <summary>Fix All: every diagnostic in scope, grouped by the base class that takes it, in one change.</summary>
    private sealed class AddKnownTypesFixAllProvider : FixAllProvider
    {
        public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
        {
            var diagnostics = new List<Diagnostic>();
            switch (fixAllContext.Scope)
            {
                case FixAllScope.Document when fixAllContext.Document is not null:
                    diagnostics.AddRange(await fixAllContext.GetDocumentDiagnosticsAsync(fixAllContext.Document).ConfigureAwait(false));
                    break;
                case FixAllScope.Project:
                    diagnostics.AddRange(await fixAllContext.GetAllDiagnosticsAsync(fixAllContext.Project).ConfigureAwait(false));
                    break;
                case FixAllScope.Solution:
                    foreach (var project in fixAllContext.Solution.Projects)
                        diagnostics.AddRange(await fixAllContext.GetAllDiagnosticsAsync(project).ConfigureAwait(false));
                    break;
            }
            return diagnostics.Count == 0
                ? null
                : CodeAction.Create("Add the derived classes to their bases' known types",
                    cancellationToken => AddKnownTypesAsync(fixAllContext.Solution, diagnostics, cancellationToken),
                    fixAllContext.CodeActionEquivalenceKey);
        }
    }
}
