using Broker.Server.Configuration;

namespace Broker.Server.Tests.Infrastructure;

internal static class ServerOptionsExtensions
{
    /// <summary>A copy with credentials and limits changed (init-only properties cannot be set after construction).</summary>
    public static BrokerServerOptions With(
        this BrokerServerOptions o,
        string? token = null,
        string? user = null,
        string? password = null,
        string? passwordHash = null,
        int? maxMessageBytes = null,
        int? maxFrameBytes = null,
        int? maxConnections = null,
        long? maxOutboundBytes = null,
        long? maxInFlightBytes = null,
        TimeSpan? writeTimeout = null,
        TimeSpan? authTimeout = null,
        ListenEndpoint? listen = null,
        string? dataDirectory = null) => new()
        {
            DataDirectory = dataDirectory ?? o.DataDirectory,
            Durability = o.Durability,
            QuarantineCorruptSegments = o.QuarantineCorruptSegments,
            SegmentBytes = o.SegmentBytes,
            Listen = listen ?? o.Listen,
            Token = token ?? o.Token,
            User = user ?? o.User,
            Password = password ?? o.Password,
            PasswordHash = passwordHash ?? o.PasswordHash,
            TlsCertificate = o.TlsCertificate,
            TlsKey = o.TlsKey,
            TlsPassword = o.TlsPassword,
            MaxMessageBytes = maxMessageBytes ?? o.MaxMessageBytes,
            MaxFrameBytes = maxFrameBytes ?? o.MaxFrameBytes,
            MaxConnections = maxConnections ?? o.MaxConnections,
            MaxOutboundBytes = maxOutboundBytes ?? o.MaxOutboundBytes,
            MaxInFlightBytes = maxInFlightBytes ?? o.MaxInFlightBytes,
            MaxInFlightRequests = o.MaxInFlightRequests,
            MaxSubscriptions = o.MaxSubscriptions,
            MaxParallel = o.MaxParallel,
            WriteTimeout = writeTimeout ?? o.WriteTimeout,
            AuthTimeout = authTimeout ?? o.AuthTimeout,
            SessionRetention = o.SessionRetention,
            DeepkitLease = o.DeepkitLease,
            ShutdownTimeout = o.ShutdownTimeout,
            DeepkitFirstPushDelay = o.DeepkitFirstPushDelay,
        };
}
