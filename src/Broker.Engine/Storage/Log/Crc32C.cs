using System.Buffers.Binary;
using System.Numerics;

namespace Broker.Engine.Storage.Log;

/// <summary>CRC-32C (Castagnoli), with the CPU's CRC32 instruction where there is one (SSE4.2, ARMv8).</summary>
internal static class Crc32C
{
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }
        foreach (var b in data)
            crc = BitOperations.Crc32C(crc, b);
        return crc;
    }
}
