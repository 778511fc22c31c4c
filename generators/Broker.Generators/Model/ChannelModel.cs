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
    EquatableArray<CodecModel> Codecs)
{
    public string HintName => DisplayName + ".Channel.g.cs";
}

/// <summary>
/// What the first step learns about one [Channel] declaration: its name, which counts towards duplicate detection even
/// when the declaration is invalid, and its model when code can be generated for it.
/// </summary>
/// <param name="ChannelName">The channel name when it is valid; null otherwise.</param>
/// <param name="Model">The model, or null when the declaration has a problem that blocks generation.</param>
internal sealed record ChannelDeclaration(string? ChannelName, ChannelModel? Model);
