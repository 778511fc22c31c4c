using Broker.Engine.Dispatch;

namespace Broker.Engine.Tests.Dispatch;

/// <summary>The message table and the ready set against plain collections, and what their windows cost.</summary>
public sealed class DispatchStructureTests
{
    [Fact]
    public void MessageTableMatchesADictionaryUnderRandomAddsAndRemoves()
    {
        var random = new Random(1234);
        var table = new MessageTable();
        var expected = new Dictionary<long, int>();
        var nextId = 1L;
        for (var step = 0; step < 200_000; step++)
        {
            var roll = random.Next(100);
            if (roll < 45)
            {
                var id = nextId++;
                ref var slot = ref table.Add(id);
                slot = new MessageSlot { Length = (int)(id % 1000), Status = MessageStatus.Ready };
                expected[id] = slot.Length;
            }
            else if (roll < 50 && nextId > 10)
            {
                // Replay sees ids out of order (compaction copies old messages forward).
                var id = random.NextInt64(1, nextId);
                ref var slot = ref table.Add(id);
                slot = new MessageSlot { Length = (int)(id % 1000), Status = MessageStatus.Ready };
                expected[id] = slot.Length;
            }
            else if (expected.Count > 0)
            {
                // Mostly the oldest (a queue), sometimes any (retries, stragglers).
                var id = roll < 90 ? expected.Keys.Min() : expected.Keys.ElementAt(random.Next(expected.Count));
                table.Remove(id);
                expected.Remove(id);
            }
            if (step % 5_000 == 0)
                AssertSame(table, expected, nextId);
        }
        AssertSame(table, expected, nextId);
    }

    [Fact]
    public void AMessageTableWithOneMessageTakesAFewSlotsAndADrainedOneKeepsOnlyASmallRing()
    {
        var table = new MessageTable();
        table.Add(1).Status = MessageStatus.Ready;
        Assert.True(table.WindowBytes <= 8 * 28, $"{table.WindowBytes} bytes for one message.");

        for (var id = 2L; id <= 2_000; id++)
            table.Add(id).Status = MessageStatus.Ready;
        Assert.Equal(2048 * 28, table.WindowBytes);
        for (var id = 1L; id <= 2_000; id++)
            table.Remove(id);

        Assert.Equal(0, table.Count);
        Assert.Equal(256 * 28, table.WindowBytes);
    }

    [Fact]
    public void AQueueThatConsumersKeepUpWithSlidesOneSmallRing()
    {
        var table = new MessageTable();
        // A hundred in flight, ids moving through many pages.
        for (var id = 1L; id <= 100_000; id++)
        {
            table.Add(id).Status = MessageStatus.Ready;
            if (id > 100)
                table.Remove(id - 100);
            Assert.True(table.WindowBytes <= 2 * 256 * 28, $"{table.WindowBytes} bytes of rings at id {id}.");
        }
    }

    [Fact]
    public void ASparsePageShrinksToTheSpanOfWhatIsLeft()
    {
        var table = new MessageTable();
        for (var id = 1L; id <= 6_000; id++)
            table.Add(id).Status = MessageStatus.Ready;
        // Keep ten neighbours in the first page and finish everything else there.
        for (var id = 1L; id <= 2_047; id++)
        {
            if (id is < 1_000 or > 1_009)
                table.Remove(id);
        }

        // Three pages were full; the first now holds a 32-slot ring (ten messages), the others are untouched.
        Assert.Equal((32 + 2048 + 2048) * 28, table.WindowBytes);
        for (var id = 1_000L; id <= 1_009; id++)
            Assert.False(System.Runtime.CompilerServices.Unsafe.IsNullRef(ref table.Find(id)));
    }

    [Fact]
    public void IdSetMatchesASortedSetUnderRandomAddsAndTakes()
    {
        var random = new Random(99);
        var set = new IdSet();
        var expected = new SortedSet<long>();
        for (var step = 0; step < 200_000; step++)
        {
            if (random.Next(100) < 55)
            {
                // Mostly new ids near the top, sometimes an old one coming back (a retry).
                var id = random.Next(10) == 0 ? random.NextInt64(1, 300_000) : 100_000 + step + random.Next(64);
                Assert.Equal(expected.Add(id), set.Add(id));
            }
            else
            {
                Assert.Equal(expected.Count > 0, set.TryTakeMin(out var id));
                if (expected.Count > 0)
                {
                    Assert.Equal(expected.Min, id);
                    expected.Remove(id);
                }
            }
            Assert.Equal(expected.Count, set.Count);
        }
    }

    [Fact]
    public void AnIdSetWithOneIdTakesAFewWords()
    {
        var set = new IdSet();
        set.Add(123_456);
        Assert.Equal(2 * sizeof(ulong), set.WordBytes);
        Assert.True(set.TryTakeMin(out var id));
        Assert.Equal(123_456, id);
        Assert.Equal(0, set.WordBytes);
        // The emptied page is reused, wherever the next id falls.
        set.Add(7);
        Assert.True(set.TryTakeMin(out id));
        Assert.Equal(7, id);
    }

    private static void AssertSame(MessageTable table, Dictionary<long, int> expected, long nextId)
    {
        Assert.Equal(expected.Count, table.Count);
        var seen = new Dictionary<long, int>();
        table.ForEach(seen, static (s, id, ref slot) => s.Add(id, slot.Length));
        Assert.Equal(expected.OrderBy(e => e.Key), seen.OrderBy(e => e.Key));
        for (var id = Math.Max(1, nextId - 3_000); id < nextId; id++)
        {
            ref var slot = ref table.Find(id);
            Assert.Equal(expected.ContainsKey(id), !System.Runtime.CompilerServices.Unsafe.IsNullRef(ref slot));
        }
    }
}
