using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Testing;

namespace Broker.Analyzers.Tests.Infrastructure;

/// <summary>Short forms of <see cref="BrokerAnalyzerTest"/> for the tests.</summary>
internal static class Verify
{
    /// <summary>A diagnostic of <paramref name="descriptor"/>, to complete with a location and arguments or a message.</summary>
    public static DiagnosticResult Diagnostic(DiagnosticDescriptor descriptor) => new(descriptor);

    /// <summary>
    /// Checks that <see cref="BrokerAnalyzerTest.Preamble"/> + <paramref name="source"/> produces exactly the diagnostics
    /// marked in it (<c>{|BRK0001:IMyChannel|}</c>) plus <paramref name="expected"/>.
    /// </summary>
    public static Task AnalyzerAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new BrokerAnalyzerTest { TestCode = BrokerAnalyzerTest.Preamble + source };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>As <see cref="AnalyzerAsync"/>, over several files.</summary>
    public static Task AnalyzerAsync(string[] sources, params DiagnosticResult[] expected)
    {
        var test = new BrokerAnalyzerTest();
        test.TestState.Sources.Add(("Preamble.cs", BrokerAnalyzerTest.Preamble));
        for (var i = 0; i < sources.Length; i++)
            test.TestState.Sources.Add(($"Source{i}.cs", sources[i]));
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>
    /// Checks that the code fix registered under <paramref name="equivalenceKey"/> (or the only one) turns
    /// <paramref name="source"/> into <paramref name="fixedSource"/>, which has no diagnostics left.
    /// </summary>
    public static Task CodeFixAsync(string source, string fixedSource, string? equivalenceKey = null) =>
        CodeFixOfWholeFileAsync(BrokerAnalyzerTest.Preamble + source, BrokerAnalyzerTest.Preamble + fixedSource, equivalenceKey);

    /// <summary>As <see cref="CodeFixAsync(string, string, string?)"/>, over several files; the first starts with the preamble.</summary>
    public static Task CodeFixAsync(string[] sources, string[] fixedSources, string? equivalenceKey = null)
    {
        var test = new BrokerAnalyzerTest { CodeActionEquivalenceKey = equivalenceKey };
        for (var i = 0; i < sources.Length; i++)
            test.TestState.Sources.Add(($"Source{i}.cs", (i == 0 ? BrokerAnalyzerTest.Preamble : "") + sources[i]));
        for (var i = 0; i < fixedSources.Length; i++)
            test.FixedState.Sources.Add(($"Source{i}.cs", (i == 0 ? BrokerAnalyzerTest.Preamble : "") + fixedSources[i]));
        return test.RunAsync();
    }

    /// <summary>
    /// As <see cref="CodeFixAsync(string, string, string?)"/>, for a fix that has no Fix All (a rename, which a batch of
    /// text changes cannot merge).
    /// </summary>
    public static Task CodeFixWithoutFixAllAsync(string source, string fixedSource)
    {
        var test = new BrokerAnalyzerTest
        {
            TestCode = BrokerAnalyzerTest.Preamble + source,
            FixedCode = BrokerAnalyzerTest.Preamble + fixedSource,
            CodeFixTestBehaviors = CodeFixTestBehaviors.SkipFixAllCheck,
        };
        return test.RunAsync();
    }

    /// <summary>As <see cref="CodeFixAsync(string, string, string?)"/>, for a file that must not start with the preamble's <c>using Broker;</c>.</summary>
    public static Task CodeFixOfWholeFileAsync(string source, string fixedSource, string? equivalenceKey = null)
    {
        var test = new BrokerAnalyzerTest
        {
            TestCode = source,
            FixedCode = fixedSource,
            CodeActionEquivalenceKey = equivalenceKey,
        };
        return test.RunAsync();
    }
}
