using System.Net.Security;
using Broker.Settings;

namespace Broker.Client;

/// <summary>
/// The keys of <c>Broker:Server</c>: one per <see cref="ServerClientOptions"/> property, by the same name, and
/// <c>Tls:TargetHost</c>, which turns TLS on (other TLS settings, such as trusting a private certificate, are code:
/// <see cref="ServerClientOptions.Tls"/>).
/// </summary>
internal static class ServerSettings
{
    public static void Read(SettingsSection section, ServerClientOptions options)
    {
        options.Address = section.String(nameof(ServerClientOptions.Address), options.Address);
        options.Token = section.String(nameof(ServerClientOptions.Token), options.Token, secret: true);
        options.User = section.String(nameof(ServerClientOptions.User), options.User);
        options.Password = section.String(nameof(ServerClientOptions.Password), options.Password, secret: true);
        options.ClientName = section.String(nameof(ServerClientOptions.ClientName), options.ClientName);
        options.ConnectTimeout = section.Duration(nameof(ServerClientOptions.ConnectTimeout), options.ConnectTimeout);
        options.ReconnectWait = section.Duration(nameof(ServerClientOptions.ReconnectWait), options.ReconnectWait);
        options.ReconnectDelay = section.Duration(nameof(ServerClientOptions.ReconnectDelay), options.ReconnectDelay);
        options.MaxReconnectDelay = section.Duration(nameof(ServerClientOptions.MaxReconnectDelay), options.MaxReconnectDelay);
        options.RequestTimeout = section.Duration(nameof(ServerClientOptions.RequestTimeout), options.RequestTimeout);

        var tls = section.Section(nameof(ServerClientOptions.Tls));
        if (tls.String(nameof(SslClientAuthenticationOptions.TargetHost), null) is { } targetHost)
        {
            options.Tls ??= new SslClientAuthenticationOptions();
            options.Tls.TargetHost = targetHost;
        }
        tls.ReportUnknownKeys();
    }
}
