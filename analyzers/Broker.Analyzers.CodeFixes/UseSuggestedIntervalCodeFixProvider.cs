using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Broker.Analyzers.CodeFixes;

/// <summary>
/// BRK0008 and BRK0011: replaces an interval literal the grammar rejects with the form the diagnostic suggests
/// (<c>"1 secs."</c> → <c>"1 secs"</c>, <c>"1h30m"</c> → <c>"90m"</c>). Offered only when the analyzer found a
/// confident suggestion and the value is written as a string literal.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseSuggestedIntervalCodeFixProvider)), Shared]
public sealed class UseSuggestedIntervalCodeFixProvider : CodeFixProvider
{
    private const string EquivalenceKey = "UseSuggestedInterval";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(BrokerDiagnostics.InvalidDedupId, BrokerDiagnostics.InvalidRetryDelayId);

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
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not LiteralExpressionSyntax literal ||
                !literal.IsKind(SyntaxKind.StringLiteralExpression))
                continue;

            var replacement = SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(suggestion))
                .WithTriviaFrom(literal);
            context.RegisterCodeFix(
                CodeAction.Create(
                    "Write \"" + suggestion + "\"",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(literal, replacement))),
                    EquivalenceKey),
                diagnostic);
        }
    }
}
