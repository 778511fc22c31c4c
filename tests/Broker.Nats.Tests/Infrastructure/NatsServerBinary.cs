namespace Broker.Nats.Tests.Infrastructure;

/// <summary>
/// Finds nats-server: on PATH, else in /usr/sbin (where Debian installs it). Without it the tests are skipped with a
/// reason on a developer's machine, but fail under CI=true, so CI can never pass them silently.
/// </summary>
public static class NatsServerBinary
{
    private static readonly Lazy<string?> Found = new(Find);

    public static string? Path => Found.Value;

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public const string MissingReason = "nats-server is not installed (looked on PATH and in /usr/sbin); install it with 'apt-get install nats-server' to run the NATS tests.";

    /// <summary>The skip reason for a NATS test, or null when it must run (server found, or running in CI where a missing server is a failure).</summary>
    public static string? SkipReason => Path is null && !IsCi ? MissingReason : null;

    public static string Require() => Path ?? throw new InvalidOperationException(MissingReason + (IsCi ? " CI=true: the NATS tests must run in CI." : ""));

    private static string? Find()
    {
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Append("/usr/sbin").Append("/usr/local/sbin");
        foreach (var directory in directories)
        {
            var candidate = System.IO.Path.Combine(directory, "nats-server");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}

/// <summary>A fact that needs nats-server: skipped with a visible reason when it is missing, except under CI=true.</summary>
public sealed class NatsFactAttribute : FactAttribute
{
    public NatsFactAttribute()
    {
        if (NatsServerBinary.SkipReason is { } reason) Skip = reason;
    }
}
