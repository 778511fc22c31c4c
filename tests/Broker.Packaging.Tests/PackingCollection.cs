namespace Broker.Packaging.Tests;

/// <summary>
/// The test classes that pack projects of this repository: one at a time, because their Release builds share the same
/// obj and bin folders (Broker and the generator are built by both).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PackingCollection
{
    public const string Name = "Packing";
}
