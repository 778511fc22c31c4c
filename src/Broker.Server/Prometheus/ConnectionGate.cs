using System.Net;

namespace Broker.Server.Prometheus;

/// <summary>
/// The metrics endpoint's connection slots: a few in all, and fewer for one source (an IPv4 address, an IPv6 /64, see
/// <see cref="Security.ClientAddress.SourceOf(IPAddress)"/>), so one source cannot take them all and keep a scraper at
/// another address out. A connection that finds no slot waits for one, a while, in a bounded line, instead of being
/// closed at once: a client that reconnects the moment it is refused would otherwise make the server accept and close
/// thousands of connections a second (6,500 in the test), which costs more than serving it.
/// </summary>
/// <remarks>
/// Thread-safe. The table holds only sources with a connection open, so it is as small as the number of slots. Slots are
/// handed to waiting connections in the order they came, skipping those whose source is still full.
/// </remarks>
/// <param name="maxConnections">Connections served at once.</param>
/// <param name="maxPerSource">Connections served at once from one source.</param>
/// <param name="maxWaiting">Connections waiting for a slot at once; further ones are refused at once.</param>
/// <param name="time">The clock of the wait (tests give a fake one).</param>
internal sealed class ConnectionGate(int maxConnections, int maxPerSource, int maxWaiting, TimeProvider? time = null)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, int> _bySource = [];
    private readonly LinkedList<Waiter> _waiting = [];
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private int _open;

    /// <summary>Connections served at once.</summary>
    public int MaxConnections => maxConnections;

    /// <summary>Connections served at once from one source address.</summary>
    public int MaxPerSource => maxPerSource;

    /// <summary>
    /// Reports the slots on <paramref name="meter"/> as <c>{name}.connections</c> (held) and <c>{name}.waiting</c>, so
    /// an operator (and a test) sees them taken without guessing.
    /// </summary>
    /// <param name="meter">The endpoint's meter.</param>
    /// <param name="name">The instruments' prefix, such as <c>broker.server.dashboard</c>.</param>
    /// <param name="endpoint">How descriptions name the endpoint, such as <c>the --http dashboard</c>.</param>
    public void Report(System.Diagnostics.Metrics.Meter meter, string name, string endpoint)
    {
        meter.CreateObservableUpDownCounter(name + ".connections", () => Open, "{connection}",
            $"Connections to {endpoint} holding one of its {maxConnections} slots.");
        meter.CreateObservableUpDownCounter(name + ".waiting", () => Waiting, "{connection}",
            $"Connections to {endpoint} waiting for a slot (at most {maxWaiting}).");
    }

    /// <summary>Why a connection was refused.</summary>
    public enum Refusal
    {
        /// <summary>Not refused.</summary>
        None,

        /// <summary>Every slot was taken for as long as it waited, or too many were waiting already.</summary>
        Full,

        /// <summary>Its source held as many as one source may for as long as it waited.</summary>
        SourceFull,
    }

    /// <summary>Connections served now.</summary>
    public int Open
    {
        get
        {
            lock (_gate)
                return _open;
        }
    }

    /// <summary>Connections waiting for a slot now.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
                return _waiting.Count;
        }
    }

    /// <summary>Takes a slot for a connection from <paramref name="source"/>, waiting up to <paramref name="wait"/> for one.</summary>
    /// <returns><see cref="Refusal.None"/> when it got one: the caller then calls <see cref="Exit"/> when it closes.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled while waiting.</exception>
    public async ValueTask<Refusal> EnterAsync(IPAddress source, TimeSpan wait, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_gate)
        {
            // No waiter could take a slot now (each Exit hands them out at once), so one with room takes it.
            if (HasRoom(source))
            {
                Take(source);
                return Refusal.None;
            }
            if (_waiting.Count >= maxWaiting || wait <= TimeSpan.Zero)
                return Why(source);
            waiter = new Waiter(source);
            waiter.Node = _waiting.AddLast(waiter);
        }
        try
        {
            await waiter.Admitted.Task.WaitAsync(wait, _time, cancellationToken).ConfigureAwait(false);
            return Refusal.None;
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            lock (_gate)
            {
                if (!waiter.Admitted.Task.IsCompleted)
                {
                    _waiting.Remove(waiter.Node!);
                    if (ex is OperationCanceledException)
                        throw;
                    return Why(source);
                }
            }
            // Admitted just as the wait ended: the slot is taken; give it back only if the connection is going away.
            if (ex is OperationCanceledException)
            {
                Exit(source);
                throw;
            }
            return Refusal.None;
        }
    }

    /// <summary>Gives back the slot a connection from <paramref name="source"/> took, to the first waiter that may have it.</summary>
    public void Exit(IPAddress source)
    {
        lock (_gate)
            ExitLocked(source);
    }

    private void ExitLocked(IPAddress source)
    {
        _open--;
        var left = _bySource[source] - 1;
        if (left == 0)
            _bySource.Remove(source);
        else
            _bySource[source] = left;
        for (var node = _waiting.First; node is not null && _open < maxConnections;)
        {
            var next = node.Next;
            if (HasRoom(node.Value.Source))
            {
                _waiting.Remove(node);
                Take(node.Value.Source);
                node.Value.Admitted.TrySetResult();
            }
            node = next;
        }
    }

    private bool HasRoom(IPAddress source) => _open < maxConnections && _bySource.GetValueOrDefault(source) < maxPerSource;

    private void Take(IPAddress source)
    {
        _bySource[source] = _bySource.GetValueOrDefault(source) + 1;
        _open++;
    }

    private Refusal Why(IPAddress source) => _bySource.GetValueOrDefault(source) >= maxPerSource ? Refusal.SourceFull : Refusal.Full;

    private sealed class Waiter(IPAddress source)
    {
        public IPAddress Source { get; } = source;

        // Completed under the gate's lock: continuations run elsewhere, not inside it.
        public TaskCompletionSource Admitted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }
    }
}
