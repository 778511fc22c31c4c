namespace Broker.Cli.Commands;

/// <summary>
/// Reads up to a number of items through a paged call, page after page: a broker may return fewer than asked (a byte
/// budget per page). Whether more follow is found out by asking for one more than wanted, rather than trusting a
/// page's own flag: a full page that says nothing more follows is read on too.
/// </summary>
internal static class Paging
{
    /// <summary>The most asked of the broker in one call.</summary>
    public const int PageSize = 200;

    /// <summary>Reads items after <paramref name="afterId"/> until <paramref name="limit"/> are read or none follow.</summary>
    /// <param name="afterId">Only ids greater than this.</param>
    /// <param name="limit">At most this many; <see cref="int.MaxValue"/> - 1 for all.</param>
    /// <param name="page">Reads one page: after an id, at most a count; the items, and whether more follow.</param>
    /// <param name="idOf">An item's id, to ask for the next page.</param>
    /// <returns>The items, and whether more follow the last one.</returns>
    public static async Task<(List<T> Items, bool More)> ReadAsync<T>(long afterId, int limit, Func<long, int, Task<(IReadOnlyList<T> Items, bool More)>> page, Func<T, long> idOf)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfEqual(limit, int.MaxValue);
        var wanted = limit + 1;
        var items = new List<T>();
        var more = true;
        while (items.Count < wanted && more)
        {
            var asked = Math.Min(PageSize, wanted - items.Count);
            var (batch, batchMore) = await page(afterId, asked).ConfigureAwait(false);
            items.AddRange(batch);
            // An empty page ends the reading whatever it says: asking again would get the same answer forever.
            more = batch.Count > 0 && (batchMore || batch.Count >= asked);
            if (batch.Count > 0)
                afterId = idOf(batch[^1]);
        }
        if (items.Count <= limit)
            return (items, false);
        items.RemoveRange(limit, items.Count - limit);
        return (items, true);
    }
}
