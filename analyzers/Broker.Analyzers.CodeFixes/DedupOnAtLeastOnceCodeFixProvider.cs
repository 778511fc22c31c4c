using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Broker.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Formatting;
using Microsoft.CodeAnalysis.Simplification;

namespace Broker.Analyzers.CodeFixes;

/// <summary>
/// BRK0009: a Dedup window on an AtLeastOnce channel does nothing. Which of the two fixes is right depends on what
/// the author meant, so both are offered: remove Dedup, or make the channel ExactlyOnce so that the window applies.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(DedupOnAtLeastOnceCodeFixProvider)), Shared]
public sealed class DedupOnAtLeastOnceCodeFixProvider : CodeFixProvider
{
    private const string RemoveDedupTitle = "Remove Dedup";
    private const string MakeExactlyOnceTitle = "Make the channel ExactlyOnce";
    private const string QueueMessageProcessingMetadataName = "Broker.QueueMessageProcessing";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(BrokerDiagnostics.DedupOnAtLeastOnceId);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            var dedup = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true).FirstAncestorOrSelf<AttributeArgumentSyntax>();
            if (dedup?.Parent is not AttributeArgumentListSyntax arguments) continue;

            context.RegisterCodeFix(
                CodeAction.Create(RemoveDedupTitle,
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(arguments, arguments.WithArguments(arguments.Arguments.Remove(dedup))))),
                    RemoveDedupTitle),
                diagnostic);
            context.RegisterCodeFix(
                CodeAction.Create(MakeExactlyOnceTitle,
                    cancellationToken => MakeExactlyOnceAsync(context.Document, root, arguments, dedup, cancellationToken),
                    MakeExactlyOnceTitle),
                diagnostic);
        }
    }

    // Sets an explicit Process argument to ExactlyOnce, or adds one just before Dedup (named arguments may go anywhere
    // after the channel name, and next to Dedup is where a reader looks for it).
    private static async Task<Document> MakeExactlyOnceAsync(
        Document document, SyntaxNode root, AttributeArgumentListSyntax arguments, AttributeArgumentSyntax dedup, CancellationToken cancellationToken)
    {
        var compilation = await document.Project.GetCompilationAsync(cancellationToken).ConfigureAwait(false);
        var processingType = compilation?.GetTypeByMetadataName(QueueMessageProcessingMetadataName);
        if (processingType is null) return document;

        var generator = SyntaxGenerator.GetGenerator(document);
        var exactlyOnce = ((ExpressionSyntax)generator.MemberAccessExpression(generator.TypeExpression(processingType), "ExactlyOnce"))
            .WithAdditionalAnnotations(Simplifier.Annotation);

        var process = arguments.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == "Process");
        var updated = process is not null
            ? arguments.ReplaceNode(process.Expression, exactlyOnce.WithTriviaFrom(process.Expression))
            : arguments.WithArguments(arguments.Arguments.Insert(
                arguments.Arguments.IndexOf(dedup),
                SyntaxFactory.AttributeArgument(SyntaxFactory.NameEquals("Process"), null, exactlyOnce)))
                .WithAdditionalAnnotations(Formatter.Annotation);
        return document.WithSyntaxRoot(root.ReplaceNode(arguments, updated));
    }
}
