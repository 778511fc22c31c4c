using System.Collections;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;

namespace Broker.Generators.Tests.Infrastructure;

/// <summary>Checks on the generator's tracked pipeline steps.</summary>
internal static class StepAssertions
{
    /// <summary>The names of every step the generator tracks, read from <c>TrackingNames</c> so a new step cannot be missed.</summary>
    public static readonly IReadOnlyList<string> TrackedStepNames = typeof(TrackingNames)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.IsLiteral)
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToList();

    public static IReadOnlyList<(object Value, IncrementalStepRunReason Reason)> Outputs(GeneratorRunResult result, string stepName)
    {
        Assert.True(result.TrackedSteps.TryGetValue(stepName, out var steps), $"The step {stepName} did not run.");
        return steps.SelectMany(step => step.Outputs).ToList();
    }

    public static void AllCachedOrUnchanged(GeneratorRunResult result)
    {
        var failures = new StringBuilder();
        foreach (var name in TrackedStepNames)
        {
            foreach (var (value, reason) in Outputs(result, name))
            {
                if (reason is not (IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged))
                    failures.AppendLine($"{name}: {reason} {Describe(value)}");
            }
        }
        Assert.True(failures.Length == 0, "Steps ran again after an edit that changes nothing they use:\n" + failures);
    }

    /// <summary>
    /// Walks every object a tracked step holds and fails on anything that keeps a compilation alive or compares by
    /// identity across runs: symbols, syntax, semantic models, compilations, locations.
    /// </summary>
    public static void HoldNoCompilationObjects(GeneratorRunResult result)
    {
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        foreach (var name in TrackedStepNames)
        {
            foreach (var (value, _) in Outputs(result, name))
                Walk(value, name, visited);
        }
    }

    public static string Describe(object value) => value switch
    {
        Model.ChannelModel channel => "channel " + channel.ChannelName,
        Model.CodecModel codec => "codec " + codec.DisplayName,
        _ => value.GetType().Name,
    };

    private static void Walk(object? node, string path, HashSet<object> visited)
    {
        if (node is null)
            return;
        var type = node.GetType();
        Assert.False(
            node is ISymbol or SyntaxNode or SyntaxTree or SemanticModel or Compilation or Location or AttributeData,
            $"{path} holds a {type.Name}, which keeps the compilation alive and defeats caching.");
        if (type.IsPrimitive || type.IsEnum || node is string || node is decimal)
            return;
        if (!type.IsValueType && !visited.Add(node))
            return;
        if (node is IEnumerable sequence)
        {
            var index = 0;
            foreach (var item in sequence)
                Walk(item, $"{path}[{index++}]", visited);
            return;
        }
        for (var current = type; current is not null && current != typeof(object); current = current.BaseType)
        {
            foreach (var field in current.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                Walk(field.GetValue(node), $"{path}.{field.Name}", visited);
        }
    }
}
