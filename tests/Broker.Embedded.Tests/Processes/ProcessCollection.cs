namespace Broker.Embedded.Tests.Processes;

/// <summary>
/// The real-process tests run in this collection: one at a time and after the parallel tests, so their processes do
/// not compete with other tests (or each other) for the machine's cores, and their timings mean what they say.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessCollection
{
    public const string Name = "Real processes on one directory";
}
