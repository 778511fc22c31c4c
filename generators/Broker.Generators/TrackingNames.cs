namespace Broker.Generators;

/// <summary>The names of the pipeline steps, so tests can check which ones ran and what they hold.</summary>
internal static class TrackingNames
{
    /// <summary>One result per [Channel] declaration: its name, and its model when code can be generated for it.</summary>
    public const string ChannelDeclarations = "Broker.ChannelDeclarations";

    /// <summary>Every [Channel] declaration of the compilation, collected to find names used twice.</summary>
    public const string AllDeclarations = "Broker.AllDeclarations";

    /// <summary>Every channel to generate: declarations that are valid and whose name no other declaration uses.</summary>
    public const string Channels = "Broker.Channels";

    /// <summary>The channels again, one by one, for the implementation outputs.</summary>
    public const string ChannelImplementations = "Broker.ChannelImplementations";

    /// <summary>Every type that needs a codec, once, across all channels.</summary>
    public const string Codecs = "Broker.Codecs";

    /// <summary>What the generator needs to know about the compilation: its registry name and the references' registries.</summary>
    public const string Assembly = "Broker.Assembly";

    /// <summary>The registry's entries: interface and channel name of each channel of this assembly.</summary>
    public const string RegistryEntries = "Broker.RegistryEntries";

    /// <summary>Whether this assembly declares any channel.</summary>
    public const string HasChannels = "Broker.HasChannels";

    /// <summary>The codecs to register, before they are combined with the assembly facts.</summary>
    public const string CodecRegistrationEntries = "Broker.CodecRegistrationEntries";

    /// <summary>The channels of this assembly, for its registry.</summary>
    public const string Registry = "Broker.Registry";

    /// <summary>The registries <c>AddChannels()</c> calls: this assembly's and those of the assemblies it references.</summary>
    public const string AddChannels = "Broker.AddChannels";

    /// <summary>The codecs to register in the module initializer.</summary>
    public const string CodecRegistrations = "Broker.CodecRegistrations";

    /// <summary>The subtypes each file with <c>[assembly: BsonKnownSubtype]</c> declares, collected (empty when none does).</summary>
    public const string SubtypeDeclarations = "Broker.SubtypeDeclarations";

    /// <summary>Every declared subtype of the compilation.</summary>
    public const string Subtypes = "Broker.Subtypes";

    /// <summary>The channels and the declared subtypes, together.</summary>
    public const string CodecSources = "Broker.CodecSources";

    /// <summary>Every type that needs a codec, for channels and declared subtypes, each once, named by the scheme.</summary>
    public const string DistinctCodecs = "Broker.DistinctCodecs";

    /// <summary>The codecs that take another name because the scheme gives another codec the same one (usually none).</summary>
    public const string CodecRenames = "Broker.CodecRenames";

    /// <summary>The codecs with the renames.</summary>
    public const string CodecsToName = "Broker.CodecsToName";

    /// <summary>The channels with the renames.</summary>
    public const string ChannelsToName = "Broker.ChannelsToName";

    /// <summary>The declared subtypes with the renames.</summary>
    public const string SubtypesToName = "Broker.SubtypesToName";

    /// <summary>The declared subtypes, naming their codecs as renamed.</summary>
    public const string NamedSubtypes = "Broker.NamedSubtypes";

    /// <summary>Every type that needs a codec, for channels and declared subtypes, before they are split one by one.</summary>
    public const string AllCodecs = "Broker.AllCodecs";

    /// <summary>Whether the assembly declares subtypes (an assembly attribute named BsonKnownSubtype) but has no public type an application could name to reach its module.</summary>
    public const string SubtypesAnchor = "Broker.SubtypesAnchor";

    /// <summary>The subtypes with the assembly facts.</summary>
    public const string SubtypeRegistrationInputs = "Broker.SubtypeRegistrationInputs";

    /// <summary>The subtypes with the assembly facts and whether the assembly needs a public class to be named by.</summary>
    public const string SubtypeRegistrationsWithAnchor = "Broker.SubtypeRegistrationsWithAnchor";

    /// <summary>The subtypes to register in the module initializer, with the assembly facts.</summary>
    public const string SubtypeRegistrations = "Broker.SubtypeRegistrations";
}
