using Broker.Cli.Settings;
using Broker.Client;

namespace Broker.Cli.Connecting;

/// <summary>
/// Turns the target options of the command line, with the <c>BROKER_*</c> environment variables as defaults, into a
/// <see cref="Target"/>. The command line wins over the environment; a broker chosen on the command line
/// (<c>--server</c> or <c>--data</c>) wins over one chosen in the environment, so <c>--data</c> works in a shell that
/// exports <c>BROKER_SERVER</c>.
/// </summary>
internal static class TargetResolver
{
    /// <summary>The environment variables read, named in the documentation and in errors.</summary>
    public const string ServerVariable = "BROKER_SERVER";
    public const string DataVariable = "BROKER_DATA";
    public const string TokenVariable = "BROKER_TOKEN";
    public const string UserVariable = "BROKER_USER";
    public const string PasswordVariable = "BROKER_PASSWORD";
    public const string TlsCaVariable = "BROKER_TLS_CA";

    /// <summary>The connect and request timeout without <c>--timeout</c>.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Resolves the target.</summary>
    /// <param name="settings">The command line.</param>
    /// <param name="environment">Reads an environment variable (<see cref="Environment.GetEnvironmentVariable(string)"/>).</param>
    /// <exception cref="CliException">The options are missing, contradict each other or do not parse (exit code <see cref="ExitCodes.Usage"/>).</exception>
    public static Target Resolve(BrokerSettings settings, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(environment);
        var timeout = settings.Timeout is null ? DefaultTimeout : Durations.Parse(settings.Timeout, "--timeout");

        if (settings.Server is not null && settings.Data is not null)
            throw Usage("Give either --server or --data, not both.");
        var server = Given(settings.Server, "--server");
        var data = Given(settings.Data, "--data");
        if (server is null && data is null)
        {
            server = FromEnvironment(environment, ServerVariable);
            data = FromEnvironment(environment, DataVariable);
            if (server is not null && data is not null)
                throw Usage($"Both {ServerVariable} and {DataVariable} are set: choose one with --server or --data.");
        }
        if (data is not null)
        {
            if (settings.Token is not null || settings.User is not null || settings.Password is not null || settings.Tls || settings.TlsHost is not null || settings.TlsCa is not null)
                throw Usage("--token, --user, --password and --tls* are for --server; a data directory is opened directly.");
            return new DataDirectoryTarget(Path.GetFullPath(data), timeout);
        }
        if (server is null)
            throw Usage($"Say which broker: --server host:port (or {ServerVariable}) for a broker-server, or --data <directory> (or {DataVariable}) for an embedded data directory.");
        return new ServerTarget(server, ServerOptions(settings, environment, server, timeout));
    }

    private static ServerClientOptions ServerOptions(BrokerSettings settings, Func<string, string?> environment, string server, TimeSpan timeout)
    {
        var token = Given(settings.Token, "--token") ?? FromEnvironment(environment, TokenVariable);
        var user = Given(settings.User, "--user") ?? FromEnvironment(environment, UserVariable);
        var password = Given(settings.Password, "--password") ?? FromEnvironment(environment, PasswordVariable);
        // A token and a user from different sources (one exported, one typed) is still ambiguous: which one was meant
        // is not for this tool to guess.
        if (token is not null && user is not null)
            throw Usage($"Give either a token (--token, {TokenVariable}) or a user and password (--user/--password, {UserVariable}/{PasswordVariable}), not both.");
        if (user is not null && password is null)
            throw Usage($"--user needs a password: --password, or {PasswordVariable} to keep it off the command line.");
        if (password is not null && user is null)
            throw Usage($"A password was given without a user: add --user (or {UserVariable}).");

        var options = new ServerClientOptions
        {
            Address = server,
            Token = token,
            User = user,
            Password = password,
            ClientName = "broker-cli",
            ConnectTimeout = timeout,
            RequestTimeout = timeout,
            // A command line fails fast: one connection, no waiting for a server that may come back later.
            ReconnectWait = timeout,
        };
        var tlsCa = Given(settings.TlsCa, "--tls-ca") ?? FromEnvironment(environment, TlsCaVariable);
        var tlsHost = Given(settings.TlsHost, "--tls-host");
        if (settings.Tls || tlsHost is not null || tlsCa is not null)
            options.Tls = TlsSettings.Create(server, tlsHost, tlsCa);
        try
        {
            options.Validate();
        }
        catch (ArgumentException ex)
        {
            throw Usage(ex.Message);
        }
        return options;
    }

    private static string? Given(string? value, string option)
    {
        if (value is null)
            return null;
        if (string.IsNullOrWhiteSpace(value))
            throw Usage($"{option} is empty.");
        return value;
    }

    // An exported but empty variable is refused rather than ignored, as broker-server does: an empty credential must
    // not quietly turn into "no credential".
    private static string? FromEnvironment(Func<string, string?> environment, string variable)
    {
        var value = environment(variable);
        if (value is null)
            return null;
        if (string.IsNullOrWhiteSpace(value))
            throw Usage($"{variable} is set but empty: unset it or give it a value.");
        return value;
    }

    private static CliException Usage(string message) => new(ExitCodes.Usage, message);
}
