using System.Collections.Concurrent;

namespace Broker.Server.Sessions;

/// <summary>
/// The server's producer sessions by id. A session outlives its connection for the retention period, so a client that
/// reconnects finds the outcomes of the produces it had in flight. Sessions live in memory only: after a restart every
/// session is new, and clients learn so from Welcome (<c>r: false</c>).
/// </summary>
internal sealed class ProducerSessions(int maxDetached)
{
    private readonly ConcurrentDictionary<UInt128, ProducerSession> _sessions = new();

    public int Count => _sessions.Count;

    /// <summary>Opens or resumes a session for a connection.</summary>
    /// <param name="id">The client's session id.</param>
    /// <param name="owner">The connection.</param>
    /// <param name="resumed">True when the server already knew the session.</param>
    /// <param name="replaced">The connection that spoke for the session until now, to be closed.</param>
    public ProducerSession Open(UInt128 id, object owner, out bool resumed, out object? replaced)
    {
        resumed = _sessions.TryGetValue(id, out var session);
        if (session is null)
        {
            var created = new ProducerSession(id);
            session = _sessions.GetOrAdd(id, created);
            resumed = !ReferenceEquals(session, created);
        }
        replaced = session.Attach(owner);
        return session;
    }

    /// <summary>Drops sessions whose client has been gone longer than the retention, and all detached ones beyond the cap.</summary>
    public void Sweep(long nowMs, TimeSpan retention)
    {
        var cutoff = nowMs - (long)retention.TotalMilliseconds;
        var detached = 0;
        foreach (var (id, session) in _sessions)
        {
            if (session.IsDetachedSince(cutoff))
                _sessions.TryRemove(new KeyValuePair<UInt128, ProducerSession>(id, session));
            else if (session.IsDetachedSince(nowMs) && ++detached > maxDetached)
                _sessions.TryRemove(new KeyValuePair<UInt128, ProducerSession>(id, session));
        }
    }
}
