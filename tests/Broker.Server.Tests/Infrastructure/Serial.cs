namespace Broker.Server.Tests.Infrastructure;

/// <summary>
/// Tests that measure the process (managed memory, round-trip latency) or hold thousands of sockets run in this
/// collection: after the parallel tests and one at a time, so other tests neither disturb their figures nor compete
/// for file descriptors.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class Serial
{
    public const string Name = "Serial (measures the process)";
}
