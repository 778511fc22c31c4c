using System.Text.RegularExpressions;
using Broker.Server.Tests.Infrastructure;
using Broker.Transport;

namespace Broker.Server.Tests.Faults;

/// <summary>
/// A real broker-server whose data directory lost a segment file, or had its newest one cut short, refuses to start
/// (exit code 3) naming the file, the ids it held and the switch; with --accept-data-loss it starts, logs the loss at
/// error level, serves everything else, and never hands out an id again.
/// </summary>
public sealed partial class DataLossStartTests
{
    private const int Messages = 2_000;
    private static readonly ChannelDefinition Orders = new("orders/placed");
    private static readonly string Filler = new('x', 2000);

    [Fact]
    public async Task AMissingSegmentStopsTheStartUntilTheOperatorAcceptsTheLoss()
    {
        using var data = new TempDirectory();
        await WriteBacklogAsync(data.Path);
        var segments = Directory.GetFiles(data.Path, "*.seg").Order(StringComparer.Ordinal).ToArray();
        Assert.True(segments.Length >= 4, $"Expected several segments, got {segments.Length}.");
        File.Delete(segments[1]);

        var refused = await StartAndWaitForExitAsync(data.Path);

        Assert.Equal(3, refused.ExitCode);
        Assert.Contains(Path.GetFileName(segments[1]), refused.Output, StringComparison.Ordinal);
        Assert.Contains("--accept-data-loss true", refused.Output, StringComparison.Ordinal);
        var range = LostRange().Match(refused.Output);
        Assert.True(range.Success, refused.Output);
        var (from, to) = (long.Parse(range.Groups[1].Value), long.Parse(range.Groups[2].Value));
        Assert.DoesNotContain("listening", refused.Output, StringComparison.Ordinal);

        await using var accepted = await ServerProcess.StartAsync(data.Path, "--segment-bytes", "1MiB", "--accept-data-loss", "true");
        Assert.Contains(Path.GetFileName(segments[1]), accepted.Process.Output, StringComparison.Ordinal);
        Assert.Contains("fail:", accepted.Process.Output, StringComparison.Ordinal);
        await using var client = TestServer.CreateTransport(accepted.Address);
        var ids = await DrainIdsAsync(client);
        // Exactly the ids the refusal named are gone; nothing else is.
        Assert.Equal(Enumerable.Range(1, Messages).Select(i => (long)i).Except(ids), Enumerable.Range((int)from, (int)(to - from + 1)).Select(i => (long)i));
        Assert.True((await client.ProduceAsync(Payloads.Message(Orders, "after"), CancellationToken.None)).MessageId > Messages);
    }

    [Fact]
    public async Task ATruncatedNewestSegmentStopsTheStartAndAcceptingItNeverReusesAnId()
    {
        using var data = new TempDirectory();
        await WriteBacklogAsync(data.Path);
        var newest = Directory.GetFiles(data.Path, "*.seg").Order(StringComparer.Ordinal).Last();
        using (var file = new FileStream(newest, FileMode.Open))
            file.SetLength(file.Length / 8);

        var refused = await StartAndWaitForExitAsync(data.Path);

        Assert.Equal(3, refused.ExitCode);
        Assert.Contains(Path.GetFileName(newest), refused.Output, StringComparison.Ordinal);
        Assert.Contains("truncated", refused.Output, StringComparison.Ordinal);

        await using var accepted = await ServerProcess.StartAsync(data.Path, "--segment-bytes", "1MiB", "--accept-data-loss", "true");
        await using var client = TestServer.CreateTransport(accepted.Address);
        var ids = await DrainIdsAsync(client);
        Assert.True(ids.Count < Messages);
        Assert.True((await client.ProduceAsync(Payloads.Message(Orders, "after"), CancellationToken.None)).MessageId > Messages);
    }

    /// <summary>2,000 messages of 2 KB over 1 MiB segments, then SIGKILL: several segments, all acknowledged.</summary>
    private static async Task WriteBacklogAsync(string data)
    {
        await using var server = await ServerProcess.StartAsync(data, "--segment-bytes", "1MiB");
        await using var client = TestServer.CreateTransport(server.Address);
        for (var i = 1; i <= Messages; i++)
            Assert.Equal(i, (await client.ProduceAsync(Payloads.Message(Orders, i + Filler), CancellationToken.None)).MessageId);
        await server.KillAsync();
    }

    private static async Task<(int ExitCode, string Output)> StartAndWaitForExitAsync(string data)
    {
        await using var process = ChildProcess.Start("Broker.Server.dll", ["--data", data, "--listen", $"127.0.0.1:{FreePorts.Next()}", "--segment-bytes", "1MiB"]);
        try
        {
            return (await process.WaitForExitAsync(TimeSpan.FromSeconds(60)), process.Output);
        }
        catch (TimeoutException)
        {
            Assert.Fail("The server started on the damaged directory:\n" + process.Output);
            throw;
        }
    }

    private static async Task<List<long>> DrainIdsAsync(Broker.Client.ServerQueueTransport client)
    {
        await using var subscription = await client.SubscribeAsync(Orders, new SubscriptionSettings(10_000, TimeSpan.FromMinutes(5)), CancellationToken.None);
        var ids = new List<long>();
        var stats = await client.GetStatsAsync(Orders.Name);
        while (ids.Count < stats.Unfinished)
            ids.Add((await subscription.NextAsync()).Id);
        return ids;
    }

    [GeneratedRegex(@"'orders/placed' ids (\d+) to (\d+)")]
    private static partial Regex LostRange();
}
