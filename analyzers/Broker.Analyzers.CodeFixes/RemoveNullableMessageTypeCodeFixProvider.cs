using System.Collections.Immutable;
using System.Composition;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Broker.Analyzers.CodeFixes;

/// <summary>
/// BRK0013 for <c>IQueueChannel&lt;User?&gt;</c>: a message is never null, so the fix writes <c>IQueueChannel&lt;User&gt;</c>.
/// Offered when the diagnostic underlines the annotated type argument itself (not a base interface that brings it in).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveNullableMessageTypeCodeFixProvider)), Shared]
public sealed class RemoveNullableMessageTypeCodeFixProvider : CodeFixProvider
{
    private const string EquivalenceKey = "RemoveNullableMessageType";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(BrokerDiagnostics.UnsupportedMessageTypeId);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.Fix, out var fix) || fix != DiagnosticProperties.RemoveNullableFix) continue;
            if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not NullableTypeSyntax nullable) continue;
            context.RegisterCodeFix(
                CodeAction.Create(
                    "Remove '?' from the message type",
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(nullable, nullable.ElementType.WithTriviaFrom(nullable)))),
                    EquivalenceKey),
                diagnostic);
        }
    }
}
