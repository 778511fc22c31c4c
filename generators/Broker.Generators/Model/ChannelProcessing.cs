namespace Broker.Generators.Model;

/// <summary>
/// The generator's mirror of <c>Broker.QueueMessageProcessing</c> (same names, same values): the generator targets
/// netstandard2.0 and cannot reference the runtime, and an enum rather than an int keeps <see cref="ChannelModel"/>
/// equatable by value for incremental caching while saying what the number means.
/// </summary>
internal enum ChannelProcessing
{
    /// <summary>Deduplicated within the channel's window.</summary>
    ExactlyOnce = 0,

    /// <summary>No deduplication; the default.</summary>
    AtLeastOnce = 1,
}
