using System.Globalization;
using Broker.Engine.Storage.Log;
using Microsoft.Extensions.Configuration;

namespace Broker.Server.Configuration;

/// <summary>Everything the server is configured with. See <see cref="ServerSetting"/> for names, defaults and meaning.</summary>
internal sealed record BrokerServerOptions
{
    public const int DefaultMaxMessageBytes = 1024 * 1024;

    /// <summary>
    /// The largest <c>--max-message-bytes</c>, 255 MiB: a message is stored as one log record, and the log reads back no
    /// record over <see cref="LogQueueStore.MaxRecordBytes"/> (256 MiB). The MiB left over is for the record's own
    /// fields and, once compaction carries a failed message, its last error (up to 16 K characters, 48 KiB in UTF-8).
    /// </summary>
    public const int LargestMessageBytes = LogQueueStore.MaxRecordBytes - 1024 * 1024;

    /// <summary>
    /// The largest <c>--max-frame-bytes</c>, 1 GiB: a frame is read into one array, so its limit must stay well within
    /// what an array holds (an int), and no frame of a message within <see cref="LargestMessageBytes"/> comes near it.
    /// </summary>
    public const int LargestFrameBytes = 1024 * 1024 * 1024;

    /// <summary>The frame limit when none is given: room for a message of the largest size and its frame's fields.</summary>
    internal const int FrameAllowance = 64 * 1024;

    /// <summary>
    /// The least room a frame must leave beside the largest message: its header's fields and the message's headers at
    /// their largest (<see cref="Transport.HeaderCodec.MaxBytes"/>), so a full-size message with full headers fits.
    /// </summary>
    private const int MinFrameAllowance = 4096 + Transport.HeaderCodec.MaxBytes;

    public required string DataDirectory { get; init; }

    public DurabilityMode Durability { get; init; } = DurabilityMode.Fsync;

    public bool AcceptDataLoss { get; init; }

    public long SegmentBytes { get; init; } = LogStoreOptions.DefaultSegmentBytes;

    public ListenEndpoint Listen { get; init; } = ListenEndpoint.Parse("127.0.0.1:8811");

    /// <summary>
    /// A Unix domain socket to listen on instead of <see cref="Listen"/>: the shared embedded broker's endpoint in its data
    /// directory, where the socket file's permissions are the access control. Not a command-line setting.
    /// </summary>
    public string? UnixSocket { get; init; }

    /// <summary>
    /// The <see cref="UnixSocket"/> file's permissions, set between bind and listen: until listen a connection is refused,
    /// so nobody ever reaches the socket under the process's umask instead. Null keeps the umask's.
    /// </summary>
    public UnixFileMode? UnixSocketMode { get; init; }

    public string? Token { get; init; }

    public string? User { get; init; }

    public string? Password { get; init; }

    public string? PasswordHash { get; init; }

    public string? TlsCertificate { get; init; }

    public string? TlsKey { get; init; }

    public string? TlsPassword { get; init; }

    public int MaxMessageBytes { get; init; } = DefaultMaxMessageBytes;

    public int MaxFrameBytes { get; init; } = DefaultMaxMessageBytes + FrameAllowance;

    public int MaxConnections { get; init; } = 1024;

    /// <summary>The channel limit given; null for the default, which <see cref="EffectiveMaxChannels"/> works out.</summary>
    public int? MaxChannels { get; init; }

    /// <summary>
    /// The channels the server holds at once: <see cref="MaxChannels"/>, or by default 10,000, fewer with small segments so
    /// the channel header that starts every segment (about <see cref="HeaderBytesPerChannel"/> bytes a channel at most)
    /// takes no more than a quarter of a segment.
    /// </summary>
    public int EffectiveMaxChannels => MaxChannels ?? (int)Math.Clamp(SegmentBytes / (4 * HeaderBytesPerChannel), 1, DefaultMaxChannels);

    public const int DefaultMaxChannels = 10_000;

    /// <summary>
    /// The most a channel adds to a segment's header: its ChannelDefined record (frame, number, last id, a 128-character
    /// name) and its ChannelPolicy record (frame, process, dedup window, attempts, retry delay, the name again).
    /// </summary>
    public const int HeaderBytesPerChannel = (9 + 4 + 8 + 128) + (9 + 1 + 8 + 4 + 8 + 128);

    public long MaxOutboundBytes { get; init; } = 8 * 1024 * 1024;

    public long MaxInFlightBytes { get; init; } = 16 * 1024 * 1024;

    public int MaxInFlightRequests { get; init; } = 4096;

    public int MaxSubscriptions { get; init; } = 256;

    public int MaxParallel { get; init; } = 10_000;

    /// <summary>
    /// The sum of the credit a connection's subscriptions may ask for: every granted delivery costs lease bookkeeping (a
    /// few hundred bytes) until it is settled, so this bounds that memory per connection.
    /// </summary>
    public int MaxUnsettled { get; init; } = DefaultMaxUnsettled;

    public const int DefaultMaxUnsettled = 65_536;

    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan AuthTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan SessionRetention { get; init; } = TimeSpan.FromMinutes(2);

    public TimeSpan DeepkitLease { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Where <c>GET /metrics</c> is served (Prometheus text format); null, the default, serves none.</summary>
    public ListenEndpoint? Metrics { get; init; }

    /// <summary>The port of <c>--metrics</c> when it names only an address: the one Prometheus exporters usually take.</summary>
    public const int DefaultMetricsPort = 9464;

    /// <summary>Where the web dashboard is served (<c>--http</c>); null, the default, serves none.</summary>
    public ListenEndpoint? Http { get; init; }

    /// <summary>The port of <c>--http</c> when it names only an address.</summary>
    public const int DefaultHttpPort = 8812;

    /// <summary>How long a new Deepkit subscription waits before its first push (its client drops a push read together with the subscribe Ack).</summary>
    public TimeSpan DeepkitFirstPushDelay { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Failed authentications a source address may make at once before it is throttled.</summary>
    public int AuthFailureBurst { get; init; } = 10;

    /// <summary>How often a throttled source address earns one more attempt.</summary>
    public TimeSpan AuthFailureRefill { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Password-hash (PBKDF2) verifications running at once.</summary>
    public int PasswordHashConcurrency { get; init; } = Security.PasswordHashLimiter.DefaultConcurrency;

    /// <summary>
    /// Password-hash verifications waiting for a slot, at most one per source address; more are refused at once as
    /// "busy". Null (the default): <see cref="MaxConnections"/>, which bounds them anyway (a connection has one
    /// Authenticate in progress at most). A smaller line would let guesses from that many addresses keep it full and
    /// refuse every new client.
    /// </summary>
    public int? PasswordHashQueue { get; init; }

    public bool RequiresAuthentication => Token is not null || User is not null;

    /// <summary>Reads the settings from configuration keys (command line, environment and file already merged).</summary>
    /// <exception cref="FormatException">A value cannot be parsed; the message names the setting.</exception>
    public static BrokerServerOptions Load(IConfiguration configuration)
    {
        string? Get(ServerSetting setting) => configuration[setting.Key] is { Length: > 0 } value ? value : null;

        // An empty token must not quietly mean "no authentication": a credential given at all must have a value.
        string? Credential(ServerSetting setting) => configuration[setting.Key] switch
        {
            null => null,
            var value when string.IsNullOrWhiteSpace(value) => throw new FormatException(EmptyCredential(setting)),
            var value => value,
        };

        var data = Get(ServerSetting.Data) ?? throw new FormatException("--data is required: the directory where the server keeps its durable log.");
        // Read as long and checked before they become ints, so 2GiB cannot wrap around into a negative frame limit.
        var maxMessage = Bytes(Get(ServerSetting.MaxMessageBytes), ServerSetting.MaxMessageBytes, (long)DefaultMaxMessageBytes);
        if (MessageLimitProblem(maxMessage) is { } messageProblem)
            throw new FormatException(messageProblem);
        var maxFrame = Bytes(Get(ServerSetting.MaxFrameBytes), ServerSetting.MaxFrameBytes, maxMessage + FrameAllowance);
        if (FrameLimitProblem(maxFrame) is { } frameProblem)
            throw new FormatException(frameProblem);
        return new BrokerServerOptions
        {
            DataDirectory = Path.GetFullPath(data),
            Durability = Get(ServerSetting.Durability) is { } durability ? ParseDurability(durability) : DurabilityMode.Fsync,
            SegmentBytes = Bytes(Get(ServerSetting.SegmentBytes), ServerSetting.SegmentBytes, LogStoreOptions.DefaultSegmentBytes),
            AcceptDataLoss = Get(ServerSetting.AcceptDataLoss) is { } accept && ParseFlag(accept, ServerSetting.AcceptDataLoss),
            Listen = Get(ServerSetting.Listen) is { } listen ? ListenEndpoint.Parse(listen) : ListenEndpoint.Parse("127.0.0.1:8811"),
            Token = Credential(ServerSetting.Token),
            User = Credential(ServerSetting.User),
            Password = Credential(ServerSetting.Password),
            PasswordHash = Credential(ServerSetting.PasswordHash),
            TlsCertificate = Get(ServerSetting.TlsCertificate),
            TlsKey = Get(ServerSetting.TlsKey),
            TlsPassword = Get(ServerSetting.TlsPassword),
            MaxMessageBytes = (int)maxMessage,
            MaxFrameBytes = (int)maxFrame,
            MaxConnections = Count(Get(ServerSetting.MaxConnections), ServerSetting.MaxConnections, 1024),
            MaxChannels = Get(ServerSetting.MaxChannels) is { } maxChannels ? Count(maxChannels, ServerSetting.MaxChannels, 0) : null,
            MaxOutboundBytes = Bytes(Get(ServerSetting.MaxOutboundBytes), ServerSetting.MaxOutboundBytes, 8 * 1024 * 1024),
            MaxInFlightBytes = Bytes(Get(ServerSetting.MaxInFlightBytes), ServerSetting.MaxInFlightBytes, 16 * 1024 * 1024),
            MaxInFlightRequests = Count(Get(ServerSetting.MaxInFlightRequests), ServerSetting.MaxInFlightRequests, 4096),
            MaxSubscriptions = Count(Get(ServerSetting.MaxSubscriptions), ServerSetting.MaxSubscriptions, 256),
            MaxParallel = Count(Get(ServerSetting.MaxParallel), ServerSetting.MaxParallel, 10_000),
            MaxUnsettled = Count(Get(ServerSetting.MaxUnsettled), ServerSetting.MaxUnsettled, DefaultMaxUnsettled),
            WriteTimeout = Duration(Get(ServerSetting.WriteTimeout), ServerSetting.WriteTimeout, TimeSpan.FromSeconds(10)),
            AuthTimeout = Duration(Get(ServerSetting.AuthTimeout), ServerSetting.AuthTimeout, TimeSpan.FromSeconds(5)),
            SessionRetention = Duration(Get(ServerSetting.SessionRetention), ServerSetting.SessionRetention, TimeSpan.FromMinutes(2)),
            DeepkitLease = Duration(Get(ServerSetting.DeepkitLease), ServerSetting.DeepkitLease, TimeSpan.FromMinutes(5)),
            ShutdownTimeout = Duration(Get(ServerSetting.ShutdownTimeout), ServerSetting.ShutdownTimeout, TimeSpan.FromSeconds(15)),
            Metrics = Get(ServerSetting.Metrics) is { } metrics ? ParseMetrics(metrics) : null,
            Http = Get(ServerSetting.Http) is { } http ? ParseOptionalEndpoint(http, ServerSetting.Http, DefaultHttpPort) : null,
        };
    }

    /// <summary>Checks the combination of settings.</summary>
    /// <returns>Why the server must not start, or null.</returns>
    public string? Validate()
    {
        foreach (var (setting, value) in new[] { (ServerSetting.Token, Token), (ServerSetting.User, User), (ServerSetting.Password, Password), (ServerSetting.PasswordHash, PasswordHash) })
        {
            if (value is not null && string.IsNullOrWhiteSpace(value))
                return EmptyCredential(setting);
        }
        if (!Listen.IsLoopback && !RequiresAuthentication)
            return $"Refusing to listen on {Listen}: without credentials the server listens on a loopback address only (127.0.0.1 or [::1]). Set --token, or --user with --password, to accept other machines.";
        if (Token is not null && User is not null)
            return "Set either --token or --user, not both.";
        if (User is not null && (Password is null) == (PasswordHash is null))
            return "--user needs exactly one of --password and --password-hash.";
        if (User is null && (Password is not null || PasswordHash is not null))
            return "--password and --password-hash need --user.";
        if (TlsKey is not null && TlsCertificate is null)
            return "--tls-key needs --tls-certificate.";
        if (SegmentBytes is < 64 * 1024 or > int.MaxValue)
            return "--segment-bytes must be between 64 KiB and 2 GiB.";
        if (MaxMessageBytes < 16)
            return "--max-message-bytes must be at least 16.";
        if ((MessageLimitProblem(MaxMessageBytes) ?? FrameLimitProblem(MaxFrameBytes)) is { } limit)
            return limit;
        if (MaxFrameBytes < (long)MaxMessageBytes + MinFrameAllowance)
            return $"--max-frame-bytes ({MaxFrameBytes}) must be at least the message limit plus 20 KiB ({(long)MaxMessageBytes + MinFrameAllowance}), so a message of the largest size with 16 KiB of headers fits in a frame.";
        if (MaxConnections < 1 || MaxInFlightRequests < 1 || MaxSubscriptions < 1 || MaxParallel < 1)
            return "Connection, request, subscription and parallelism limits must be at least 1.";
        if (MaxUnsettled < MaxParallel)
            return $"--max-unsettled ({MaxUnsettled}) must be at least --max-parallel ({MaxParallel}), so a subscription with the largest credit can be opened.";
        if (MaxChannels is < 1)
            return "--max-channels must be at least 1.";
        if (MaxChannels is { } channels && (long)channels * 4 * HeaderBytesPerChannel > SegmentBytes)
            return $"--max-channels {channels} needs --segment-bytes of at least {(long)channels * 4 * HeaderBytesPerChannel} bytes: every segment starts with a record per channel (up to {HeaderBytesPerChannel} bytes each), which must fit in a quarter of a segment. Lower --max-channels or raise --segment-bytes.";
        if (MaxOutboundBytes < MaxFrameBytes || MaxInFlightBytes < MaxFrameBytes)
            return "--max-outbound-bytes and --max-in-flight-bytes must be at least --max-frame-bytes.";
        if (AuthFailureBurst < 1 || AuthFailureRefill <= TimeSpan.Zero || PasswordHashConcurrency < 1 || PasswordHashQueue is < 0)
            return "The authentication throttle needs a burst of at least 1 and a positive refill; password hashing at least one slot.";
        if (WriteTimeout <= TimeSpan.Zero || AuthTimeout <= TimeSpan.Zero || SessionRetention <= TimeSpan.Zero || DeepkitLease <= TimeSpan.Zero || ShutdownTimeout <= TimeSpan.Zero)
            return "Durations must be positive.";
        if (Metrics is { } served && SharesListenPort(served))
            return $"--{ServerSetting.Metrics.Switch} ({served}) must not take the port of --{ServerSetting.Listen.Switch} ({Listen}): give the metrics endpoint a port of its own, such as {DefaultMetricsPort}.";
        if (Http is { } dashboard && HttpProblem(dashboard) is { } httpProblem)
            return httpProblem;
        if (DeepkitLease < Transport.SubscriptionLimits.MinLease || DeepkitLease > Transport.SubscriptionLimits.MaxLease)
            return $"--deepkit-lease must be between {Transport.SubscriptionLimits.MinLease.TotalMilliseconds:0} ms and {Transport.SubscriptionLimits.MaxLeaseHours} hours, like every subscription's lease.";
        return null;
    }

    /// <summary>
    /// <c>off</c>, or an address and port (<see cref="DefaultMetricsPort"/> when only an address is given). A blank value
    /// counts as not set, off, like an empty one: it must not open an unauthenticated port on an address nobody wrote.
    /// </summary>
    private static ListenEndpoint? ParseMetrics(string text) =>
        string.IsNullOrWhiteSpace(text) || text.Trim().Equals("off", StringComparison.OrdinalIgnoreCase)
            ? null
            : ListenEndpoint.Parse(text, $"--{ServerSetting.Metrics.Switch} address", DefaultMetricsPort, requireAddress: true);

    /// <summary>
    /// <c>off</c> (or blank), or an address and port, <paramref name="defaultPort"/> when only an address is given: an
    /// HTTP endpoint is never opened on an address nobody wrote.
    /// </summary>
    private static ListenEndpoint? ParseOptionalEndpoint(string text, ServerSetting setting, int defaultPort) =>
        string.IsNullOrWhiteSpace(text) || text.Trim().Equals("off", StringComparison.OrdinalIgnoreCase)
            ? null
            : ListenEndpoint.Parse(text, $"--{setting.Switch} address", defaultPort, requireAddress: true);

    /// <summary>
    /// Why the dashboard cannot be served where <c>--http</c> says: another listener's port, or another machine's reach
    /// without credentials (it can re-drive and delete dead letters, so like the queue listener it stays on loopback
    /// unless the server has credentials).
    /// </summary>
    private string? HttpProblem(ListenEndpoint http)
    {
        if (SharesListenPort(http))
            return $"--{ServerSetting.Http.Switch} ({http}) must not take the port of --{ServerSetting.Listen.Switch} ({Listen}): give the dashboard a port of its own, such as {DefaultHttpPort}.";
        if (Metrics is { } metrics && http.Port != 0 && http.Port == metrics.Port && SharesPort(http, metrics))
            return $"--{ServerSetting.Http.Switch} ({http}) must not take the port of --{ServerSetting.Metrics.Switch} ({metrics}): give the dashboard a port of its own, such as {DefaultHttpPort}.";
        if (!http.IsLoopback && !RequiresAuthentication)
            return $"Refusing to serve the dashboard on {http}: without credentials it is served on a loopback address only (127.0.0.1 or [::1]), since it can re-drive and delete dead letters. Set --token, or --user with --password, to let other machines in.";
        return null;
    }

    private static bool SharesPort(ListenEndpoint a, ListenEndpoint b)
    {
        static bool Any(System.Net.IPAddress address) => address.Equals(System.Net.IPAddress.Any) || address.Equals(System.Net.IPAddress.IPv6Any);
        return Any(a.Address) || Any(b.Address) || a.Address.Equals(b.Address);
    }

    /// <summary>Whether binding <paramref name="metrics"/> would collide with the queue listener (port 0 picks a free port).</summary>
    private bool SharesListenPort(ListenEndpoint metrics)
    {
        if (metrics.Port == 0 || metrics.Port != Listen.Port)
            return false;
        static bool Any(System.Net.IPAddress address) => address.Equals(System.Net.IPAddress.Any) || address.Equals(System.Net.IPAddress.IPv6Any);
        return Any(metrics.Address) || Any(Listen.Address) || metrics.Address.Equals(Listen.Address);
    }

    private static string? MessageLimitProblem(long bytes) => bytes <= LargestMessageBytes ? null :
        $"--{ServerSetting.MaxMessageBytes.Switch} ({bytes}) must be at most {LargestMessageBytes} (255 MiB): a message is stored as one log record, and the log takes no record over 256 MiB.";

    private static string? FrameLimitProblem(long bytes) => bytes <= LargestFrameBytes ? null :
        $"--{ServerSetting.MaxFrameBytes.Switch} ({bytes}) must be at most {LargestFrameBytes} (1 GiB): a frame is read into one buffer.";

    private static string EmptyCredential(ServerSetting setting) =>
        $"--{setting.Switch} is empty (or only whitespace): give it a value. An empty credential never turns authentication off.";

    private static DurabilityMode ParseDurability(string text) => text.Trim().ToUpperInvariant() switch
    {
        "FSYNC" => DurabilityMode.Fsync,
        "BUFFERED" => DurabilityMode.Buffered,
        _ => throw new FormatException($"--durability must be fsync or buffered, not '{text}'."),
    };

    private static bool ParseFlag(string text, ServerSetting setting) => text.Trim().ToUpperInvariant() switch
    {
        "TRUE" or "1" or "YES" => true,
        "FALSE" or "0" or "NO" => false,
        _ => throw new FormatException($"--{setting.Switch} must be true or false, not '{text}'."),
    };

    private static int Count(string? text, ServerSetting setting, int fallback)
    {
        if (text is null) return fallback;
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            throw new FormatException($"--{setting.Switch} must be a whole number, not '{text}'.");
        return value;
    }

    private static long Bytes(string? text, ServerSetting setting, long fallback)
    {
        if (text is null) return fallback;
        if (!ByteSizeGrammar.TryParse(text, out var value))
            throw new FormatException($"--{setting.Switch} must be a byte count such as 1048576 or 1MiB, not '{text}'.");
        return value;
    }

    private static TimeSpan Duration(string? text, ServerSetting setting, TimeSpan fallback)
    {
        if (text is null) return fallback;
        if (!Interval.TryParse(text, out var value))
            throw new FormatException($"--{setting.Switch} must be a duration such as 500ms, 10s or 2m, not '{text}'.");
        return value;
    }
}
