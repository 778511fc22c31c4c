using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;

namespace Broker.Analyzers.CodeFixes;

/// <summary>
/// BRK0001 and BRK0016: adds <c>partial</c> to a channel interface, or to a type that contains one, where the language
/// wants it (just before <c>interface</c>, <c>class</c>, <c>struct</c> or <c>record</c>).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddPartialCodeFixProvider)), Shared]
public sealed class AddPartialCodeFixProvider : CodeFixProvider
{
    private const string ChannelTitle = "Make the channel interface partial";

    // One key for both diagnostics: "fix all" adds every missing 'partial' in one pass.
    private const string EquivalenceKey = "AddPartial";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(BrokerDiagnostics.NotPartialId, BrokerDiagnostics.ContainerNotPartialId);

    /// <inheritdoc />
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc />
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null) return;
        foreach (var diagnostic in context.Diagnostics)
        {
            // Both diagnostics sit on the identifier of the declaration that needs the modifier.
            var declaration = root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.AncestorsAndSelf().OfType<TypeDeclarationSyntax>().FirstOrDefault();
            if (declaration is null) continue;
            var title = diagnostic.Id == BrokerDiagnostics.NotPartialId ? ChannelTitle : "Make '" + declaration.Identifier.ValueText + "' partial";
            context.RegisterCodeFix(
                CodeAction.Create(title, _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(declaration, AddPartial(context.Document, declaration)))), EquivalenceKey),
                diagnostic);
        }
    }

    // SyntaxGenerator orders the modifiers and moves the leading trivia of the keyword in front of 'partial'.
    private static SyntaxNode AddPartial(Document document, TypeDeclarationSyntax declaration)
    {
        var generator = SyntaxGenerator.GetGenerator(document);
        return generator.WithModifiers(declaration, generator.GetModifiers(declaration).WithPartial(true));
    }
}
