using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Broker.Analyzers;

/// <summary>
/// BRK0019: <c>services.AddBroker(b =&gt; b.UseInMemory())</c> whose builder never reaches the generated
/// <c>AddChannels()</c>, in a compilation that declares or references <c>[Channel]</c> interfaces. The channels are
/// only registered by that call, so without it the first class that injects one fails with dependency injection's
/// bare "No service for type ... has been registered", which says nothing about Broker.
/// </summary>
/// <remarks>
/// <para>
/// The analyzer follows the builder within the method that calls <c>AddBroker</c>: through calls that return it (a
/// chain such as <c>.AddChannels()</c> or <c>.UseInMemory()</c>), through locals it is stored in, and through the
/// configure lambda's parameter. It reports only when every path ends without <c>AddChannels()</c> (or a manual
/// <c>AddChannel&lt;T&gt;()</c>): the result thrown away, or a local never used for it. A builder passed to another
/// method, returned, stored in a field, or configured by a method group might meet <c>AddChannels()</c> elsewhere,
/// so those calls are left alone: the rule has no false alarms to argue with, at the price of missing some mistakes.
/// </para>
/// <para>
/// "Declares or references channels" is read from the compilation: a <c>[Channel]</c> interface in its source, or a
/// referenced assembly whose <c>[assembly: ChannelRegistry]</c> the generator wrote. It is worked out once per
/// compilation, and only when an <c>AddBroker</c> call is found.
/// </para>
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ChannelsNotAddedAnalyzer : DiagnosticAnalyzer
{
    private const string AddBrokerName = "AddBroker";
    private const string AddChannelsName = "AddChannels";
    private const string AddChannelName = "AddChannel";
    private const string BrokerBuilderMetadataName = "Broker.BrokerBuilder";
    private const string ChannelRegistryMetadataName = "Broker.ChannelRegistryAttribute";

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(BrokerDiagnostics.ChannelsNotAdded);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            var builder = start.Compilation.GetTypeByMetadataName(BrokerBuilderMetadataName);
            if (builder is null) return;
            var channels = new Lazy<string?>(() => DescribeChannels(start.Compilation, start.CancellationToken), LazyThreadSafetyMode.ExecutionAndPublication);
            start.RegisterOperationAction(operation => Analyze(operation, builder, channels), OperationKind.Invocation);
        });
    }

    private static void Analyze(OperationAnalysisContext context, INamedTypeSymbol builder, Lazy<string?> channels)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (method.Name != AddBrokerName || !SymbolEqualityComparer.Default.Equals(method.ReturnType, builder))
            return;

        var flow = new BuilderFlow(builder);
        var reach = flow.Follow(invocation);
        if (reach == Reach.No)
            reach = Combine(reach, flow.ThroughConfigure(invocation));
        if (reach != Reach.No)
            return;
        if (channels.Value is not { } example)
            return;

        context.ReportDiagnostic(Diagnostic.Create(BrokerDiagnostics.ChannelsNotAdded, MethodName(invocation) ?? invocation.Syntax.GetLocation(), example));
    }

    // "'IRegistrationChannel'" for a channel of this compilation (the first by name), or "the channels of 'Lib'" for a
    // referenced assembly's; null when there are none and AddChannels() would register nothing anyway.
    private static string? DescribeChannels(Compilation compilation, CancellationToken cancellationToken)
    {
        var channelAttribute = ChannelSymbols.GetChannelAttributeType(compilation);
        if (channelAttribute is not null)
        {
            var local = compilation.GetSymbolsWithName(static _ => true, SymbolFilter.Type, cancellationToken)
                .Where(symbol => ChannelSymbols.GetChannelAttribute(symbol, channelAttribute) is not null)
                .Select(symbol => symbol.ToDisplayString())
                .OrderBy(name => name, StringComparer.Ordinal)
                .FirstOrDefault();
            if (local is not null)
                return "'" + local + "'";
        }

        var registry = compilation.GetTypeByMetadataName(ChannelRegistryMetadataName);
        if (registry is null)
            return null;
        foreach (var assembly in compilation.SourceModule.ReferencedAssemblySymbols.OrderBy(a => a.Identity.Name, StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            // As the generator does: only an assembly built against Broker can carry the attribute.
            if (!assembly.Modules.Any(m => m.ReferencedAssemblies.Any(r => r.Name == "Broker")))
                continue;
            if (assembly.GetAttributes().Any(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, registry)))
                return "the channels of '" + assembly.Identity.Name + "'";
        }
        return null;
    }

    // The AddBroker name in services.AddBroker(...), or the whole call when it has another shape.
    private static Location? MethodName(IInvocationOperation invocation) =>
        invocation.Syntax is InvocationExpressionSyntax syntax
            ? syntax.Expression switch
            {
                MemberAccessExpressionSyntax access => access.Name.GetLocation(),
                MemberBindingExpressionSyntax binding => binding.Name.GetLocation(),
                SimpleNameSyntax simple => simple.GetLocation(),
                _ => null,
            }
            : null;

    /// <summary>Whether a builder reaches <c>AddChannels()</c>: surely not, surely, or the analyzer cannot tell.</summary>
    private enum Reach
    {
        No,
        Yes,
        Unknown,
    }

    // Any path that adds the channels is enough; any path the analyzer cannot follow makes the answer unknown.
    private static Reach Combine(Reach a, Reach b) =>
        a == Reach.Yes || b == Reach.Yes ? Reach.Yes : a == Reach.Unknown || b == Reach.Unknown ? Reach.Unknown : Reach.No;

    /// <summary>Follows one builder value through the operation tree of the method (or top-level program) using it.</summary>
    private sealed class BuilderFlow
    {
        private readonly INamedTypeSymbol _builder;
        private readonly HashSet<ISymbol> _followed = new(SymbolEqualityComparer.Default);

        public BuilderFlow(INamedTypeSymbol builder) => _builder = builder;

        /// <summary>Where the value <paramref name="value"/> (an operation of type BrokerBuilder) goes.</summary>
        public Reach Follow(IOperation value)
        {
            var current = value;
            while (true)
            {
                switch (current.Parent)
                {
                    case IConversionOperation conversion:
                        current = conversion;
                        continue;
                    case IInvocationOperation call when call.Instance == current:
                        return Called(call);
                    // An extension method's receiver is its first argument.
                    case IArgumentOperation { Parameter.Ordinal: 0, Parent: IInvocationOperation { TargetMethod.IsExtensionMethod: true } call }:
                        return Called(call);
                    case IExpressionStatementOperation:
                        return Reach.No;
                    // builder.Services and the like: the builder itself goes no further.
                    case IPropertyReferenceOperation property when property.Instance == current:
                        return Reach.No;
                    case IVariableInitializerOperation { Parent: IVariableDeclaratorOperation declarator }:
                        return ThroughLocal(declarator.Symbol, current);
                    case ISimpleAssignmentOperation assignment when assignment.Value == current && assignment.Target is ILocalReferenceOperation local:
                        return ThroughLocal(local.Local, current);
                    case ISimpleAssignmentOperation assignment when assignment.Target == current:
                        return Reach.No; // overwritten, not used
                    default:
                        // Passed to a method, returned, stored in a field or property, captured in an expression
                        // the analyzer does not model: AddChannels() may be called where it went.
                        return Reach.Unknown;
                }
            }
        }

        /// <summary>Where the configure lambda's builder parameter goes, if the argument is a lambda.</summary>
        public Reach ThroughConfigure(IInvocationOperation addBroker)
        {
            var reach = Reach.No;
            foreach (var argument in addBroker.Arguments)
            {
                if (argument.Value.Type is not INamedTypeSymbol { DelegateInvokeMethod: { } invoke } ||
                    !invoke.Parameters.Any(p => SymbolEqualityComparer.Default.Equals(p.Type, _builder)))
                    continue;
                if (argument.Value is not IDelegateCreationOperation { Target: IAnonymousFunctionOperation lambda })
                    return Reach.Unknown; // a method group or a delegate from elsewhere
                foreach (var parameter in lambda.Symbol.Parameters.Where(p => SymbolEqualityComparer.Default.Equals(p.Type, _builder)))
                {
                    foreach (var use in lambda.Body.Descendants().OfType<IParameterReferenceOperation>().Where(r => SymbolEqualityComparer.Default.Equals(r.Parameter, parameter)))
                        reach = Combine(reach, Follow(use));
                }
            }
            return reach;
        }

        private Reach Called(IInvocationOperation call)
        {
            var method = call.TargetMethod;
            if (method.Name is AddChannelsName or AddChannelName)
                return Reach.Yes;
            // Broker's own builder methods (UseInMemory, UseEmbedded, ...) register no channel; a method of the
            // application or of another library might, so the analyzer does not guess.
            if (!IsBrokers(method))
                return Reach.Unknown;
            return SymbolEqualityComparer.Default.Equals(method.ReturnType, _builder) ? Follow(call) : Reach.No;
        }

        private Reach ThroughLocal(ILocalSymbol local, IOperation from)
        {
            if (!_followed.Add(local))
                return Reach.No;
            var root = from;
            while (root.Parent is not null)
                root = root.Parent;
            var reach = Reach.No;
            foreach (var use in root.Descendants().OfType<ILocalReferenceOperation>().Where(r => SymbolEqualityComparer.Default.Equals(r.Local, local)))
                reach = Combine(reach, Follow(use));
            return reach;
        }

        private static bool IsBrokers(IMethodSymbol method)
        {
            if (method.Locations.Any(l => l.IsInSource))
                return false;
            var assembly = method.ContainingAssembly?.Name;
            return assembly is not null && (assembly == "Broker" || assembly.StartsWith("Broker.", StringComparison.Ordinal));
        }
    }
}
