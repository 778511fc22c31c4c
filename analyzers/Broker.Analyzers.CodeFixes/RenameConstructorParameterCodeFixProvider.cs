using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Rename;

namespace Broker.Analyzers.CodeFixes;

/// <summary>
/// BRK0013 for a constructor parameter that matches no member, when exactly one member of its type has a near name:
/// renames the parameter after that member (<c>usrName</c> → <c>userName</c> for <c>UserName</c>), with the renamer, so
/// the constructor body and named arguments at call sites follow. The parameter is where the diagnostic's additional
/// location points, maybe in another file than the channel.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RenameConstructorParameterCodeFixProvider)), Shared]
public sealed class RenameConstructorParameterCodeFixProvider : CodeFixProvider
{
    private const string EquivalenceKey = "RenameConstructorParameter";

    /// <inheritdoc />
    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(BrokerDiagnostics.UnsupportedMessageTypeId);

    // Renames touch the whole solution, which a batch of text changes cannot merge; each diagnostic is fixed alone.
    /// <inheritdoc />
    public override FixAllProvider? GetFixAllProvider() => null;

    /// <inheritdoc />
    public override Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        foreach (var diagnostic in context.Diagnostics)
        {
            if (!diagnostic.Properties.TryGetValue(DiagnosticProperties.Fix, out var fix) || fix != DiagnosticProperties.ParameterNameFix ||
                !diagnostic.Properties.TryGetValue(DiagnosticProperties.Suggestion, out var name) || name is null ||
                diagnostic.AdditionalLocations.Count == 0 || diagnostic.AdditionalLocations[0] is not { SourceTree: { } tree } site ||
                context.Document.Project.Solution.GetDocument(tree) is not { } document)
                continue;
            context.RegisterCodeFix(
                CodeAction.Create("Rename the parameter '" + name + "'", cancellationToken => RenameAsync(document, site, name, cancellationToken), EquivalenceKey),
                diagnostic);
        }
        return Task.CompletedTask;
    }

    private static async Task<Solution> RenameAsync(Document document, Location site, string name, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        var model = await document.GetSemanticModelAsync(cancellationToken).ConfigureAwait(false);
        var solution = document.Project.Solution;
        if (root?.FindToken(site.SourceSpan.Start).Parent?.FirstAncestorOrSelf<ParameterSyntax>() is not { } syntax ||
            model?.GetDeclaredSymbol(syntax, cancellationToken) is not { } parameter)
            return solution;
        return await Renamer.RenameSymbolAsync(solution, parameter, new SymbolRenameOptions(), name, cancellationToken).ConfigureAwait(false);
    }
}
