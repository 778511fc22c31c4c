namespace Broker.Benchmarks.Throughput.Peers;

/// <summary>
/// One side of the head-to-head comparison (<see cref="PeerRuns"/>): a broker, or a layer of ours over one, that runs a
/// round of the shared workload. A round produces <c>messages</c> messages with <see cref="PeerRuns.InFlight"/>
/// producers each awaiting its acknowledgement, then consumes that backlog with as many acknowledgements in flight,
/// on a queue, subject or channel of the round's own, and reports both rates.
/// </summary>
internal interface IPeer : IAsyncDisposable
{
    /// <summary>The row label: what runs, and what its acknowledgement means (e.g. "server (UseServer, loopback TCP)").</summary>
    string Name { get; }

    /// <summary>
    /// The share of the common message count this side runs per round. 1 for most; a side several times slower runs
    /// fewer, so one round takes a similar time (rates stay comparable: each round is long enough to be steady).
    /// </summary>
    double Scale => 1;

    /// <summary>Runs one round: produce <paramref name="messages"/> messages of <paramref name="workload"/>, then consume them.</summary>
    Task<PeerRound> RoundAsync(PeerWorkload workload, int messages);
}

/// <summary>
/// One round's rates, in messages per second, and what each message cost in CPU time: this process's (the client's)
/// plus the serving process's where the side can read it (0 where it cannot), in microseconds. On two shared cores a
/// side whose CPU per message times its rate nears two cores' worth is bound by CPU, not by waiting.
/// </summary>
internal readonly record struct PeerRound(double Produce, double Consume, double ProduceCpu = 0, double ConsumeCpu = 0);
