using System.Globalization;

namespace Broker.Nats.JetStream;

/// <summary>
/// What the connected nats-server can be trusted with, from its version. The adapter uses only what 2.9 supports (one
/// filter subject per consumer; no per-message TTL, schedules, priority groups, consumer pause or multi-filter
/// consumers), because 2.9 silently ignores the fields of those newer features instead of refusing them.
/// </summary>
internal sealed record ServerCapabilities(Version Version, bool JetStream)
{
    /// <summary>The oldest server the adapter runs on: NAK with a delay, extended consumer-create subjects and subject filters on stream info arrived by 2.9.</summary>
    public static readonly Version Minimum = new(2, 9, 0);

    /// <summary>From 2.10 the server can fsync every write (<c>sync_interval: always</c>); 2.9 fsyncs stream files every two minutes.</summary>
    public bool CanSyncAlways => Version >= new Version(2, 10, 0);

    /// <summary>Parses the version the server announces in its INFO (for example <c>2.9.10</c> or <c>2.10.7-beta</c>).</summary>
    public static Version ParseVersion(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return new Version(0, 0, 0);
        var core = text.Trim().TrimStart('v');
        var dash = core.IndexOfAny(['-', '+']);
        if (dash >= 0) core = core[..dash];
        var parts = core.Split('.');
        int Part(int i) => i < parts.Length && int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        return new Version(Part(0), Part(1), Part(2));
    }

    /// <summary>Refuses a server the adapter cannot run on correctly.</summary>
    /// <exception cref="NotSupportedException">The server is older than 2.9 or has JetStream disabled.</exception>
    public void EnsureSupported(string url)
    {
        if (Version < Minimum)
            throw new NotSupportedException(
                $"nats-server {Version} at {url} is too old: Broker's NATS adapter needs 2.9.0 or later (NAK with delay, consumer create with a filter subject, stream info with subject counts).");
        if (!JetStream)
            throw new NotSupportedException(
                $"nats-server {Version} at {url} runs without JetStream; start it with -js (or 'jetstream {{}}' in its configuration) so channels can be stored.");
    }
}
