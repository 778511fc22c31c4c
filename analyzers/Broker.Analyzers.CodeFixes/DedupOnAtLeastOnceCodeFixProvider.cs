using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
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
                    _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(arguments, MakeExactlyOnce(arguments, dedup)))),
                    MakeExactlyOnceTitle),
                diagnostic);
        }
    }

    // Sets an explicit Process argument to ExactlyOnce, or adds one just before Dedup (named arguments may go anywhere
    // after the channel name, and next to Dedup is where a reader looks for it). The value is written fully qualified
    // and simplified afterwards, so it reads 'QueueMessageProcessing.ExactlyOnce' wherever Broker is imported.
    private static AttributeArgumentListSyntax MakeExactlyOnce(AttributeArgumentListSyntax arguments, AttributeArgumentSyntax dedup)
    {
        var exactlyOnce = SyntaxFactory.ParseExpression("global::Broker.QueueMessageProcessing.ExactlyOnce")
            .WithAdditionalAnnotations(Simplifier.Annotation);
        var process = arguments.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == "Process");
        if (process is not null)
            return arguments.ReplaceNode(process.Expression, exactlyOnce.WithTriviaFrom(process.Expression));
        var argument = SyntaxFactory.AttributeArgument(SyntaxFactory.NameEquals("Process"), null, exactlyOnce);
        return arguments.WithArguments(arguments.Arguments.Insert(arguments.Arguments.IndexOf(dedup), argument))
            .WithAdditionalAnnotations(Formatter.Annotation);
    }
}
