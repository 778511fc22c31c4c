namespace Broker.Cli.Commands;

/// <summary>
/// Reads up to a number of items through a paged call, page after page: a broker may return fewer than asked (a byte
/// budget per page), and says whether more follow.
/// </summary>
internal static class Paging
{
    /// <summary>The most asked of the broker in one call.</summary>
    public const int PageSize = 200;

    /// <summary>Reads items after <paramref name="afterId"/> until <paramref name="limit"/> are read or none follow.</summary>
    /// <param name="afterId">Only ids greater than this.</param>
    /// <param name="limit">At most this many; <see cref="int.MaxValue"/> for all.</param>
    /// <param name="page">Reads one page: after an id, at most a count; the items, and whether more follow.</param>
    /// <param name="idOf">An item's id, to ask for the next page.</param>
    /// <returns>The items, and whether more follow the last one.</returns>
    public static async Task<(List<T> Items, bool More)> ReadAsync<T>(long afterId, int limit, Func<long, int, Task<(IReadOnlyList<T> Items, bool More)>> page, Func<T, long> idOf)
    {
        var items = new List<T>();
        var more = true;
        while (items.Count < limit && more)
        {
            var (batch, batchMore) = await page(afterId, Math.Min(PageSize, limit - items.Count)).ConfigureAwait(false);
            items.AddRange(batch);
            // A page that says "more" but holds nothing would ask the same question forever.
            more = batchMore && batch.Count > 0;
            if (batch.Count > 0)
                afterId = idOf(batch[^1]);
        }
        return (items, more);
    }
}
