using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Broker.Analyzers;

/// <summary>
/// BRK0014: <c>services.AddConsumer&lt;TChannel, TConsumer&gt;()</c> where <c>TConsumer</c> does not implement
/// <c>IConsumer&lt;T&gt;</c> for the channel's message type <c>T</c>. C# cannot say "the T of TChannel" in a generic
/// constraint without a third type argument at every call, so the host would only find out when it starts; this
/// analyzer says it at the type argument instead.
/// </summary>
/// <remarks>
/// Any method named <c>AddConsumer</c> whose first of two type parameters is constrained to a Broker channel interface
/// is checked, so an overload on another type (a builder, say) is covered too. Calls whose type arguments are type
/// parameters themselves are left alone: their types are known only where the generic code is used.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ConsumerRegistrationAnalyzer : DiagnosticAnalyzer
{
    private const string AddConsumerName = "AddConsumer";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(BrokerDiagnostics.ConsumerMessageTypeMismatch);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var queueChannel = start.Compilation.GetTypeByMetadataName(ChannelDeclarationRules.QueueChannelMetadataName);
            var untypedQueueChannel = start.Compilation.GetTypeByMetadataName("Broker.IQueueChannel");
            var consumer = start.Compilation.GetTypeByMetadataName("Broker.IConsumer`1");
            if (queueChannel is null || untypedQueueChannel is null || consumer is null) return;
            var types = new BrokerTypes(queueChannel, untypedQueueChannel, consumer);
            start.RegisterOperationAction(operation => Analyze(operation, types), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, BrokerTypes types)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (method.Name != AddConsumerName || method.TypeArguments.Length != 2 || !IsConstrainedToChannel(method.OriginalDefinition.TypeParameters[0], types))
            return;
        if (method.TypeArguments[0] is not INamedTypeSymbol channel || method.TypeArguments[1] is not INamedTypeSymbol consumerType ||
            channel.TypeKind == TypeKind.Error || consumerType.TypeKind == TypeKind.Error)
            return;

        var messageType = MessageTypeOf(channel, types);
        if (messageType is null) return; // No channel type, or two: BRK0002 and BRK0003 explain the declaration.

        var consumed = ConsumedTypes(consumerType, types);
        if (consumed.Any(t => SymbolEqualityComparer.Default.Equals(t, messageType))) return;

        var what = consumed.Count == 0
            ? "implements no IConsumer<T>"
            : "implements " + string.Join(" and ", consumed.Select(t => "IConsumer<" + t.ToDisplayString() + ">")) + " instead";
        context.ReportDiagnostic(Diagnostic.Create(
            BrokerDiagnostics.ConsumerMessageTypeMismatch,
            ConsumerTypeArgument(invocation) ?? invocation.Syntax.GetLocation(),
            consumerType.ToDisplayString(),
            channel.ToDisplayString(),
            messageType.ToDisplayString(),
            what));
    }

    private static bool IsConstrainedToChannel(ITypeParameterSymbol parameter, BrokerTypes types) =>
        parameter.ConstraintTypes.Any(c =>
            SymbolEqualityComparer.Default.Equals(c.OriginalDefinition, types.UntypedQueueChannel) ||
            SymbolEqualityComparer.Default.Equals(c.OriginalDefinition, types.QueueChannel));

    // The T of the one IQueueChannel<T> the channel is (or derives), as the generated implementation sees it.
    private static ITypeSymbol? MessageTypeOf(INamedTypeSymbol channel, BrokerTypes types)
    {
        var bases = channel.AllInterfaces.Add(channel)
            .Where(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, types.QueueChannel))
            .ToList();
        return bases.Count == 1 ? bases[0].TypeArguments[0] : null;
    }

    private static List<ITypeSymbol> ConsumedTypes(INamedTypeSymbol consumerType, BrokerTypes types) =>
        consumerType.AllInterfaces.Add(consumerType)
            .Where(i => SymbolEqualityComparer.Default.Equals(i.OriginalDefinition, types.Consumer))
            .Select(i => i.TypeArguments[0])
            .ToList();

    // The TConsumer in AddConsumer<TChannel, TConsumer>, however the method is reached.
    private static Location? ConsumerTypeArgument(IInvocationOperation invocation)
    {
        if (invocation.Syntax is not InvocationExpressionSyntax syntax) return null;
        var name = syntax.Expression switch
        {
            MemberAccessExpressionSyntax access => access.Name,
            MemberBindingExpressionSyntax binding => binding.Name,
            SimpleNameSyntax simple => simple,
            _ => null,
        };
        return name is GenericNameSyntax { TypeArgumentList.Arguments: { Count: 2 } arguments } ? arguments[1].GetLocation() : null;
    }

    private sealed record BrokerTypes(INamedTypeSymbol QueueChannel, INamedTypeSymbol UntypedQueueChannel, INamedTypeSymbol Consumer);
}
