using Broker.Cli.Commands;

namespace Broker.Cli.Tests.Unit;

public sealed class PagingTests
{
    /// <summary>A paged source over ids 1..count that answers at most <paramref name="cap"/> a call and flags "more" as told.</summary>
    private static Func<long, int, Task<(IReadOnlyList<long> Items, bool More)>> Source(long count, int cap, Func<long, int, bool> more, List<int>? asked = null) =>
        (after, limit) =>
        {
            asked?.Add(limit);
            IReadOnlyList<long> items = [.. Enumerable.Range(1, (int)count).Select(i => (long)i).Where(i => i > after).Take(Math.Min(limit, cap))];
            return Task.FromResult((items, more(after, items.Count)));
        };

    [Fact]
    public async Task ReadsAcrossPagesEvenWhenAFullPageSaysNothingFollows()
    {
        // The embedded engine's page flag says "more" only when its byte budget cut the page short.
        var (items, more) = await Paging.ReadAsync(0, 1000, Source(450, int.MaxValue, (_, _) => false), id => id);

        Assert.Equal(450, items.Count);
        Assert.False(more);
    }

    [Fact]
    public async Task StopsAtTheLimitAndKnowsWhetherMoreFollow()
    {
        var (exact, exactMore) = await Paging.ReadAsync(0, 10, Source(10, int.MaxValue, (_, _) => false), id => id);
        var (cut, cutMore) = await Paging.ReadAsync(0, 10, Source(11, int.MaxValue, (_, _) => false), id => id);

        Assert.Equal(10, exact.Count);
        Assert.False(exactMore);
        Assert.Equal(10, cut.Count);
        Assert.True(cutMore);
        Assert.Equal(10, cut[^1]);
    }

    [Fact]
    public async Task ShortPagesFromAByteBudgetAreFollowed()
    {
        var (items, more) = await Paging.ReadAsync(0, 20, Source(30, cap: 3, (after, count) => after + count < 30), id => id);

        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), items);
        Assert.True(more);
    }

    [Fact]
    public async Task AnEmptyPageThatClaimsMoreEndsTheReading()
    {
        var calls = new List<int>();

        var (items, more) = await Paging.ReadAsync(0, 100, Source(0, int.MaxValue, (_, _) => true, calls), id => id);

        Assert.Empty(items);
        Assert.False(more);
        Assert.Single(calls);
    }

    [Fact]
    public async Task NoCallAsksForMoreThanAPage()
    {
        var calls = new List<int>();

        await Paging.ReadAsync(0, 10_000, Source(100_000, int.MaxValue, (_, _) => true, calls), id => id);

        Assert.All(calls, asked => Assert.InRange(asked, 1, Paging.PageSize));
    }
}
