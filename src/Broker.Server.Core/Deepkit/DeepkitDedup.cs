using System.IO.Hashing;
using System.Text;
using Broker.Protocol;
using Broker.Transport;

namespace Broker.Server.Deepkit;

/// <summary>
/// Turns a Deepkit publish's <c>hash</c> into Broker's 128-bit dedup key. Deepkit's client hashes the payload with
/// xxHash32, which collides after tens of thousands of messages in a window; when <c>hash</c> is that xxHash32 (or
/// absent), the key is the xxHash3-128 of the payload instead, exactly as Broker's C# producers compute it, so both
/// kinds of producers deduplicate against each other. A producer-chosen string hashes as a C# <c>ProduceOptions.Hash</c>
/// does; a producer-chosen number gets a key of its own kind (JavaScript's Set tells 1 from "1").
/// </summary>
internal static class DeepkitDedup
{
    // Must equal ProducePolicy.ExplicitHashSeed in src/Broker (the key space of ProduceOptions.Hash).
    private const long ExplicitHashSeed = 0x42524B48; // "BRKH"
    private const long NumberHashSeed = 0x42524B4E; // "BRKN"

    public static Deduplication? Resolve(in QueuePublishRequest request)
    {
        if (request.Process != (int)QueueMessageProcessing.ExactlyOnce)
            return null;
        var window = request.DedupIntervalMs >= 1 ? DeepkitNumbers.Duration(request.DedupIntervalMs) : ChannelDefinition.DefaultDedupInterval;
        var hash = request.Hash;
        UInt128 key;
        if (!hash.IsPresent || (!hash.IsString && hash.Number == XxHash32Of(request.Payload)))
            key = XxHash128.HashToUInt128(request.Payload);
        else if (hash.IsString)
            key = HashText(hash.Text!, ExplicitHashSeed);
        else
            key = HashText(Wire.Describe(hash.Number), NumberHashSeed);
        return new Deduplication(key, window);
    }

    private static uint XxHash32Of(ReadOnlySpan<byte> payload) => XxHash32.HashToUInt32(payload);

    private static UInt128 HashText(string text, long seed)
    {
        if (text.Length == 0)
            throw new ProtocolException(ErrorCodes.InvalidRequest, "The hash of an exactlyOnce publish is empty.");
        return XxHash128.HashToUInt128(Encoding.UTF8.GetBytes(text), seed);
    }
}
