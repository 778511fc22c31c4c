using System.Collections.Immutable;
using System.Globalization;
using Microsoft.CodeAnalysis;

namespace Broker.Analyzers;

/// <summary>Turns one <see cref="ChannelProblem"/> into its diagnostic: descriptor, message arguments and properties.</summary>
internal static class ChannelProblemDiagnostics
{
    /// <summary>The diagnostic for <paramref name="problem"/>, or null for a kind this analyzer does not know yet.</summary>
    public static Diagnostic? Create(ChannelProblem problem, INamedTypeSymbol channel, ChannelAttributeValues values, Location location)
    {
        var name = channel.Name;
        switch (problem.Kind)
        {
            case ChannelProblemKind.NotPartial:
                return Diagnostic.Create(BrokerDiagnostics.NotPartial, location, name);
            case ChannelProblemKind.NoQueueChannelBase:
                return Diagnostic.Create(BrokerDiagnostics.NoQueueChannelBase, location, name);
            case ChannelProblemKind.MultipleQueueChannelBases:
                return Diagnostic.Create(BrokerDiagnostics.MultipleQueueChannelBases, location, name, problem.Detail);
            case ChannelProblemKind.Generic:
                return Diagnostic.Create(BrokerDiagnostics.Generic, location, name, "has type parameters");
            case ChannelProblemKind.NestedInGenericType:
                return Diagnostic.Create(BrokerDiagnostics.Generic, location, name, "is nested in the generic type '" + problem.Detail + "'");
            case ChannelProblemKind.NotAccessible:
                return Diagnostic.Create(BrokerDiagnostics.NotAccessible, location, name, problem.Detail);
            case ChannelProblemKind.InvalidName:
                return InvalidName(problem, values, location);
            case ChannelProblemKind.InvalidDedup:
                return WithSuggestion(BrokerDiagnostics.InvalidDedup, location, problem.Detail, SuggestDedup(values.Dedup),
                    "a window greater than zero and at most " + IntervalGrammar.Format(ChannelDeclarationRules.MaxDedupInterval) +
                    " (" + ChannelDeclarationRules.MaxDedupDays.ToString(CultureInfo.InvariantCulture) + " days), such as '5m'");
            case ChannelProblemKind.DedupOnAtLeastOnce:
                return Diagnostic.Create(BrokerDiagnostics.DedupOnAtLeastOnce, location, problem.Detail, name);
            case ChannelProblemKind.InvalidMaxAttempts:
                return Diagnostic.Create(BrokerDiagnostics.InvalidMaxAttempts, location, problem.Detail);
            case ChannelProblemKind.InvalidRetryDelay:
                return WithSuggestion(BrokerDiagnostics.InvalidRetryDelay, location, problem.Detail,
                    IntervalSuggestion.Suggest(values.RetryDelay, text => IntervalGrammar.TryParse(text, out _, out _)),
                    "an interval greater than zero, such as '1s'");
            case ChannelProblemKind.UnimplementableMember:
                return Diagnostic.Create(BrokerDiagnostics.UnimplementableMember, location, name,
                    problem.Site == ChannelProblemSite.InheritedMember ? "inherits" : "declares", problem.Detail);
            case ChannelProblemKind.InvalidProcess:
                return Diagnostic.Create(BrokerDiagnostics.InvalidProcess, location, problem.Detail);
            case ChannelProblemKind.ContainerNotPartial:
                return Diagnostic.Create(BrokerDiagnostics.ContainerNotPartial, location, problem.Detail, channel.ToDisplayString());
            case ChannelProblemKind.ImplementationNameTaken:
                return Diagnostic.Create(BrokerDiagnostics.ImplementationNameTaken, location, name);
            case ChannelProblemKind.OrderByNotReadable:
                return OrderByNotReadable(problem, channel, values, location);
            case ChannelProblemKind.UnsupportedOrderByType:
                return Diagnostic.Create(BrokerDiagnostics.UnsupportedOrderByType, location, values.OrderBy, problem.Detail);
            case ChannelProblemKind.EmptyOrderBy:
                return Diagnostic.Create(BrokerDiagnostics.EmptyOrderBy, location, problem.Detail);
            default:
                return null;
        }
    }

    // The suggestion goes between what is wrong and the rules, which the message states last.
    private static Diagnostic InvalidName(ChannelProblem problem, ChannelAttributeValues values, Location location)
    {
        var error = WithoutRulesSentence(problem.Detail);
        if (ChannelNameSuggestion.Suggest(values.Name) is not { } suggestion)
            return Diagnostic.Create(BrokerDiagnostics.InvalidName, location, error);
        var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.Suggestion, suggestion);
        return Diagnostic.Create(BrokerDiagnostics.InvalidName, location, properties, error + " Write '" + suggestion + "' instead.");
    }

    private static Diagnostic OrderByNotReadable(ChannelProblem problem, INamedTypeSymbol channel, ChannelAttributeValues values, Location location)
    {
        var suggestion = problem.Member is ITypeSymbol messageType && values.OrderBy is { } orderBy
            ? OrderBySuggestion.Suggest(orderBy, OrderByRules.ReadableMembers(messageType, channel.ContainingAssembly))
            : null;
        return WithSuggestion(BrokerDiagnostics.OrderByNotReadable, location, values.OrderBy ?? "", problem.Detail, suggestion,
            "the name of a public or internal instance property or field of the message, preferably with nameof");
    }

    private static Diagnostic WithSuggestion(DiagnosticDescriptor descriptor, Location location, string value, string error, string? suggestion, string otherwise)
    {
        if (suggestion is null)
            return Diagnostic.Create(descriptor, location, value, error, otherwise);
        var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.Suggestion, suggestion);
        return Diagnostic.Create(descriptor, location, properties, value, error, "'" + suggestion + "' instead");
    }

    private static Diagnostic WithSuggestion(DiagnosticDescriptor descriptor, Location location, string error, string? suggestion, string otherwise)
    {
        if (suggestion is null)
            return Diagnostic.Create(descriptor, location, error, otherwise);
        var properties = ImmutableDictionary<string, string?>.Empty.Add(DiagnosticProperties.Suggestion, suggestion);
        return Diagnostic.Create(descriptor, location, properties, error, "'" + suggestion + "' instead");
    }

    // A window longer than the limit has one nearest valid form: the limit itself.
    private static string? SuggestDedup(string? dedup) =>
        IntervalGrammar.TryParse(dedup, out _, out _)
            ? IntervalGrammar.Format(ChannelDeclarationRules.MaxDedupInterval)
            : IntervalSuggestion.Suggest(dedup, text => ChannelDeclarationRules.TryParseDedup(text, out _, out _));

    // Some of ChannelNameRules' errors end by restating the rules, which the BRK0006 message states once for all.
    private static string WithoutRulesSentence(string error) =>
        error.Replace("; a name is " + ChannelNameRules.Description + ".", ".");
}
