namespace Broker;

/// <summary>
/// Marks an assembly that declares <c>[Channel]</c> interfaces and names its generated registry, a static class with
/// <c>public static void AddTo(BrokerBuilder builder)</c>. The source generator writes both; the <c>AddChannels()</c>
/// generated in a referencing assembly reads the attribute at compile time, so no assembly is scanned at run time.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
public sealed class ChannelRegistryAttribute : Attribute
{
    /// <summary>Names the registry.</summary>
    /// <param name="registryType">The generated registry class.</param>
    public ChannelRegistryAttribute(Type registryType) => RegistryType = registryType;

    /// <summary>The generated registry class.</summary>
    public Type RegistryType { get; }
}
