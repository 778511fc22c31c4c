using System.Collections.ObjectModel;

namespace Broker.Transport;

/// <summary>
/// What <see cref="IQueueTransport.CheckHealthAsync"/> found: a status, a sentence that names what is wrong and what to
/// do about it, the failure behind it if there is one, and facts an operator wants beside it (the data directory, the
/// server's address and name). <c>services.AddHealthChecks().AddBroker()</c> (Broker.Hosting) turns it into a health
/// check result.
/// </summary>
public sealed class TransportHealth
{
    private static readonly IReadOnlyDictionary<string, object> NoData = ReadOnlyDictionary<string, object>.Empty;

    private TransportHealth(TransportHealthStatus status, string description, Exception? exception, IReadOnlyDictionary<string, object>? data)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        Status = status;
        Description = description;
        Exception = exception;
        // A copy: the result is a snapshot, whatever the adapter does with its dictionary afterwards.
        Data = data is null || data.Count == 0 ? NoData : new ReadOnlyDictionary<string, object>(new Dictionary<string, object>(data, StringComparer.Ordinal));
    }

    /// <summary>The status.</summary>
    public TransportHealthStatus Status { get; }

    /// <summary>What the check found; when not healthy, what is wrong and what to do about it.</summary>
    public string Description { get; }

    /// <summary>The failure behind an unhealthy or degraded status, if there is one.</summary>
    public Exception? Exception { get; }

    /// <summary>Facts about the adapter (keys such as <c>directory</c>, <c>address</c>, <c>server</c>); empty when none.</summary>
    public IReadOnlyDictionary<string, object> Data { get; }

    /// <summary>The adapter can produce and deliver.</summary>
    /// <param name="description">What was checked.</param>
    /// <param name="data">Facts about the adapter; null for none.</param>
    /// <returns>The result.</returns>
    public static TransportHealth Healthy(string description, IReadOnlyDictionary<string, object>? data = null) =>
        new(TransportHealthStatus.Healthy, description, null, data);

    /// <summary>Messages still flow, but something needs attention.</summary>
    /// <param name="description">What needs attention and what to do.</param>
    /// <param name="exception">The failure behind it, if any.</param>
    /// <param name="data">Facts about the adapter; null for none.</param>
    /// <returns>The result.</returns>
    public static TransportHealth Degraded(string description, Exception? exception = null, IReadOnlyDictionary<string, object>? data = null) =>
        new(TransportHealthStatus.Degraded, description, exception, data);

    /// <summary>Produces or deliveries fail now.</summary>
    /// <param name="description">What is wrong and what to do.</param>
    /// <param name="exception">The failure behind it, if any.</param>
    /// <param name="data">Facts about the adapter; null for none.</param>
    /// <returns>The result.</returns>
    public static TransportHealth Unhealthy(string description, Exception? exception = null, IReadOnlyDictionary<string, object>? data = null) =>
        new(TransportHealthStatus.Unhealthy, description, exception, data);

    /// <inheritdoc />
    public override string ToString() => $"{Status}: {Description}";
}
