using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Broker.Embedded.Tests.Attacks;

/// <summary>Opens shared embedded transports for the attacks: as the support helpers do, with a log to look at.</summary>
internal static class Attacked
{
    /// <summary>A transport on <paramref name="directory"/> logging into <paramref name="log"/>, its role decided.</summary>
    public static async Task<SharedEmbeddedTransport> OpenAsync(string directory, ILoggerFactory log, Action<EmbeddedBrokerOptions>? configure = null)
    {
        var options = new EmbeddedBrokerOptions { Path = directory, SegmentBytes = 1024 * 1024 };
        configure?.Invoke(options);
        var transport = new SharedEmbeddedTransport(options, TimeProvider.System, log);
        using var timeout = new CancellationTokenSource(Support.Shared.Generous);
        await transport.StartedAsync(timeout.Token);
        return transport;
    }

    /// <summary>Whether <paramref name="exception"/> or one of its inner exceptions is a <typeparamref name="T"/>.</summary>
    public static bool Carries<T>(Exception? exception)
        where T : Exception
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is T)
                return true;
        }
        return false;
    }
}
