using System.Collections.Immutable;
using System.Reflection;
using Broker.Analyzers.CodeFixes;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Broker.Analyzers.Tests.Infrastructure;

/// <summary>
/// Every analyzer and code fix the Broker package ships, found the way the compiler and the IDE find them (by their
/// attributes), so a new one is tested without being added to a list.
/// </summary>
internal static class BrokerComponents
{
    public static ImmutableArray<DiagnosticAnalyzer> Analyzers() =>
        [.. Create<DiagnosticAnalyzer, DiagnosticAnalyzerAttribute>(typeof(ChannelDeclarationAnalyzer).Assembly)];

    public static ImmutableArray<CodeFixProvider> CodeFixProviders() =>
        [.. Create<CodeFixProvider, ExportCodeFixProviderAttribute>(typeof(AddPartialCodeFixProvider).Assembly)];

    private static IEnumerable<TComponent> Create<TComponent, TAttribute>(Assembly assembly)
        where TAttribute : Attribute =>
        assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(TComponent).IsAssignableFrom(t) && t.GetCustomAttribute<TAttribute>() is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => (TComponent)Activator.CreateInstance(t)!);
}
