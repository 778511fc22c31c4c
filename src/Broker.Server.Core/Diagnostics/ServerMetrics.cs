using System.Diagnostics.Metrics;
using Broker.Diagnostics;

namespace Broker.Server.Diagnostics;

/// <summary>
/// The server's instruments on the <c>Broker.Server</c> meter: connections open, accepted, refused and closed to make
/// room, slow consumers, failed authentications and Error frames by code. Each <see cref="Network.BrokerServer"/> owns
/// one and disposes it when it stops, so servers started by tests leave nothing behind.
/// </summary>
/// <remarks>
/// Everything here counts events that are rare next to requests (connections, failures), never a request that
/// succeeded, so the hot path pays nothing; an <c>Add</c> with no listener is one check. Tags take a bounded set of
/// values: <c>error.type</c> is one of <see cref="Protocol.ErrorCodes"/>.
/// </remarks>
internal sealed class ServerMetrics : IDisposable
{
    /// <summary>The tag that carries an error code, as OpenTelemetry's conventions name it.</summary>
    public const string ErrorTypeTag = "error.type";

    private static readonly string Version = typeof(ServerMetrics).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    private readonly Meter _meter = new(new MeterOptions(BrokerTelemetry.ServerMeterName) { Version = Version });
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _evicted;
    private readonly Counter<long> _slowConsumers;
    private readonly Counter<long> _authenticationFailures;
    private readonly Counter<long> _errors;

    /// <param name="connections">Reads how many connections are open; called only when a listener collects.</param>
    public ServerMetrics(Func<int> connections)
    {
        _meter.CreateObservableUpDownCounter("broker.server.connections", connections, "{connection}",
            "Connections open now, those not yet authenticated included.");
        _accepted = _meter.CreateCounter<long>("broker.server.connections.accepted", "{connection}",
            "Connections accepted and served.");
        _refused = _meter.CreateCounter<long>("broker.server.connections.refused", "{connection}",
            "Connections refused at --max-connections because every open connection was authenticated.");
        _evicted = _meter.CreateCounter<long>("broker.server.connections.evicted", "{connection}",
            "Connections not yet authenticated that were closed at --max-connections to make room for a new one.");
        _slowConsumers = _meter.CreateCounter<long>("broker.server.slow_consumers", "{connection}",
            "Connections closed because their socket accepted nothing for --write-timeout.");
        _authenticationFailures = _meter.CreateCounter<long>("broker.server.authentication.failures", "{attempt}",
            "Failed authentications by error.type: AuthenticationFailed (wrong credentials, throttled), Unauthenticated (none in time), TooManyConnections (password hashing busy).");
        _errors = _meter.CreateCounter<long>("broker.server.errors", "{error}",
            "Error frames sent to clients by error.type (the protocol's error code): requests refused and connections closed for a protocol error.");
        // Zero is a value too: a scraper sees these series from the start, so a rate over them never starts empty.
        foreach (var counter in new[] { _accepted, _refused, _evicted, _slowConsumers })
            counter.Add(0);
    }

    /// <summary>The meter (tests tell this server's instruments from other servers' by it).</summary>
    internal Meter Meter => _meter;

    public void Accepted() => _accepted.Add(1);

    public void Refused() => _refused.Add(1);

    public void Evicted() => _evicted.Add(1);

    public void SlowConsumer() => _slowConsumers.Add(1);

    public void AuthenticationFailed(string code) => _authenticationFailures.Add(1, new KeyValuePair<string, object?>(ErrorTypeTag, code));

    public void Error(string code)
    {
        if (_errors.Enabled)
            _errors.Add(1, new KeyValuePair<string, object?>(ErrorTypeTag, code));
    }

    /// <summary>Removes the instruments and their callbacks from every listener.</summary>
    public void Dispose() => _meter.Dispose();
}
