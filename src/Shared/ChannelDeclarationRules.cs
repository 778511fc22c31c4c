// Compiled into generators/Broker.Generators and analyzers/Broker.Analyzers (see src/Shared/README.md): the one place
// that decides whether a [Channel] interface is valid. The analyzers report every problem; the generator emits nothing
// for a declaration with a problem that blocks generation.
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Broker;

/// <summary>What is wrong with a channel declaration.</summary>
internal enum ChannelProblemKind
{
    NotPartial,
    NoQueueChannelBase,
    MultipleQueueChannelBases,
    Generic,
    NestedInGenericType,
    NotAccessible,
    InvalidName,
    InvalidDedup,
    DedupOnAtLeastOnce,
    InvalidMaxAttempts,
    InvalidRetryDelay,
    UnimplementableMember,
    InvalidProcess,
    ContainerNotPartial,
    ImplementationNameTaken,
    EmptyOrderBy,
    OrderByNotReadable,
    UnsupportedOrderByType,
}

/// <summary>Which part of the declaration a problem points at, so the analyzer can report the exact span.</summary>
internal enum ChannelProblemSite
{
    InterfaceName,
    BaseList,
    TypeParameters,
    ContainingType,
    NameArgument,
    ProcessArgument,
    DedupArgument,
    MaxAttemptsArgument,
    RetryDelayArgument,
    OrderByArgument,
    Member,

    /// <summary>
    /// An abstract member inherited from a base interface other than IQueueChannel&lt;T&gt;; <see cref="ChannelProblem.Member"/>
    /// is the member, and the analyzer points at the base list entry that brings it in.
    /// </summary>
    InheritedMember,

    /// <summary>The identifier of a type that contains the channel; <see cref="ChannelProblem.Member"/> is that type.</summary>
    ContainingTypeName,
}

/// <summary>One problem. <see cref="Detail"/> is the human part of the message (a parse error, a member name).</summary>
internal readonly struct ChannelProblem
{
    public ChannelProblem(ChannelProblemKind kind, ChannelProblemSite site, string detail, ISymbol? member = null)
    {
        Kind = kind;
        Site = site;
        Detail = detail;
        Member = member;
    }

    public ChannelProblemKind Kind { get; }

    public ChannelProblemSite Site { get; }

    public string Detail { get; }

    /// <summary>
    /// For <see cref="ChannelProblemSite.Member"/> and <see cref="ChannelProblemSite.InheritedMember"/>: the offending
    /// member; for <see cref="ChannelProblemSite.ContainingTypeName"/>: the containing type; for
    /// <see cref="ChannelProblemSite.OrderByArgument"/>: the message type, whose members a suggestion comes from.
    /// </summary>
    public ISymbol? Member { get; }

    /// <summary>Only warnings let the generator go ahead.</summary>
    public bool BlocksGeneration => Kind != ChannelProblemKind.DedupOnAtLeastOnce;
}

/// <summary>The attribute's values, read without running any user code.</summary>
internal sealed class ChannelAttributeValues
{
    public string? Name { get; set; }

    /// <summary>0 = ExactlyOnce, 1 = AtLeastOnce (Deepkit's numbering).</summary>
    public int Process { get; set; } = ChannelDeclarationRules.AtLeastOnce;

    public string? Dedup { get; set; }

    public bool HasDedup { get; set; }

    public int MaxAttempts { get; set; } = 5;

    public string? RetryDelay { get; set; }

    public bool HasRetryDelay { get; set; }

    /// <summary>Ordered = true as written; <see cref="OrderBy"/> implies it too (<see cref="IsOrdered"/>).</summary>
    public bool Ordered { get; set; }

    /// <summary>The OrderBy member name, or null when there is none (or it is written as null).</summary>
    public string? OrderBy { get; set; }

    /// <summary>Whether the channel carries ordering keys: Ordered = true, or any OrderBy.</summary>
    public bool IsOrdered => Ordered || OrderBy is not null;
}

/// <summary>The rules every [Channel] interface must follow.</summary>
internal static class ChannelDeclarationRules
{
    public const string ChannelAttributeMetadataName = "Broker.ChannelAttribute";
    public const string QueueChannelMetadataName = "Broker.IQueueChannel`1";
    public const int ExactlyOnce = 0;
    public const int AtLeastOnce = 1;

    /// <summary>The name of the class the generator nests in each channel interface; no other member may take it.</summary>
    public const string ImplementationClassName = "Implementation";

    /// <summary>What the generated class's [GeneratedCode] attribute names as its tool.</summary>
    public const string GeneratorToolName = "Broker.Generators";

    /// <summary>The longest Dedup window; shared with the runtime (<see cref="DedupWindow"/>).</summary>
    public static readonly System.TimeSpan MaxDedupInterval = DedupWindow.Max;

    /// <summary><see cref="MaxDedupInterval"/> in days, for messages.</summary>
    public const int MaxDedupDays = DedupWindow.MaxDays;

    /// <summary>Reads the named and positional values of a [Channel] attribute.</summary>
    public static ChannelAttributeValues ReadAttribute(AttributeData attribute)
    {
        var values = new ChannelAttributeValues();
        if (attribute.ConstructorArguments.Length == 1)
            values.Name = attribute.ConstructorArguments[0].Value as string;
        foreach (var argument in attribute.NamedArguments)
        {
            switch (argument.Key)
            {
                case "Process" when argument.Value.Value is int process:
                    values.Process = process;
                    break;
                case "Dedup":
                    values.Dedup = argument.Value.Value as string;
                    values.HasDedup = true;
                    break;
                case "MaxAttempts" when argument.Value.Value is int attempts:
                    values.MaxAttempts = attempts;
                    break;
                case "RetryDelay":
                    values.RetryDelay = argument.Value.Value as string;
                    values.HasRetryDelay = true;
                    break;
                case "Ordered" when argument.Value.Value is bool ordered:
                    values.Ordered = ordered;
                    break;
                case "OrderBy":
                    values.OrderBy = argument.Value.Value as string;
                    break;
            }
        }
        return values;
    }

    /// <summary>The message type T of the single IQueueChannel&lt;T&gt; the interface derives, or null.</summary>
    public static ITypeSymbol? GetMessageType(INamedTypeSymbol channel)
    {
        var bases = QueueChannelBases(channel);
        return bases.Count == 1 ? bases[0].TypeArguments[0] : null;
    }

    /// <summary>Every problem of one declaration, in a stable order.</summary>
    public static List<ChannelProblem> Validate(INamedTypeSymbol channel, AttributeData attribute, CancellationToken cancellationToken)
    {
        var problems = new List<ChannelProblem>();
        var values = ReadAttribute(attribute);

        if (!IsPartial(channel, cancellationToken))
            problems.Add(new ChannelProblem(ChannelProblemKind.NotPartial, ChannelProblemSite.InterfaceName, channel.Name));

        var bases = QueueChannelBases(channel);
        if (bases.Count == 0)
            problems.Add(new ChannelProblem(ChannelProblemKind.NoQueueChannelBase, ChannelProblemSite.InterfaceName, channel.Name));
        else if (bases.Count > 1)
            problems.Add(new ChannelProblem(ChannelProblemKind.MultipleQueueChannelBases, ChannelProblemSite.BaseList,
                string.Join(", ", bases.Select(b => b.ToDisplayString()))));

        // Arity, not IsGenericType: IsGenericType is also true for a type that is only nested in a generic one.
        if (channel.Arity > 0)
            problems.Add(new ChannelProblem(ChannelProblemKind.Generic, ChannelProblemSite.TypeParameters, channel.Name));
        for (var container = channel.ContainingType; container is not null; container = container.ContainingType)
        {
            if (container.Arity > 0)
            {
                problems.Add(new ChannelProblem(ChannelProblemKind.NestedInGenericType, ChannelProblemSite.ContainingType, container.ToDisplayString()));
                break;
            }
        }
        if (FindInaccessibleType(channel) is { } inaccessible)
            problems.Add(new ChannelProblem(ChannelProblemKind.NotAccessible, ChannelProblemSite.InterfaceName, DescribeInaccessible(channel, inaccessible)));

        // The implementation is a class nested in the interface, so every type around the interface gets a generated
        // part too, which C# allows only for partial types.
        for (var container = channel.ContainingType; container is not null; container = container.ContainingType)
        {
            if (!IsPartial(container, cancellationToken))
                problems.Add(new ChannelProblem(ChannelProblemKind.ContainerNotPartial, ChannelProblemSite.ContainingTypeName, container.ToDisplayString(), container));
        }

        if (!ChannelNameRules.IsValid(values.Name, out var nameError))
            problems.Add(new ChannelProblem(ChannelProblemKind.InvalidName, ChannelProblemSite.NameArgument, nameError!));

        // A cast such as (QueueMessageProcessing)7 compiles, but no adapter knows what it means.
        if (values.Process is not (ExactlyOnce or AtLeastOnce))
            problems.Add(new ChannelProblem(ChannelProblemKind.InvalidProcess, ChannelProblemSite.ProcessArgument,
                values.Process.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        if (values.HasDedup)
        {
            if (!TryParseDedup(values.Dedup, out _, out var dedupError))
                problems.Add(new ChannelProblem(ChannelProblemKind.InvalidDedup, ChannelProblemSite.DedupArgument, dedupError!));
            else if (values.Process == AtLeastOnce)
                problems.Add(new ChannelProblem(ChannelProblemKind.DedupOnAtLeastOnce, ChannelProblemSite.DedupArgument, values.Dedup!));
        }

        if (values.MaxAttempts < 1)
            problems.Add(new ChannelProblem(ChannelProblemKind.InvalidMaxAttempts, ChannelProblemSite.MaxAttemptsArgument,
                values.MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        if (values.HasRetryDelay && !IntervalGrammar.TryParse(values.RetryDelay, out _, out var retryError))
            problems.Add(new ChannelProblem(ChannelProblemKind.InvalidRetryDelay, ChannelProblemSite.RetryDelayArgument, retryError!));

        // Without a single message type (BRK0002, BRK0003) there are no members to check OrderBy against.
        if (values.OrderBy is not null && bases.Count == 1 && bases[0].TypeArguments[0] is { TypeKind: not TypeKind.Error } messageType &&
            OrderByRules.Check(messageType, values.OrderBy, channel.ContainingAssembly) is { } orderByProblem)
            problems.Add(orderByProblem);

        foreach (var member in channel.GetMembers())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!NeedsImplementation(member)) continue;
            problems.Add(new ChannelProblem(ChannelProblemKind.UnimplementableMember, ChannelProblemSite.Member, member.Name, member));
        }

        foreach (var member in channel.GetMembers(ImplementationClassName))
        {
            if (!IsGeneratedImplementation(member))
                problems.Add(new ChannelProblem(ChannelProblemKind.ImplementationNameTaken, ChannelProblemSite.Member, member.Name, member));
        }

        // The generated class derives QueueChannel<T>, which implements IQueueChannel<T> and IQueueChannel and nothing
        // else, so an abstract member of any other base interface (IDisposable.Dispose, say) would leave it incomplete.
        foreach (var baseInterface in channel.AllInterfaces)
        {
            if (IsQueueChannelInterface(baseInterface)) continue;
            foreach (var member in baseInterface.GetMembers())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!NeedsImplementation(member) || channel.FindImplementationForInterfaceMember(member) is not null) continue;
                problems.Add(new ChannelProblem(ChannelProblemKind.UnimplementableMember, ChannelProblemSite.InheritedMember,
                    baseInterface.ToDisplayString() + "." + member.Name, member));
            }
        }

        return problems;
    }

    // Members with a body (default implementations, plain static members) need nothing from the generator; a static
    // abstract member needs one it cannot write. Accessors belong to their property or event, which is reported once.
    private static bool NeedsImplementation(ISymbol member) =>
        member is not INamedTypeSymbol && !member.IsImplicitlyDeclared && member.IsAbstract &&
        member is not IMethodSymbol { AssociatedSymbol: not null };

    // Analyzers run over the compilation that already holds the generator's output: its own class is no clash.
    private static bool IsGeneratedImplementation(ISymbol member) =>
        member is INamedTypeSymbol { TypeKind: TypeKind.Class } type &&
        type.GetAttributes().Any(a =>
            a.AttributeClass is { Name: "GeneratedCodeAttribute" } &&
            a.ConstructorArguments.Length == 2 &&
            a.ConstructorArguments[0].Value as string == GeneratorToolName);

    /// <summary>Reads a Dedup value: an interval of the grammar, greater than zero and at most <see cref="MaxDedupInterval"/>.</summary>
    /// <param name="text">The attribute's Dedup text.</param>
    /// <param name="value">The window when the text is valid.</param>
    /// <param name="error">Why the text was rejected, naming it; null when it is valid.</param>
    /// <returns>True when the text is a valid deduplication window.</returns>
    public static bool TryParseDedup(string? text, out System.TimeSpan value, out string? error)
    {
        if (!IntervalGrammar.TryParse(text, out value, out error))
            return false;
        if (value > MaxDedupInterval)
        {
            error = "'" + text + "' is longer than " + IntervalGrammar.Format(MaxDedupInterval) + " (" + MaxDedupDays.ToString(System.Globalization.CultureInfo.InvariantCulture) + " days), the longest deduplication window.";
            value = System.TimeSpan.Zero;
            return false;
        }
        return true;
    }

    /// <summary>The IQueueChannel&lt;T&gt; constructions among the interface's direct and indirect bases.</summary>
    public static List<INamedTypeSymbol> QueueChannelBases(INamedTypeSymbol channel) =>
        channel.AllInterfaces
            .Where(i => i.OriginalDefinition.MetadataName == "IQueueChannel`1" && IsInBrokerNamespace(i))
            .ToList();

    /// <summary>True for IQueueChannel&lt;T&gt; and IQueueChannel, whose members the generated class inherits from QueueChannel&lt;T&gt;.</summary>
    private static bool IsQueueChannelInterface(INamedTypeSymbol type) =>
        type.OriginalDefinition.MetadataName is "IQueueChannel`1" or "IQueueChannel" && IsInBrokerNamespace(type);

    private static bool IsInBrokerNamespace(INamedTypeSymbol type) =>
        type.ContainingNamespace is { Name: "Broker" } ns && ns.ContainingNamespace is { IsGlobalNamespace: true };

    // Once one part of a type is partial, C# requires it of every other part (CS0260), so one part with it is enough.
    private static bool IsPartial(INamedTypeSymbol type, CancellationToken cancellationToken)
    {
        foreach (var reference in type.DeclaringSyntaxReferences)
        {
            if (reference.GetSyntax(cancellationToken) is TypeDeclarationSyntax declaration &&
                declaration.Modifiers.Any(m => m.Text == "partial"))
                return true;
        }
        return false;
    }

    // The generated implementation lives in the same assembly, so internal is enough; private or protected nesting is not.
    private static INamedTypeSymbol? FindInaccessibleType(INamedTypeSymbol channel)
    {
        for (var type = channel; type is not null; type = type.ContainingType)
        {
            // A file-local type reports Internal, yet only its own file can name it, and the generated code is elsewhere.
            if (type.IsFileLocal || type.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal or Accessibility.ProtectedOrInternal))
                return type;
        }
        return null;
    }

    // Names the type that hides the channel, because it is often not the channel itself but a type around it.
    private static string DescribeInaccessible(INamedTypeSymbol channel, INamedTypeSymbol inaccessible)
    {
        var accessibility = inaccessible.IsFileLocal ? "file-local" : inaccessible.DeclaredAccessibility switch
        {
            Accessibility.Protected => "protected",
            Accessibility.ProtectedAndInternal => "private protected",
            _ => "private",
        };
        return SymbolEqualityComparer.Default.Equals(channel, inaccessible)
            ? "it is " + accessibility
            : "its containing type '" + inaccessible.ToDisplayString() + "' is " + accessibility;
    }
}
