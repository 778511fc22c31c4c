namespace Broker.Engine.Tests.Support;

/// <summary>
/// Tests that measure the process's managed memory run in this collection: one at a time, after the parallel tests, so
/// the objects other tests hold meanwhile do not count in their figures.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Serial
{
    public const string Name = "Serial (measures the process)";
}
