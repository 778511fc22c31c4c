using Microsoft.CodeAnalysis;

namespace Broker.Analyzers;

/// <summary>
/// Every diagnostic Broker reports, with its fixed id. Ids are never reused or renumbered; a retired rule keeps its id
/// in AnalyzerReleases.Shipped.md. BRK0013 belongs to message types the BSON codec cannot handle.
/// </summary>
/// <remarks>
/// <see cref="ChannelsCategory"/> holds the rules that make a declaration invalid (the generator skips it);
/// <see cref="UsageCategory"/> holds code that compiles but does not do what it says, or fails when the host starts.
/// </remarks>
internal static class BrokerDiagnostics
{
    public const string ChannelsCategory = "Broker.Channels";
    public const string UsageCategory = "Broker.Usage";

    /// <summary>Each id's page is <c>HelpLinkBase + id + ".md"</c>, one file per id under docs/diagnostics.</summary>
    public const string HelpLinkBase = "https://github.com/broker-dotnet/broker/blob/main/docs/diagnostics/";

    public const string NotPartialId = "BRK0001";
    public const string NoQueueChannelBaseId = "BRK0002";
    public const string MultipleQueueChannelBasesId = "BRK0003";
    public const string GenericId = "BRK0004";
    public const string NotAccessibleId = "BRK0005";
    public const string InvalidNameId = "BRK0006";
    public const string DuplicateNameId = "BRK0007";
    public const string InvalidDedupId = "BRK0008";
    public const string DedupOnAtLeastOnceId = "BRK0009";
    public const string InvalidMaxAttemptsId = "BRK0010";
    public const string InvalidRetryDelayId = "BRK0011";
    public const string UnimplementableMemberId = "BRK0012";
    public const string UnsupportedMessageTypeId = "BRK0013";
    public const string ConsumerMessageTypeMismatchId = "BRK0014";
    public const string InvalidProcessId = "BRK0015";
    public const string ContainerNotPartialId = "BRK0016";
    public const string ImplementationNameTakenId = "BRK0017";
    public const string UnknownSubtypeId = "BRK0018";
    public const string ChannelsNotAddedId = "BRK0019";
    public const string OrderByNotReadableId = "BRK0020";
    public const string UnsupportedOrderByTypeId = "BRK0021";
    public const string EmptyOrderById = "BRK0022";
    public const string InvalidKnownSubtypeId = "BRK0023";

    public static readonly DiagnosticDescriptor NotPartial = new(
        NotPartialId,
        title: "Channel interface must be partial",
        messageFormat: "Channel interface '{0}' must be partial so that the generator can implement it; write 'partial interface {0}'",
        ChannelsCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink(NotPartialId));

    public static readonly DiagnosticDescriptor NoQueueChannelBase = new(
        NoQueueChannelBaseId,
        title: "Channel interface must derive IQueueChannel<T>",
        messageFormat: "Channel interface '{0}' does not derive IQueueChannel<T>; derive it with the message type, as in 'partial interface {0} : IQueueChannel<MyMessage>'",
        ChannelsCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink(NoQueueChannelBaseId));

    public static readonly DiagnosticDescriptor MultipleQueueChannelBases = new(
        MultipleQueueChannelBasesId,
        title: "Channel interface must derive IQueueChannel<T> once",
        messageFormat: "Channel interface '{0}' derives IQueueChannel<T> more than once ({1}); a channel carries one message type, so keep one IQueueChannel<T> base and declare another channel for each other type",
        ChannelsCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink(MultipleQueueChannelBasesId));

    public static readonly DiagnosticDescriptor Generic = new(
        GenericId,
        title: "Channel interface must not be generic",
        messageFormat: "Channel interface '{0}' {1}; declare it as a non-generic interface outside generic types and put the message type in IQueueChannel<T>",
        ChannelsCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink(GenericId));

    public static readonly DiagnosticDescriptor NotAccessible = new(
        NotAccessibleId,
        title: "Channel interface must be accessible to the generated code",
        messageFormat: "Channel interface '{0}' cannot be implemented by the generated code because {1}; make it and every type that contains it public or internal",
        ChannelsCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink(NotAccessibleId));

    public static readonly DiagnosticDescriptor InvalidName = new(
        InvalidNameId,
        title: "Channel name is invalid",
        messageFormat: "Invalid channel name. {0} A channel name is " + ChannelNameRules.Description + ", such as 'user/registered'.",
        ChannelsCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink(InvalidNameId));

    public static readonly DiagnosticDescriptor DuplicateName = new(
        DuplicateNameId,
        title: "Channel name is declared twice",
        messageFormat: "Channel name '{0}' is also declared by '{1}'; give each channel interface its own name, or use one interface for both",
        ChannelsCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink(DuplicateNameId),
        customTags: WellKnownDiagnosticTags.CompilationEnd);

    public static readonly DiagnosticDescriptor InvalidDedup = new(
        InvalidDedupId,
        title: "Dedup is not a valid deduplication window",
        messageFormat: "Invalid Dedup window. {0} Write {1}.",
        ChannelsCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink(InvalidDedupId));

    public static readonly DiagnosticDescriptor DedupOnAtLeastOnce = new(
        DedupOnAtLeastOnceId,
        title: "Dedup has no effect on an AtLeastOnce channel",
        messageFormat: "Dedup = \"{0}\" has no effect because channel '{1}' is AtLeastOnce; remove Dedup, or set Process = QueueMessageProcessing.ExactlyOnce to drop duplicates produced within {0}",
        UsageCategory,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink(DedupOnAtLeastOnceId));

    public static readonly DiagnosticDescriptor InvalidMaxAttempts = new(
        InvalidMaxAttemptsId,
        title: "MaxAttempts must be at least 1",
        messageFormat: "MaxAttempts = {0} allows no delivery at all; write 1 or more (the default is 5)",
        ChannelsCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink(InvalidMaxAttemptsId));

    public static readonly DiagnosticDescriptor InvalidRetryDelay = new(
        InvalidRetryDelayId,
        title: "RetryDelay is not a valid interval",
        messageFormat: "Invalid RetryDelay. {0} Write {1}.",
        ChannelsCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink(InvalidRetryDelayId));

    public static readonly DiagnosticDescriptor UnimplementableMember = new(
        UnimplementableMemberId,
        title: "Channel interface has a member the generator cannot implement",
        messageFormat: "Channel interface '{0}' {1} '{2}', which the generated channel cannot implement; remove it, or give it a default implementation built on ProduceAsync, ConsumeAsync or DeadLetters",
        ChannelsCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink(UnimplementableMemberId));

    public static readonly DiagnosticDescriptor UnsupportedMessageType = new(
        UnsupportedMessageTypeId,
        title: "Message type cannot be encoded as BSON",
        messageFormat: "Channel '{0}' cannot encode its message type as BSON. {1}: '{2}' {3}.",
        ChannelsCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink(UnsupportedMessageTypeId));

    public static readonly DiagnosticDescriptor ConsumerMessageTypeMismatch = new(
        ConsumerMessageTypeMismatchId,
        title: "Consumer does not consume the channel's message type",
        messageFormat: "'{0}' cannot consume '{1}', whose message type is '{2}': it {3}; implement IConsumer<{2}>, or register it for a channel of the type it consumes",
        UsageCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink(ConsumerMessageTypeMismatchId));

    public static readonly DiagnosticDescriptor InvalidProcess = new(
        InvalidProcessId,
        title: "Process is not a defined QueueMessageProcessing value",
        messageFormat: "Process = {0} is not a QueueMessageProcessing value; write QueueMessageProcessing.ExactlyOnce or QueueMessageProcessing.AtLeastOnce (the default)",
        ChannelsCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink(InvalidProcessId));

    public static readonly DiagnosticDescriptor ContainerNotPartial = new(
        ContainerNotPartialId,
        title: "Type containing a channel interface must be partial",
        messageFormat: "'{0}' must be partial because it contains channel interface '{1}', whose generated implementation is declared inside it; add 'partial' to '{0}'",
        ChannelsCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink(ContainerNotPartialId));

    public static readonly DiagnosticDescriptor ImplementationNameTaken = new(
        ImplementationNameTakenId,
        title: "Channel interface must not have a member named Implementation",
        messageFormat: "Channel interface '{0}' declares a member named 'Implementation', the name of the class the generator nests in it; rename the member",
        ChannelsCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink(ImplementationNameTakenId));

    public static readonly DiagnosticDescriptor UnknownSubtype = new(
        UnknownSubtypeId,
        title: "Derived type is missing from [BsonKnownTypes]",
        messageFormat: "'{0}' derives from '{1}', which channel '{2}' carries, but is not among the known types of '{1}': writing a '{0}' there fails at run time, and a reader could not create it; add [BsonKnownTypes(typeof({0}))] to '{1}'",
        UsageCategory,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink(UnknownSubtypeId));

    public static readonly DiagnosticDescriptor ChannelsNotAdded = new(
        ChannelsNotAddedId,
        title: "AddBroker without AddChannels()",
        messageFormat: "'AddBroker' registers no channel by itself, and 'AddChannels()' is never called on the builder it returns: resolving {0} would fail with dependency injection's \"No service for type\" error; call '.AddChannels()' on the result",
        UsageCategory,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink(ChannelsNotAddedId));

    public static readonly DiagnosticDescriptor OrderByNotReadable = new(
        OrderByNotReadableId,
        title: "OrderBy does not name a readable member of the message type",
        messageFormat: "OrderBy = \"{0}\" does not name a property or field the generated channel can read: {1}. Write {2}.",
        ChannelsCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink(OrderByNotReadableId));

    public static readonly DiagnosticDescriptor UnsupportedOrderByType = new(
        UnsupportedOrderByTypeId,
        title: "OrderBy member's type cannot be an ordering key",
        messageFormat: "OrderBy = \"{0}\" cannot give an ordering key: {1}; an ordering key member is a " + OrderByRules.SupportedTypes + ". Order by another member, or set Ordered = true and give each produce its key in ProduceOptions.OrderingKey.",
        ChannelsCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink(UnsupportedOrderByTypeId));

    public static readonly DiagnosticDescriptor EmptyOrderBy = new(
        EmptyOrderById,
        title: "OrderBy is empty",
        messageFormat: "OrderBy is empty, so it names no member of '{0}'; write the member whose value is each message's ordering key, as OrderBy = nameof({0}.Member), or remove OrderBy and set Ordered = true to give each produce its key in ProduceOptions.OrderingKey",
        ChannelsCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink(EmptyOrderById));

    public static readonly DiagnosticDescriptor InvalidKnownSubtype = new(
        InvalidKnownSubtypeId,
        title: "Declared subtype cannot be registered",
        messageFormat: "[assembly: BsonKnownSubtype] cannot register '{0}' as a subtype of '{1}': {2}",
        ChannelsCategory,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true,
        helpLinkUri: HelpLink(InvalidKnownSubtypeId));

    private static string HelpLink(string id) => HelpLinkBase + id + ".md";
}
