using System.Collections.Immutable;
using System.Composition;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Broker.Analyzers.CodeFixes;

/// <summary>
/// BRK0020: an OrderBy that names no readable member, when exactly one key member of the message is a case-insensitive
/// or near match (<c>"customerId"</c> → <c>"CustomerId"</c>). A string literal gets the name; a <c>nameof</c> gets
/// <c>nameof(Message.Member)</c>, since what it named (another type's member, a static one) is the mistake.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseSuggestedOrderByCodeFixProvider)), Shared]
public sealed class UseSuggestedOrderByCodeFixProvider : CodeFixProvider
{
    private const string EquivalenceKey = "UseSuggestedOrderBy";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(BrokerDiagnostics.OrderByNotReadableId);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.Suggestion, out var suggestion) || suggestion is null) continue;
            var expression = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) as ExpressionSyntax;
            if (expression is LiteralExpressionSyntax literal && literal.IsKind(SyntaxKind.StringLiteralExpression))
            {
                var replacement = SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(suggestion))
                    .WithTriviaFrom(literal);
                Register(context, diagnostic, suggestion, _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(literal, replacement))));
            }
            else if (expression is InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "nameof" } } nameOf)
            {
                Register(context, diagnostic, suggestion, cancellationToken => ReplaceNameOfAsync(context.Document, root, nameOf, suggestion, cancellationToken));
            }
        }
    }

    private static void Register(CodeFixContext context, Diagnostic diagnostic, string suggestion, System.Func<CancellationToken, Task<Document>> fix) =>
        context.RegisterCodeFix(CodeAction.Create("Use '" + suggestion + "'", fix, EquivalenceKey), diagnostic);

    // The message type as the author would write it at that place (the simplifier leaves a name inside nameof alone).
    private static async Task<Document> ReplaceNameOfAsync(Document document, SyntaxNode root, InvocationExpressionSyntax nameOf, string member, CancellationToken cancellationToken)
    {
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var declaration = nameOf.FirstAncestorOrSelf<InterfaceDeclarationSyntax>();
        if (model is null || declaration is null ||
            model.GetDeclaredSymbol(declaration, cancellationToken) is not { } channel ||
            ChannelDeclarationRules.GetMessageType(channel) is not { } messageType)
            return document;

        var type = messageType.WithNullableAnnotation(NullableAnnotation.NotAnnotated).ToMinimalDisplayString(model, nameOf.SpanStart);
        var name = SyntaxFacts.GetKeywordKind(member) != SyntaxKind.None ? "@" + member : member;
        var replacement = SyntaxFactory.ParseExpression("nameof(" + type + "." + name + ")").WithTriviaFrom(nameOf);
        return document.WithSyntaxRoot(root.ReplaceNode(nameOf, replacement));
    }
}
