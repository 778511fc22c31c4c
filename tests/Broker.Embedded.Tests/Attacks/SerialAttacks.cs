namespace Broker.Embedded.Tests.Attacks;

/// <summary>
/// Attacks that starve the whole test process of something (file descriptors) run in this collection: after the
/// parallel tests and one at a time, so no other test is starved with them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialAttacks
{
    public const string Name = "Attacks that starve the process";
}
