using Broker.Engine.Storage.Log;
using Microsoft.Extensions.DependencyInjection;

namespace Broker.Embedded.Tests.Support;

/// <summary>Opens shared embedded transports as UseEmbedded does, and waits for their roles.</summary>
internal static class Shared
{
    public static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    /// <summary>A transport on <paramref name="directory"/>, its role decided (host or client).</summary>
    public static async Task<SharedEmbeddedTransport> OpenAsync(string directory, Action<EmbeddedBrokerOptions>? configure = null)
    {
        var options = new EmbeddedBrokerOptions { Path = directory, SegmentBytes = 1024 * 1024 };
        configure?.Invoke(options);
        var transport = new SharedEmbeddedTransport(options, TimeProvider.System, null);
        using var timeout = new CancellationTokenSource(Generous);
        await transport.StartedAsync(timeout.Token);
        return transport;
    }

    /// <summary>
    /// Holds <paramref name="directory"/> as a process that does not share it does (UseEmbedded with Shared = false,
    /// broker-server): its log open, nothing served on its socket.
    /// </summary>
    public static LogQueueStore HoldUnshared(string directory) =>
        LogQueueStore.Open(directory, new LogStoreOptions { SegmentBytes = 1024 * 1024 }, TimeProvider.System);

    /// <summary>Waits until <paramref name="condition"/> holds, checking every 10 ms, for <see cref="Generous"/> at most.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Generous;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Waited {Generous.TotalSeconds:0} s for {what}.");
            await Task.Delay(10);
        }
    }

    public static ChannelDefinition Channel(string name = "orders") => new(name);

    public static ChannelDefinition ExactlyOnce(string name = "orders") => new(name, QueueMessageProcessing.ExactlyOnce, TimeSpan.FromMinutes(5));

    /// <summary>A message; on an ExactlyOnce channel its dedup key is <paramref name="key"/>.</summary>
    public static ChannelMessage Message(ChannelDefinition channel, string text, long key = 0) =>
        new(channel, Bytes(text), channel.Process == QueueMessageProcessing.ExactlyOnce ? new Deduplication((UInt128)key, channel.DedupInterval) : null, TimeSpan.Zero, 0);

    public static byte[] Bytes(string text) => System.Text.Encoding.UTF8.GetBytes(text);

    public static string Text(Delivery delivery) => System.Text.Encoding.UTF8.GetString(delivery.Payload.Span);
}
