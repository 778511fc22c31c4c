using System.Globalization;
using Broker.Cli.Output;
using Broker.Cli.Settings;
using Broker.Management;
using Spectre.Console;

namespace Broker.Cli.Commands;

/// <summary>
/// <c>broker stats</c>: the broker's own figures: what it is, its connections and channels, the produce and complete
/// throughput between two snapshots <c>--interval</c> apart, and its durable log (size, segments, fsync latency).
/// </summary>
internal sealed class StatsCommand(Terminal terminal) : BrokerCommand<StatsSettings>(terminal)
{
    /// <inheritdoc />
    protected override void CheckArguments(StatsSettings settings) => _ = Interval(settings);

    /// <inheritdoc />
    protected override async Task<int> RunAsync(BrokerSession session, StatsSettings settings, CancellationToken cancellationToken)
    {
        var interval = Interval(settings);
        var status = await session.Broker.GetStatusAsync(cancellationToken).ConfigureAwait(false);
        double? produced = null, completed = null, seconds = null;
        if (interval > TimeSpan.Zero)
        {
            var earlier = status;
            await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
            status = await session.Broker.GetStatusAsync(cancellationToken).ConfigureAwait(false);
            var elapsed = (status.TakenAt - earlier.TakenAt).TotalSeconds;
            // Counters that went down mean the broker restarted in between: no rate rather than a negative one.
            if (elapsed > 0 && status.Produced >= earlier.Produced && status.Completed >= earlier.Completed)
            {
                seconds = elapsed;
                produced = (status.Produced - earlier.Produced) / elapsed;
                completed = (status.Completed - earlier.Completed) / elapsed;
            }
        }

        if (session.Json)
        {
            var log = status.Log is { } l ? new LogDocument(l.Bytes, l.Segments, l.Fsyncs, l.FsyncMeanMilliseconds, l.FsyncMaxMilliseconds) : null;
            session.WriteJson(
                new StatsDocument(Kind(status.Kind), status.Description, status.Version, status.ReadOnly, status.ReadOnlyReason, status.TakenAt, status.StartedAt,
                    status.Connections, status.Channels, status.Produced, status.Completed, seconds, produced, completed, log),
                JsonOutput.Context.StatsDocument);
            return ExitCodes.Success;
        }
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        void Row(string name, string value) => grid.AddRow(new Text(name, new Style(decoration: Decoration.Bold)), new Text(value));
        Row("broker", $"{Kind(status.Kind)}: {status.Description}");
        if (status.Version is not null)
            Row("version", status.Version);
        if (status.ReadOnly)
            Row("read-only", status.ReadOnlyReason ?? "yes");
        Row("up since", Formats.TimeWithAge(status.StartedAt, status.TakenAt));
        if (status.Connections is { } connections)
            Row("connections", Formats.Count(connections));
        Row("channels", Formats.Count(status.Channels));
        Row("produced", $"{Formats.Count(status.Produced)}{(produced is null ? "" : $"  ({Formats.Rate(produced)}/s)")}");
        Row("completed", $"{Formats.Count(status.Completed)}{(completed is null ? "" : $"  ({Formats.Rate(completed)}/s)")}");
        if (status.Log is { } log2)
        {
            Row("log", $"{Formats.Bytes(log2.Bytes)} in {Formats.Plural(log2.Segments, "segment")}");
            Row("fsync", log2.Fsyncs == 0
                ? "none yet"
                : $"mean {Formats.Milliseconds(log2.FsyncMeanMilliseconds)}, max {Formats.Milliseconds(log2.FsyncMaxMilliseconds)} (last {Formats.Count(Math.Min(log2.Fsyncs, 1024))} of {Formats.Count(log2.Fsyncs)})");
        }
        if (seconds is not null)
            Row("rates over", string.Create(CultureInfo.InvariantCulture, $"{seconds:0.##} s"));
        session.Terminal.Out.Write(grid);
        return ExitCodes.Success;
    }

    private static TimeSpan Interval(StatsSettings settings) =>
        settings.Interval is null ? TimeSpan.FromSeconds(1) : Durations.Parse(settings.Interval, "--interval", allowZero: true);

    private static string Kind(BrokerKind kind) => kind switch
    {
        BrokerKind.InMemory => "in-memory",
        BrokerKind.Embedded => "embedded",
        _ => "server",
    };
}
