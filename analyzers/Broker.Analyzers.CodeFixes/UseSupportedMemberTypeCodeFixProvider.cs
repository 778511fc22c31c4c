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
using Microsoft.CodeAnalysis.Simplification;

namespace Broker.Analyzers.CodeFixes;

/// <summary>
/// BRK0013 for a member whose type has no BSON mapping while a supported type holds the same values
/// (<see cref="MemberTypeSuggestion"/>): changes the member's declared type, where the diagnostic's additional location
/// points, maybe in another file than the channel. <c>ImmutableArray&lt;Line&gt; Lines</c> becomes
/// <c>IReadOnlyList&lt;Line&gt; Lines</c>; an unsupported type inside the declared type is replaced where it stands
/// (<c>List&lt;ImmutableArray&lt;int&gt;&gt;</c> → <c>List&lt;IReadOnlyList&lt;int&gt;&gt;</c>). The new type is
/// written as short as the file's usings allow, adding the using of its namespace when the file has none. An enum based
/// on uint, which the codecs refuse, is based on long the same way: the additional location is its base type.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseSupportedMemberTypeCodeFixProvider)), Shared]
public sealed class UseSupportedMemberTypeCodeFixProvider : CodeFixProvider
{
    private const string EquivalenceKey = "UseSupportedMemberType";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(BrokerDiagnostics.UnsupportedMessageTypeId);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.Fix, out var fix) || fix is not (DiagnosticProperties.MemberTypeFix or DiagnosticProperties.EnumBaseFix) ||
                !diagnostic.Properties.TryGetValue(DiagnosticProperties.Suggestion, out var suggestion) || suggestion is null ||
                !diagnostic.Properties.TryGetValue(DiagnosticProperties.Replaces, out var replaces) || replaces is null ||
                diagnostic.AdditionalLocations.Count == 0 || diagnostic.AdditionalLocations[0] is not { SourceTree: { } tree } site ||
                context.Document.Project.Solution.GetDocument(tree) is not { } document)
                continue;
            var title = (fix == DiagnosticProperties.EnumBaseFix ? "Base the enum on " : "Declare the member as ") + SyntaxFactory.ParseTypeName(suggestion).WithoutAnnotations().ToString().Replace("global::", "");
            context.RegisterCodeFix(
                CodeAction.Create(title, cancellationToken => ReplaceAsync(document, site.SourceSpan, replaces, suggestion, cancellationToken), EquivalenceKey),
                diagnostic);
        }
        return Task.CompletedTask;
    }

    private static async Task<Solution> ReplaceAsync(Document document, Microsoft.CodeAnalysis.Text.TextSpan span, string replaces, string suggestion, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        if (root is null || model is null || root.FindNode(span, getInnermostNodeForTie: true) is not TypeSyntax declared)
            return document.Project.Solution;

        // The outermost type syntaxes that name the unsupported type (a qualified name and its right part name it both).
        var targets = new List<TypeSyntax>();
        foreach (var type in declared.DescendantNodesAndSelf(n => !targets.Any(t => t.Contains(n))).OfType<TypeSyntax>())
        {
            if (!targets.Any(t => t.Contains(type)) &&
                model.GetTypeInfo(type, cancellationToken).Type?.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat) == replaces)
                // Where nullable annotations are off, 'T?' of a reference type binds to T: the '?' stays as written.
                targets.Add(type is NullableTypeSyntax nullable && !model.GetTypeInfo(type, cancellationToken).Type!.IsValueType ? nullable.ElementType : type);
        }
        if (targets.Count == 0)
            return document.Project.Solution;

        var newRoot = root.ReplaceNodes(targets, (original, _) => Replacement(original, suggestion));
        var updated = await ImportAdder.AddImportsAsync(document.WithSyntaxRoot(newRoot), Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false);
        return updated.Project.Solution;
    }

    // The type arguments stay as the author wrote them (their annotations, their aliases); only the generic type changes.
    private static TypeSyntax Replacement(TypeSyntax original, string suggestion)
    {
        var replacement = SyntaxFactory.ParseTypeName(suggestion);
        var originalName = original is QualifiedNameSyntax qualified ? qualified.Right : original as SimpleNameSyntax;
        if (originalName is GenericNameSyntax { TypeArgumentList: var arguments } &&
            replacement is QualifiedNameSyntax { Right: GenericNameSyntax generic } suggested &&
            generic.TypeArgumentList.Arguments.Count == arguments.Arguments.Count)
            replacement = suggested.WithRight(generic.WithTypeArgumentList(arguments));
        return replacement.WithTriviaFrom(original).WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
    }
}
