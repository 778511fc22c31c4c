using System.Globalization;
using System.Text;

namespace Broker.Generators.Tests;

/// <summary>
/// A made-up application with many channels, one file each, whose message types cycle through the shapes the codec
/// supports: records and classes, primitives, strings, Guid and DateTime, enums, nullable values, arrays, lists,
/// dictionaries, nested classes and structs shared between channels. The incrementality tests and the generator
/// benchmark (tests/Broker.Benchmarks.Generator, which links this file) both build it.
/// </summary>
internal static class SyntheticProject
{
    /// <summary>The file no channel depends on; <see cref="EditUnrelatedFile"/> changes a method body in it.</summary>
    public const string UnrelatedPath = "Services/Clock.cs";

    public const string UnrelatedSource = """
        namespace Synthetic.Services;

        public sealed class Clock
        {
            public long Ticks() => 1;
        }
        """;

    /// <summary>Path and text of every file: the shared types, the unrelated file, then one file per channel.</summary>
    public static IReadOnlyList<(string Path, string Source)> Files(int channels)
    {
        var files = new List<(string, string)> { ("Shared/Types.cs", SharedTypes), (UnrelatedPath, UnrelatedSource) };
        for (var i = 0; i < channels; i++)
            files.Add(($"Channels/Channel{i:0000}.cs", Channel(i)));
        return files;
    }

    /// <summary>The unrelated file after an edit that changes no type, member or attribute anywhere.</summary>
    public static string EditUnrelatedFile(int edit) =>
        UnrelatedSource.Replace("=> 1;", "=> " + (edit + 2).ToString(CultureInfo.InvariantCulture) + ";", StringComparison.Ordinal);

    /// <summary>The interface name of channel <paramref name="index"/>, as it appears in hint names.</summary>
    public static string InterfaceName(int index) => $"Synthetic.Area{index / 50:00}.IChannel{index:0000}";

    private const string SharedTypes = """
        using System;
        using System.Collections.Generic;

        namespace Synthetic.Shared;

        public enum Status { Draft, Active, Closed }

        public enum Region : long { North = 1, South = 1L << 40 }

        public sealed class Address
        {
            public string Street { get; set; } = "";
            public string City { get; set; } = "";
            public int Zip { get; set; }
        }

        public struct Money
        {
            public long Cents { get; set; }
            public string Currency { get; set; }
        }

        public sealed record Tag(string Key, string? Value);
        """;

    // Five shapes in turn, with the channel settings varied independently.
    private static string Channel(int i)
    {
        var ns = $"Synthetic.Area{i / 50:00}";
        var message = $"Message{i:0000}";
        var body = (i % 5) switch
        {
            0 => $$"""
                public sealed record {{message}}(int Id, long Sequence, string Name, bool Flag, double Score);
                """,
            1 => $$"""
                public sealed class {{message}}
                {
                    public Guid Id { get; set; }
                    public DateTime CreatedAt { get; set; }
                    public List<string> Labels { get; set; } = new();
                    public Dictionary<string, int> Counts { get; set; } = new();
                }
                """,
            2 => $$"""
                public sealed record {{message}}(int Id, Address ShipTo, Money Total, Status Status, Region Region);
                """,
            3 => $$"""
                public sealed class {{message}}
                {
                    public int? RetryCount { get; set; }
                    public byte[]? Signature { get; set; }
                    public int[][]? Grid { get; set; }
                    public Money? Discount { get; set; }
                    public string? Note { get; set; }
                }
                """,
            _ => $$"""
                public sealed class {{message}}
                {
                    public IReadOnlyList<Tag> Tags { get; set; } = Array.Empty<Tag>();
                    public IReadOnlyDictionary<string, List<int>?>? Buckets { get; set; }
                    public List<Address>? Stops { get; set; }
                    public char Grade { get; set; }
                    public float Ratio { get; set; }
                }
                """,
        };
        var settings = (i % 3) switch
        {
            0 => "",
            1 => ", Process = QueueMessageProcessing.ExactlyOnce, Dedup = \"" + (1 + i % 60).ToString(CultureInfo.InvariantCulture) + "s\"",
            _ => ", MaxAttempts = " + (1 + i % 9).ToString(CultureInfo.InvariantCulture) + ", RetryDelay = \"250ms\"",
        };
        return new StringBuilder()
            .AppendLine("using System;")
            .AppendLine("using System.Collections.Generic;")
            .AppendLine("using Broker;")
            .AppendLine("using Synthetic.Shared;")
            .AppendLine()
            .AppendLine($"namespace {ns};")
            .AppendLine()
            .AppendLine(body)
            .AppendLine()
            .AppendLine($"[Channel(\"area{i / 50:00}/channel-{i:0000}\"{settings})]")
            .AppendLine($"public partial interface IChannel{i:0000} : IQueueChannel<{message}>;")
            .ToString();
    }
}
