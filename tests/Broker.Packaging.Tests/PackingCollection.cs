namespace Broker.Packaging.Tests;

/// <summary>
/// Every packaging test class: they share one pack of the repository (<see cref="PackedRepository"/>), and run one at a
/// time because the applications they build restore and build in folders of that one pack.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class PackingCollection : ICollectionFixture<PackedRepository>
{
    public const string Name = "Packing";
}
