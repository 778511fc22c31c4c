using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Broker.Analyzers.CodeFixes;

/// <summary>
/// BRK0019: appends <c>.AddChannels()</c> to the <c>AddBroker(...)</c> call, so
/// <c>services.AddBroker(b =&gt; b.UseInMemory());</c> becomes <c>services.AddBroker(b =&gt; b.UseInMemory()).AddChannels();</c>.
/// Whatever followed the call (a chain, an assignment) still gets the same builder, which <c>AddChannels()</c> returns.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddChannelsCodeFixProvider)), Shared]
public sealed class AddChannelsCodeFixProvider : CodeFixProvider
{
    private const string Title = "Call AddChannels()";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(BrokerDiagnostics.ChannelsNotAddedId);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            // The diagnostic sits on the AddBroker name (or the whole call): the innermost invocation around it.
            var call = root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true)
                .AncestorsAndSelf().OfType<InvocationExpressionSyntax>().FirstOrDefault();
            if (call is null) continue;
            context.RegisterCodeFix(
                CodeAction.Create(Title, _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(call, WithAddChannels(call)))), nameof(AddChannelsCodeFixProvider)),
                diagnostic);
        }
    }

    private static InvocationExpressionSyntax WithAddChannels(InvocationExpressionSyntax call) =>
        SyntaxFactory.InvocationExpression(
                SyntaxFactory.MemberAccessExpression(
                    SyntaxKind.SimpleMemberAccessExpression,
                    call.WithoutTrailingTrivia(),
                    SyntaxFactory.IdentifierName("AddChannels")))
            .WithTrailingTrivia(call.GetTrailingTrivia());
}
