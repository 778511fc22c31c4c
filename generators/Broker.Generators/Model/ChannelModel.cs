namespace Broker.Generators.Model;

/// <summary>A type that contains the channel interface, re-declared as partial around the generated code.</summary>
/// <param name="Keyword">class, struct, interface, record or record struct.</param>
/// <param name="Name">Its name.</param>
internal sealed record ContainingTypeModel(string Keyword, string Name);

/// <summary>Everything needed to emit one channel's implementation, without holding its symbol.</summary>
/// <param name="Namespace">The interface's namespace; empty for the global namespace.</param>
/// <param name="ContainingTypes">The types it is nested in, outermost first.</param>
/// <param name="InterfaceName">Its simple name.</param>
/// <param name="InterfaceTypeName">Its fully qualified name with <c>global::</c>.</param>
/// <param name="DisplayName">Its name as people write it, for the hint name and comments.</param>
/// <param name="ChannelName">The channel name.</param>
/// <param name="Process">How the channel treats a message produced twice.</param>
/// <param name="DedupText">The Dedup text as written, or null.</param>
/// <param name="DedupTicks">The parsed Dedup window passed to the definition; 0 for none (AtLeastOnce, or the default).</param>
/// <param name="MaxAttempts">Deliveries before dead-lettering.</param>
/// <param name="RetryDelayText">The RetryDelay text as written, or null.</param>
/// <param name="RetryDelayTicks">The parsed retry delay; 0 for the default.</param>
/// <param name="MessageTypeName">The message type, fully qualified.</param>
/// <param name="MessageCodecTypeName">Its codec, fully qualified.</param>
/// <param name="Codecs">The codecs of the message type and every type it reaches.</param>
/// <param name="Ordered">Whether the channel carries ordering keys (Ordered = true, or OrderBy).</param>
/// <param name="OrderBy">The member whose value is each message's ordering key, or null.</param>
internal sealed record ChannelModel(
    string Namespace,
    EquatableArray<ContainingTypeModel> ContainingTypes,
    string InterfaceName,
    string InterfaceTypeName,
    string DisplayName,
    string ChannelName,
    ChannelProcessing Process,
    string? DedupText,
    long DedupTicks,
    int MaxAttempts,
    string? RetryDelayText,
    long RetryDelayTicks,
    string MessageTypeName,
    string MessageCodecTypeName,
    EquatableArray<CodecModel> Codecs,
    bool Ordered,
    OrderingKeyModel? OrderBy)
{
    public string HintName => DisplayName + ".Channel.g.cs";
}

/// <summary>The OrderBy member, as the generated <c>OrderingKeyOf</c> reads it.</summary>
/// <param name="MemberName">The property or field name (unescaped: <c>checked</c> for <c>@checked</c>).</param>
/// <param name="Format">How its value becomes a string.</param>
/// <param name="IsNullableValue">Whether it is a <c>Nullable&lt;T&gt;</c>, whose null is no key.</param>
/// <param name="IntegerKeyword">The integer type to format (an enum's underlying type), or null.</param>
internal sealed record OrderingKeyModel(string MemberName, OrderingKeyFormat Format, bool IsNullableValue, string? IntegerKeyword);

/// <summary>
/// What the first step learns about one [Channel] declaration: its name, which counts towards duplicate detection even
/// when the declaration is invalid, and its model when code can be generated for it.
/// </summary>
/// <param name="ChannelName">The channel name when it is valid; null otherwise.</param>
/// <param name="Model">The model, or null when the declaration has a problem that blocks generation.</param>
internal sealed record ChannelDeclaration(string? ChannelName, ChannelModel? Model);
