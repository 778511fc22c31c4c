using Broker.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Broker.Analyzers.Tests;

/// <summary>
/// The generator emits nothing for a declaration the analyzers report as an error, and the channel beside it is still
/// generated: a build fails on the analyzer's message, never on an error inside generated code.
/// </summary>
public sealed class AnalyzersAndGeneratorAgreeTests
{
    private const string Fine = """
        [Channel("sample/fine")]
        public partial interface IFineChannel : IQueueChannel<User>;

        """;

    // One declaration per error (a key is the id, then what the case is when an id has several); every bad interface's
    // name starts with IBad.
    private static readonly Dictionary<string, string> InvalidDeclarations = new(StringComparer.Ordinal)
    {
        ["BRK0001"] = """[Channel("sample/bad")] public interface IBadChannel : IQueueChannel<User>;""",
        ["BRK0002"] = """[Channel("sample/bad")] public partial interface IBadChannel;""",
        ["BRK0003"] = """public sealed record Order(int Id); [Channel("sample/bad")] public partial interface IBadChannel : IQueueChannel<User>, IQueueChannel<Order>;""",
        ["BRK0004"] = """[Channel("sample/bad")] public partial interface IBadChannel<T> : IQueueChannel<User>;""",
        ["BRK0005"] = """public static partial class Outer { [Channel("sample/bad")] private partial interface IBadChannel : IQueueChannel<User>; }""",
        ["BRK0005 file-local"] = """[Channel("sample/bad")] file partial interface IBadChannel : IQueueChannel<User>;""",
        ["BRK0006"] = """[Channel("sample//bad")] public partial interface IBadChannel : IQueueChannel<User>;""",
        ["BRK0007"] = """
            [Channel("sample/twice")] public partial interface IBadChannel : IQueueChannel<User>;
            [Channel("sample/twice")] public partial interface IBadTwinChannel : IQueueChannel<User>;
            """,
        ["BRK0008"] = """[Channel("sample/bad", Process = QueueMessageProcessing.ExactlyOnce, Dedup = "1 secs.")] public partial interface IBadChannel : IQueueChannel<User>;""",
        ["BRK0010"] = """[Channel("sample/bad", MaxAttempts = 0)] public partial interface IBadChannel : IQueueChannel<User>;""",
        ["BRK0011"] = """[Channel("sample/bad", RetryDelay = "soon")] public partial interface IBadChannel : IQueueChannel<User>;""",
        ["BRK0012"] = """[Channel("sample/bad")] public partial interface IBadChannel : IQueueChannel<User> { void Extra(); }""",
        ["BRK0012 static abstract"] = """[Channel("sample/bad")] public partial interface IBadChannel : IQueueChannel<User> { static abstract string Describe(); }""",
        ["BRK0013 nullable message"] = """[Channel("sample/bad")] public partial interface IBadChannel : IQueueChannel<User?>;""",
        ["BRK0015"] = """[Channel("sample/bad", Process = (QueueMessageProcessing)7)] public partial interface IBadChannel : IQueueChannel<User>;""",
        ["BRK0016"] = """public static class Outer { [Channel("sample/bad")] public partial interface IBadChannel : IQueueChannel<User>; }""",
        ["BRK0017"] = """[Channel("sample/bad")] public partial interface IBadChannel : IQueueChannel<User> { public sealed class Implementation { } }""",
        ["BRK0020"] = """[Channel("sample/bad", OrderBy = "Name")] public partial interface IBadChannel : IQueueChannel<User>;""",
        ["BRK0020 static"] = """public sealed record Counted(int Id) { public static int Total { get; set; } } [Channel("sample/bad", OrderBy = nameof(Counted.Total))] public partial interface IBadChannel : IQueueChannel<Counted>;""",
        ["BRK0021"] = """public sealed record Timed(System.DateTime At); [Channel("sample/bad", OrderBy = nameof(Timed.At))] public partial interface IBadChannel : IQueueChannel<Timed>;""",
        ["BRK0022"] = """[Channel("sample/bad", OrderBy = "")] public partial interface IBadChannel : IQueueChannel<User>;""",
    };

    public static TheoryData<string> InvalidDeclarationIds => [.. InvalidDeclarations.Keys];

    [Theory]
    [MemberData(nameof(InvalidDeclarationIds))]
    public async Task DeclarationWithAnErrorGetsNoGeneratedCode(string @case)
    {
        var build = await BuildAsync(Fine + InvalidDeclarations[@case]);

        Assert.Contains(build.BrokerDiagnostics, d => d.Id == @case.Split(' ')[0] && d.Severity == DiagnosticSeverity.Error);
        Assert.All(build.Generated, tree => Assert.DoesNotContain("IBad", tree.ToString(), StringComparison.Ordinal));
        Assert.True(BuildResult.IsImplemented(build.Channels.Single(c => c.Name == "IFineChannel")), "The valid channel beside it was not generated.");
        Assert.Empty(build.ErrorsInGeneratedCode);
    }

    [Fact]
    public void EveryDeclarationErrorHasACaseAbove()
    {
        // The declaration analyzers' errors; BRK0014 is about AddConsumer calls, and message types have their own tests.
        var errors = new DiagnosticAnalyzer[] { new ChannelDeclarationAnalyzer(), new DuplicateChannelNameAnalyzer() }
            .SelectMany(a => a.SupportedDiagnostics)
            .Where(d => d.DefaultSeverity == DiagnosticSeverity.Error)
            .Select(d => d.Id)
            .Distinct();
        Assert.Empty(errors.Except(InvalidDeclarations.Keys.Select(key => key.Split(' ')[0])));
    }

    [Fact]
    public async Task DedupOnAnAtLeastOnceChannelOnlyWarnsAndIsGenerated()
    {
        var build = await BuildAsync(Fine + """
            [Channel("sample/warned", Dedup = "1s")]
            public partial interface IWarnedChannel : IQueueChannel<User>;
            """);

        var warning = Assert.Single(build.BrokerDiagnostics);
        Assert.Equal((BrokerDiagnostics.DedupOnAtLeastOnceId, DiagnosticSeverity.Warning), (warning.Id, warning.Severity));
        Assert.All(build.Channels, channel => Assert.True(BuildResult.IsImplemented(channel), channel.Name));
    }

    [Fact]
    public async Task ValidDeclarationsOfEveryShapeGetNoDiagnosticAndAreAllGenerated()
    {
        var build = await BuildAsync(Fine + """
            public static partial class Channels
            {
                internal partial interface Users
                {
                    [Channel("user/deleted", Process = QueueMessageProcessing.ExactlyOnce, Dedup = "5m", MaxAttempts = 2, RetryDelay = "1.5h")]
                    public partial interface IDeletionChannel : IQueueChannel<User>
                    {
                        static string Describe() => "deletions";
                    }
                }
            }

            public interface IUserChannel : IQueueChannel<User>;

            [Channel("user/renamed")]
            internal partial interface IRenameChannel : IUserChannel;

            public enum Tier : short { Free = -1, Paid = 1 }
            public class Account { public System.Guid? TenantId { get; set; } internal Tier? Tier { get; set; } }
            public sealed class Upgrade : Account { public ulong Sequence; }

            [Channel("accounts/by-tenant", OrderBy = nameof(Upgrade.TenantId))]
            public partial interface IByTenantChannel : IQueueChannel<Upgrade>;

            [Channel("accounts/by-tier", OrderBy = nameof(Upgrade.Tier))]
            public partial interface IByTierChannel : IQueueChannel<Upgrade>;

            [Channel("accounts/by-sequence", OrderBy = nameof(Upgrade.Sequence))]
            public partial interface IBySequenceChannel : IQueueChannel<Upgrade>;

            [Channel("accounts/by-produce", Ordered = true)]
            public partial interface IByProduceChannel : IQueueChannel<Upgrade>;

            public sealed record Envelope<TPayload>(string Kind, TPayload Payload);
            public sealed class Page<T> { public int Number { get; set; } public System.Collections.Generic.List<T> Items { get; set; } = new(); }

            [Channel("user/enveloped", OrderBy = nameof(Envelope<User>.Kind))]
            public partial interface IEnvelopedChannel : IQueueChannel<Envelope<User>>;

            [Channel("user/pages")]
            public partial interface IPageChannel : IQueueChannel<Page<Envelope<User>>>;
            """);

        Assert.True(!build.BrokerDiagnostics.Any(), BuildResult.Describe(build.BrokerDiagnostics));
        Assert.Equal(9, build.Channels.Count);
        Assert.All(build.Channels, channel => Assert.True(BuildResult.IsImplemented(channel), channel.Name));
        Assert.Empty(build.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    private static Task<BuildResult> BuildAsync(string source) =>
        SimulatedBuild.RunAsync(SimulatedBuild.Compile("Agreement", [SimulatedBuild.Parse(BrokerAnalyzerTest.Preamble + source, "Channels.cs")]));
}
