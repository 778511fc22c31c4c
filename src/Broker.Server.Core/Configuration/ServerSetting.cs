namespace Broker.Server.Configuration;

/// <summary>
/// One setting of the server, under its three names: the command-line switch (<c>--max-message-bytes</c>), the
/// environment variable (<c>BROKER_MAX_MESSAGE_BYTES</c>) and the configuration key of a JSON file (<c>MaxMessageBytes</c>).
/// </summary>
internal sealed record ServerSetting(string Switch, string Key, string Help, string? Default = null, bool Secret = false)
{
    public string Environment => "BROKER_" + Switch.Replace('-', '_').ToUpperInvariant();

    public static readonly ServerSetting Data = new("data", "Data", "Data directory of the durable log (created if missing). Required.");
    public static readonly ServerSetting Durability = new("durability", "Durability", "When a write counts as stored: fsync (nothing acknowledged is lost, even on power loss) or buffered (survives a crash of the server, not of the machine).", "fsync");
    public static readonly ServerSetting SegmentBytes = new("segment-bytes", "SegmentBytes", "Size of a log segment file; a fresh data directory takes two at once (the first and a spare, zero-filled).", "64MiB");
    public static readonly ServerSetting AcceptDataLoss = new("accept-data-loss", "AcceptDataLoss", "true: start although a log segment is missing, cut short or damaged (the loss is logged at error level, damaged files are moved aside, ids are never reused) instead of refusing to start.", "false");
    public static readonly ServerSetting Listen = new("listen", "Listen", "Address and port to listen on: an IP address or localhost. Without credentials only a loopback address is allowed.", "127.0.0.1:8811");
    public static readonly ServerSetting Token = new("token", "Token", "Require clients to authenticate with this token.", Secret: true);
    public static readonly ServerSetting User = new("user", "User", "Require clients to authenticate as this user (with --password or --password-hash).");
    public static readonly ServerSetting Password = new("password", "Password", "The password of --user.", Secret: true);
    public static readonly ServerSetting PasswordHash = new("password-hash", "PasswordHash", "The password of --user as a hash from 'broker-server hash-password'.", Secret: true);
    public static readonly ServerSetting TlsCertificate = new("tls-certificate", "TlsCertificate", "Serve TLS with this certificate: a .pfx/.p12 file, or a PEM file with --tls-key.");
    public static readonly ServerSetting TlsKey = new("tls-key", "TlsKey", "The PEM private key of a PEM --tls-certificate.");
    public static readonly ServerSetting TlsPassword = new("tls-password", "TlsPassword", "The password of the .pfx file or of an encrypted PEM key.", Secret: true);
    public static readonly ServerSetting MaxMessageBytes = new("max-message-bytes", "MaxMessageBytes", "Largest message payload accepted; at most 255 MiB (a message is one log record, at most 256 MiB).", "1MiB");
    public static readonly ServerSetting MaxFrameBytes = new("max-frame-bytes", "MaxFrameBytes", "Largest frame accepted (checked before reading it); at least the message limit plus 20 KiB (room for 16 KiB of headers), at most 1 GiB.", "message limit + 64KiB");
    public static readonly ServerSetting MaxConnections = new("max-connections", "MaxConnections", "Connections served at once. At the limit the oldest connection not yet authenticated is closed to make room; only when all are authenticated is a new one refused.", "1024");
    public static readonly ServerSetting MaxChannels = new("max-channels", "MaxChannels", "Channels held at once (a channel counts while it holds a message, a dead letter, a dedup key or a subscription); a produce, subscribe or declaration of one more is refused.", "10000, fewer with segments under 12 MiB");
    public static readonly ServerSetting MaxOutboundBytes = new("max-outbound-bytes", "MaxOutboundBytes", "Per connection: replies and deliveries queued for the socket; deliveries and dead-letter pages wait for room in it.", "8MiB");
    public static readonly ServerSetting MaxInFlightBytes = new("max-in-flight-bytes", "MaxInFlightBytes", "Per connection: payload bytes of requests being stored before the server stops reading from it.", "16MiB");
    public static readonly ServerSetting MaxInFlightRequests = new("max-in-flight-requests", "MaxInFlightRequests", "Per connection: requests being processed before the server stops reading from it.", "4096");
    public static readonly ServerSetting MaxSubscriptions = new("max-subscriptions", "MaxSubscriptions", "Per connection: subscriptions open at once.", "256");
    public static readonly ServerSetting MaxParallel = new("max-parallel", "MaxParallel", "Largest credit (maxParallel) one subscription may ask for.", "10000");
    public static readonly ServerSetting MaxUnsettled = new("max-unsettled", "MaxUnsettled", "Per connection: unsettled deliveries its subscriptions may hold together (the sum of the credit they ask for); a subscribe past it is refused.", "65536");
    public static readonly ServerSetting WriteTimeout = new("write-timeout", "WriteTimeout", "A connection whose socket accepts nothing for this long is closed as a slow consumer.", "10s");
    public static readonly ServerSetting AuthTimeout = new("auth-timeout", "AuthTimeout", "Time a new connection has to authenticate (without credentials: to send its first request), TLS handshake included; then it is closed.", "5s");
    public static readonly ServerSetting SessionRetention = new("session-retention", "SessionRetention", "How long a disconnected producer's session (the outcomes of its recent produces) is kept for its reconnect.", "2m");
    public static readonly ServerSetting DeepkitLease = new("deepkit-lease", "DeepkitLease", "Lease of deliveries to Deepkit clients, which cannot renew one.", "5m");
    public static readonly ServerSetting Metrics = new("metrics", "Metrics", "Serve Prometheus metrics over HTTP, GET /metrics, on this IP address and port (such as 127.0.0.1:9464), or off (so is an empty or blank value). No authentication: bind it to loopback or a private interface.", "off");
    public static readonly ServerSetting Http = new("http", "Http", "Serve the web dashboard over HTTP on this IP address and port (such as 127.0.0.1:8812), or off (so is an empty or blank value). It asks for the server's credentials when they are set (HTTP Basic) and can re-drive and delete dead letters: bind it to loopback.", "off");
    public static readonly ServerSetting ShutdownTimeout = new("shutdown-timeout", "ShutdownTimeout", "On SIGTERM or Ctrl+C: how long requests in flight may take to finish.", "15s");
    public static readonly ServerSetting Config = new("config", "Config", "A JSON file with any of these settings by their key (command line and environment win).");

    /// <summary>The settings that turn authentication on: none of them may be given empty, from any source.</summary>
    public static readonly IReadOnlyList<ServerSetting> Credentials = [Token, User, Password, PasswordHash];

    public static readonly IReadOnlyList<ServerSetting> All =
    [
        Data, Durability, SegmentBytes, AcceptDataLoss, Listen, Token, User, Password, PasswordHash, TlsCertificate, TlsKey, TlsPassword, MaxMessageBytes, MaxFrameBytes, MaxConnections, MaxChannels,
        MaxOutboundBytes, MaxInFlightBytes, MaxInFlightRequests, MaxSubscriptions, MaxParallel, MaxUnsettled, WriteTimeout, AuthTimeout, SessionRetention,
        DeepkitLease, Metrics, Http, ShutdownTimeout, Config,
    ];
}
