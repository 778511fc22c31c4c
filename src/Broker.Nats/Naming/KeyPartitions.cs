using System.IO.Hashing;
using System.Text;

namespace Broker.Nats.Naming;

/// <summary>
/// Which partition of an ordered channel a key's messages go to: xxHash3 (64-bit, seed 0) of the key's UTF-8, modulo
/// the partition count. xxHash3 is a published, platform-independent algorithm, so every process, on any machine and
/// any .NET version, puts a key in the same partition as long as the count is the same (which the channel's recorded
/// count enforces, see <c>ChannelStreams</c>).
/// </summary>
internal static class KeyPartitions
{
    public static int Of(string key, int count)
    {
        ArgumentNullException.ThrowIfNull(key);
        var bytes = Encoding.UTF8.GetBytes(key);
        return (int)(XxHash3.HashToUInt64(bytes) % (ulong)count);
    }
}
