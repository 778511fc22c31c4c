using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;

namespace Broker.Generators.Tests;

/// <summary>Reads what the emitters did in a generator run: which files each source output step produced, and why.</summary>
internal static class IncrementalSteps
{
    /// <summary>One RegisterSourceOutput call's work on one input: the files it wrote and whether it ran.</summary>
    public sealed record SourceOutput(IReadOnlyList<string> HintNames, IncrementalStepRunReason Reason);

    /// <summary>
    /// Every source output of the run. A <see cref="IncrementalStepRunReason.Cached"/> output means the emitter was not
    /// called: Roslyn reused the text it wrote last time.
    /// </summary>
    public static IReadOnlyList<SourceOutput> SourceOutputs(GeneratorRunResult result) =>
        [.. result.TrackedOutputSteps
            .SelectMany(pair => pair.Value)
            .SelectMany(step => step.Outputs)
            .Select(output => new SourceOutput(HintNames(output.Value), output.Reason))];

    public static void AssertCachedOrUnchanged(string what, IncrementalStepRunReason reason) =>
        Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{what} ran again: {reason}.");

    // A source output's value is (sources, diagnostics); Roslyn keeps the source type internal, so its HintName is read
    // by reflection.
    private static List<string> HintNames(object value)
    {
        var sources = (IEnumerable)((ITuple)value)[0]!;
        return [.. sources.Cast<object>().Select(source =>
            (string)source.GetType().GetProperty("HintName", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)!.GetValue(source)!)];
    }
}
