using System.IO.Hashing;
using System.Text;
using Broker.Transport;

namespace Broker;

/// <summary>Merges a channel's policy with per-produce options into what the transport receives.</summary>
internal static class ProducePolicy
{
    // Explicit hashes and payload hashes live in one key space; a different seed keeps a producer's key "x" from ever
    // equalling the hash of a payload whose bytes happen to be "x".
    private const long ExplicitHashSeed = 0x42524B48; // "BRKH"

    /// <summary>Resolves the deduplication of one message, or null when it is AtLeastOnce.</summary>
    /// <exception cref="ArgumentException">The options contradict each other; the message says how.</exception>
    public static Deduplication? ResolveDedup(ChannelDefinition channel, ProduceOptions? options, ReadOnlySpan<byte> payload)
    {
        var process = options?.Process ?? channel.Process;
        if (process == QueueMessageProcessing.AtLeastOnce)
        {
            if (options?.Hash is not null)
                throw new ArgumentException($"ProduceOptions.Hash has no effect on an AtLeastOnce message of channel '{channel.Name}'; set Process = ExactlyOnce or remove Hash.", nameof(options));
            if (options?.Dedup is not null)
                throw new ArgumentException($"ProduceOptions.Dedup has no effect on an AtLeastOnce message of channel '{channel.Name}'; set Process = ExactlyOnce or remove Dedup.", nameof(options));
            return null;
        }

        var window = options?.Dedup
            ?? (channel.Process == QueueMessageProcessing.ExactlyOnce ? channel.DedupInterval : ChannelDefinition.DefaultDedupInterval);
        if (window <= TimeSpan.Zero || window > DedupWindow.Max)
            throw new ArgumentOutOfRangeException(nameof(options), window, $"ProduceOptions.Dedup must be greater than zero and at most {DedupWindow.MaxDays} days (channel '{channel.Name}').");

        return new Deduplication(options?.Hash is { } hash ? HashExplicitKey(hash) : XxHash128.HashToUInt128(payload), window);
    }

    /// <summary>Checks delay and priority.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The delay is negative or longer than <see cref="MessageLimits.MaxDelay"/>.</exception>
    public static TimeSpan ResolveDelay(ChannelDefinition channel, ProduceOptions? options)
    {
        var delay = options?.Delay ?? TimeSpan.Zero;
        if (delay < TimeSpan.Zero || delay > MessageLimits.MaxDelay)
            throw new ArgumentOutOfRangeException(nameof(options), delay, $"ProduceOptions.Delay must be between zero and {MessageLimits.MaxDelayDays} days (channel '{channel.Name}').");
        return delay;
    }

    /// <summary>Resolves a message's ordering key: the produce's own, else the channel's <c>OrderBy</c> member value, else none.</summary>
    /// <exception cref="ArgumentException">A key on a channel that is not ordered, or a key that breaks <see cref="MessageLimits.CheckOrderingKey"/>.</exception>
    public static string? ResolveOrderingKey(ChannelDefinition channel, ProduceOptions? options, string? fromMember)
    {
        var key = options?.OrderingKey ?? fromMember;
        if (key is null)
            return null;
        if (!channel.Ordered)
            throw new ArgumentException($"Channel '{channel.Name}' is not ordered, so ProduceOptions.OrderingKey would be ignored; declare it with [Channel(..., Ordered = true)] or OrderBy, or remove the key.", nameof(options));
        MessageLimits.CheckOrderingKey(channel.Name, key);
        return key;
    }

    private static UInt128 HashExplicitKey(string hash)
    {
        if (hash.Length == 0)
            throw new ArgumentException("ProduceOptions.Hash is empty; use null for the payload hash or a non-empty key.", nameof(hash));
        var maxBytes = Encoding.UTF8.GetMaxByteCount(hash.Length);
        if (maxBytes <= 512)
        {
            Span<byte> utf8 = stackalloc byte[maxBytes];
            var length = Encoding.UTF8.GetBytes(hash, utf8);
            return XxHash128.HashToUInt128(utf8[..length], ExplicitHashSeed);
        }
        return XxHash128.HashToUInt128(Encoding.UTF8.GetBytes(hash), ExplicitHashSeed);
    }
}
