namespace Broker.Generators.Model;

/// <summary>What the generator needs to know about the compilation as a whole.</summary>
/// <param name="RegistryTypeName">The registry class this assembly gets when it declares channels, fully qualified.</param>
/// <param name="AddChannelsClassName">The class of the generated <c>AddChannels()</c>, named after the assembly.</param>
/// <param name="AssemblyName">The assembly name, for comments.</param>
/// <param name="ReferencesBroker">Whether Broker's runtime is referenced; without it nothing can be generated.</param>
/// <param name="HasModuleInitializer">Whether the target framework has <c>ModuleInitializerAttribute</c>.</param>
/// <param name="ReferencedRegistries">The registries named by <c>[assembly: ChannelRegistry]</c> in referenced assemblies, sorted.</param>
/// <param name="ReferencedSubtypes">The referenced assemblies that declare <c>[assembly: BsonKnownSubtype]</c>, sorted.</param>
internal sealed record AssemblyModel(
    string RegistryTypeName,
    string AddChannelsClassName,
    string AssemblyName,
    bool ReferencesBroker,
    bool HasModuleInitializer,
    EquatableArray<ReferencedRegistryModel> ReferencedRegistries,
    EquatableArray<ReferencedSubtypesModel> ReferencedSubtypes = default);

/// <summary>
/// A referenced assembly whose module initializer registers subtypes (<c>[assembly: BsonKnownSubtype]</c>):
/// <c>AddChannels()</c> runs it, so a process that only reads such a subtype has registered it before the first read.
/// </summary>
/// <param name="AssemblyName">The assembly.</param>
/// <param name="TypeName">A type of it the generated code can name, fully qualified, to reach its module.</param>
internal sealed record ReferencedSubtypesModel(string AssemblyName, string TypeName);

/// <summary>A referenced assembly's channel registry.</summary>
/// <param name="AssemblyName">The assembly that declares it.</param>
/// <param name="TypeName">The registry class, fully qualified.</param>
internal sealed record ReferencedRegistryModel(string AssemblyName, string TypeName);

/// <summary>A channel as the registry sees it.</summary>
/// <param name="InterfaceTypeName">The channel interface, fully qualified.</param>
/// <param name="ChannelName">The channel name, for a comment.</param>
internal sealed record RegistryEntryModel(string InterfaceTypeName, string ChannelName);

/// <summary>A codec as the module initializer sees it.</summary>
/// <param name="TypeName">The type it encodes, fully qualified.</param>
/// <param name="CodecTypeName">The codec, fully qualified.</param>
internal sealed record CodecRegistrationModel(string TypeName, string CodecTypeName);
