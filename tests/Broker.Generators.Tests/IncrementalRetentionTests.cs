using System.Runtime.CompilerServices;
using Broker.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Broker.Generators.Tests;

/// <summary>
/// The driver keeps the generator's cached models from one run to the next. If a model held a symbol, a syntax node
/// or a semantic model, it would keep the whole compilation of that run alive, edit after edit, in the IDE.
/// </summary>
public sealed class IncrementalRetentionTests
{
    private const string Channels = """
        using System.Collections.Generic;
        using Broker;

        namespace Sample;

        public sealed record User(int Id, string Username);

        public sealed class Order
        {
            public long Id { get; set; }
            public List<User> Buyers { get; set; } = new();
        }

        [Channel("user/registered", Process = QueueMessageProcessing.ExactlyOnce, Dedup = "1s")]
        public partial interface IRegistrationChannel : IQueueChannel<User>;

        [Channel("orders/created")]
        public partial interface IOrderChannel : IQueueChannel<Order>;
        """;

    [Fact]
    public void FirstCompilationIsCollectedWhileTheDriverKeepsItsModels()
    {
        var (driver, firstCompilation) = RunTwice();

        for (var attempt = 0; attempt < 10 && firstCompilation.IsAlive; attempt++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true);
            GC.WaitForPendingFinalizers();
        }

        Assert.False(firstCompilation.IsAlive, "The first run's compilation is still reachable: a cached model or step holds on to it.");
        GC.KeepAlive(driver);
    }

    // Not inlined, so that no local of the test keeps the first compilation, or the driver state of the first run (which
    // rightly holds it), alive in a debug build. Only the driver after the second run comes back.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (GeneratorDriver Driver, WeakReference FirstCompilation) RunTwice()
    {
        var first = GeneratorHarness.Compile(Channels);
        var driver = GeneratorHarness.CreateDriver().RunGenerators(first);
        Assert.Equal(7, driver.GetRunResult().GeneratedTrees.Length);

        // Same text, new compilation: every model compares equal, so the driver keeps the first run's models.
        driver = driver.RunGenerators(GeneratorHarness.Compile(Channels));
        StepAssertions.AllCachedOrUnchanged(driver.GetRunResult().Results.Single());
        return (driver, new WeakReference(first));
    }
}
