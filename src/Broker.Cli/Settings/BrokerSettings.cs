using System.ComponentModel;
using Spectre.Console.Cli;

namespace Broker.Cli.Settings;

/// <summary>
/// What every command takes: which broker (a server or a data directory), the credentials and TLS of a server, and the
/// output (tables for people, <c>--json</c> for scripts). Credentials and the target can also come from environment
/// variables (<see cref="Connecting.TargetResolver"/>), so secrets need not be on the command line.
/// </summary>
internal class BrokerSettings : CommandSettings
{
    [CommandOption("-s|--server <ADDRESS>")]
    [Description("The broker-server: host:port, host (port 8811) or [[ipv6]]:port. Default: $BROKER_SERVER.")]
    public string? Server { get; set; }

    [CommandOption("-d|--data <DIRECTORY>")]
    [Description("An embedded broker's data directory (read-only while another process holds it). Default: $BROKER_DATA.")]
    public string? Data { get; set; }

    [CommandOption("--token <TOKEN>")]
    [Description("The server's token. Default: $BROKER_TOKEN.")]
    public string? Token { get; set; }

    [CommandOption("-u|--user <USER>")]
    [Description("The server's user name, with --password. Default: $BROKER_USER.")]
    public string? User { get; set; }

    [CommandOption("-p|--password <PASSWORD>")]
    [Description("The user's password. Default: $BROKER_PASSWORD (keeps it out of the shell's history).")]
    public string? Password { get; set; }

    [CommandOption("--tls")]
    [Description("Connect with TLS, trusting the system's certificate authorities.")]
    public bool Tls { get; set; }

    [CommandOption("--tls-host <NAME>")]
    [Description("The name in the server's certificate, when it is not the host of --server. Implies --tls.")]
    public string? TlsHost { get; set; }

    [CommandOption("--tls-ca <FILE>")]
    [Description("Trust this certificate (PEM or DER): a private authority or the server's own self-signed one. Implies --tls. Default: $BROKER_TLS_CA.")]
    public string? TlsCa { get; set; }

    [CommandOption("--timeout <DURATION>")]
    [Description("How long connecting (TCP, TLS, credentials) and each request may take: 10s, 500ms, 2m. Default 10s.")]
    public string? Timeout { get; set; }

    [CommandOption("--json")]
    [Description("Print one JSON document for scripts instead of tables: stable property names, no colours.")]
    public bool Json { get; set; }
}
