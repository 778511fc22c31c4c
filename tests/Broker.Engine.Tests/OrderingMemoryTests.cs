using Broker.Engine.Tests.Support;

namespace Broker.Engine.Tests;

/// <summary>
/// What ordering keys cost in memory (docs/ordering.md, Costs), measured against the same backlog without keys, in the
/// serial collection (the figure is the whole process's heap). The memory store keeps payloads on the heap for both, so
/// the difference is the keys' own cost: the id-to-line entries, the lines and their keys.
/// </summary>
[Collection(Serial.Name)]
public sealed class OrderingMemoryTests
{
    private static readonly ChannelDefinition Ordered = new("orders", ordered: true);

    [Fact]
    public async Task AKeyedBacklogCostsAFewDozenBytesAMessage()
    {
        const int Messages = 100_000, Keys = 10_000;
        var unkeyed = await BacklogBytesAsync(Messages, keys: 0);
        var keyed = await BacklogBytesAsync(Messages, Keys);

        var perMessage = (keyed - unkeyed) / (double)Messages;
        // Measured 31 bytes a message with 10 messages a key: its line number in the channel's line index (4 bytes), its
        // id in its line's array (8, up to twice that as the array doubles), and a tenth of a line (its object, array
        // and key). A dictionary from id to line cost 68.
        Assert.True(perMessage < 48, $"A keyed message costs {perMessage:0} bytes more than an unkeyed one (the backlog: {keyed:N0} against {unkeyed:N0} bytes).");
    }

    [Fact]
    public async Task OneHotKeyWithAHundredThousandWaitingMessagesCostsItsIdsNotMore()
    {
        const int Messages = 100_000;
        var unkeyed = await BacklogBytesAsync(Messages, keys: 0);
        var oneKey = await BacklogBytesAsync(Messages, keys: 1);

        var perMessage = (oneKey - unkeyed) / (double)Messages;
        // Measured 14 bytes: the line's array (8 bytes an id, up to twice that as it doubles) and the line number (4).
        Assert.True(perMessage < 24, $"A message of one hot key costs {perMessage:0} bytes more than an unkeyed one.");
    }

    private static async Task<long> BacklogBytesAsync(int messages, int keys)
    {
        await using var h = new EngineHarness();
        // Warm-up: types, statics and the channel itself, so the measurement counts messages.
        await h.ProduceKeyed(Ordered, "warm-up", "x");
        var keyNames = Enumerable.Range(0, Math.Max(keys, 1)).Select(k => $"customer-{k:D5}").ToArray();
        var before = GC.GetTotalMemory(forceFullCollection: true);
        for (var i = 0; i < messages; i++)
        {
            if (keys == 0)
                await h.Produce(Ordered, "forty bytes of payload, give or take a few");
            else
                await h.ProduceKeyed(Ordered, keyNames[i % keys], "forty bytes of payload, give or take a few");
        }
        var bytes = GC.GetTotalMemory(forceFullCollection: true) - before;
        Assert.Equal(messages + 1, h.Engine.GetStats("orders").Ready);
        GC.KeepAlive(keyNames);
        return bytes;
    }
}
