using Broker.Consuming;
using Broker.Transport;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Broker.Tests.Consuming;

public sealed class SubscriptionRunnerTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private readonly ScriptedSubscription _transport = new();
    private readonly FakeTimeProvider _time = new();

    private SubscriptionRunner<Job> Start(Func<QueueMessage<Job>, CancellationToken, ValueTask> handler, int maxParallel = 1, string channel = "jobs") =>
        SubscriptionRunner<Job>.Start(_transport, new ChannelDefinition(channel), JobCodec.Instance, handler,
            new SubscriptionSettings(maxParallel, Lease), _time, NullLogger.Instance);

    [Fact]
    public async Task AHandlerThatReturnsCompletesItsMessage()
    {
        var seen = new TaskCompletionSource<QueueMessage<Job>>();
        await using var runner = Start((m, _) => { seen.TrySetResult(m); return ValueTask.CompletedTask; });

        var delivery = _transport.Push(JobCodec.Encode(42));

        Assert.Equal(42, (await seen.Task.WaitAsync(Generous)).Data.Number);
        await _transport.WaitForSettlesAsync(1);
        Assert.Equal([("Complete", delivery.Id, (string?)null)], _transport.Settled);
    }

    [Fact]
    public async Task AThrowingHandlerFailsItsMessageTransientlyWithTheError()
    {
        await using var runner = Start((_, _) => throw new InvalidOperationException("database down"));

        var delivery = _transport.Push(JobCodec.Encode(1));

        await _transport.WaitForSettlesAsync(1);
        var (call, id, detail) = Assert.Single(_transport.Settled);
        Assert.Equal(("FailTransient", delivery.Id), (call, id));
        Assert.Equal("System.InvalidOperationException: database down", detail);
    }

    [Fact]
    public async Task AnUndecodablePayloadFailsPermanentlyWithoutCallingTheHandler()
    {
        var called = false;
        await using var runner = Start((_, _) => { called = true; return ValueTask.CompletedTask; });

        _transport.Push([9, 0, 0, 0, 0xFF, 0, 0, 0, 0]);

        await _transport.WaitForSettlesAsync(1);
        var (call, _, detail) = Assert.Single(_transport.Settled);
        Assert.Equal("FailPermanent", call);
        Assert.Contains("cannot be decoded as Job", detail, StringComparison.Ordinal);
        Assert.False(called);
    }

    [Fact]
    public async Task ARequestedRetryIsSettledAsARetryWithItsDelay()
    {
        await using var runner = Start((m, _) => { m.RetryAfter(TimeSpan.FromSeconds(7)); return ValueTask.CompletedTask; });

        _transport.Push(JobCodec.Encode(1));

        await _transport.WaitForSettlesAsync(1);
        Assert.Equal(("Retry", TimeSpan.FromSeconds(7).ToString()), (_transport.Settled.Single().Call, _transport.Settled.Single().Detail));
    }

    [Fact]
    public async Task LeasesAreRenewedEveryThirdOfTheLeaseWhileTheHandlerRuns()
    {
        var release = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        await using var runner = Start(async (_, _) => { started.TrySetResult(); await release.Task; });
        var delivery = _transport.Push(JobCodec.Encode(1));
        await started.Task.WaitAsync(Generous);

        _time.Advance(Lease / 3);
        _time.Advance(Lease / 3);
        await WaitUntilAsync(() => _transport.Renewals.Count >= 2);
        release.SetResult();
        await _transport.WaitForSettlesAsync(1);
        var renewalsWhileRunning = _transport.Renewals.Count;
        _time.Advance(Lease);

        Assert.All(_transport.Renewals, id => Assert.Equal(delivery.Id, id));
        Assert.Equal(renewalsWhileRunning, _transport.Renewals.Count);
    }

    [Fact]
    public async Task ALeaseLostAtRenewalCancelsTheHandlerAndSettlesNothing()
    {
        _transport.RenewalsSucceed = false;
        var cancelled = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        await using var runner = Start(async (_, ct) =>
        {
            started.TrySetResult();
            try { await Task.Delay(Timeout.Infinite, ct); }
            catch (OperationCanceledException) { cancelled.TrySetResult(); throw; }
        });
        _transport.Push(JobCodec.Encode(1));
        await started.Task.WaitAsync(Generous);

        _time.Advance(Lease / 3);

        await cancelled.Task.WaitAsync(Generous);
        await WaitUntilAsync(() => runner.RunningHandlers == 0);
        Assert.Empty(_transport.Settled);
    }

    [Fact]
    public async Task ALeaseLostAtRenewalIsCountedAndEndsTheProcessSpanWithItsOutcome()
    {
        const string Channel = "jobs/lease-metric";
        var lost = new System.Collections.Concurrent.ConcurrentQueue<string?>();
        using var meters = new System.Diagnostics.Metrics.MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "broker.client.lease_lost")
                listener.EnableMeasurementEvents(instrument);
        };
        meters.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "messaging.destination.name" && (string?)tag.Value == Channel)
                    lost.Enqueue(value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        });
        meters.Start();
        var spans = new System.Collections.Concurrent.ConcurrentQueue<System.Diagnostics.Activity>();
        var spanStopped = new TaskCompletionSource();
        using var tracing = new System.Diagnostics.ActivityListener
        {
            ShouldListenTo = source => source.Name == "Broker",
            Sample = static (ref System.Diagnostics.ActivityCreationOptions<System.Diagnostics.ActivityContext> _) => System.Diagnostics.ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.DisplayName == "process " + Channel)
                {
                    spans.Enqueue(a);
                    spanStopped.TrySetResult();
                }
            },
        };
        System.Diagnostics.ActivitySource.AddActivityListener(tracing);

        _transport.RenewalsSucceed = false;
        var started = new TaskCompletionSource();
        await using var runner = Start(async (_, ct) => { started.TrySetResult(); await Task.Delay(Timeout.Infinite, ct); }, channel: Channel);
        _transport.Push(JobCodec.Encode(1));
        await started.Task.WaitAsync(Generous);

        _time.Advance(Lease / 3);

        await spanStopped.Task.WaitAsync(Generous);
        Assert.Equal(["1"], lost);
        var span = Assert.Single(spans);
        Assert.Equal("lease_lost", span.GetTagItem("messaging.broker.settle.outcome"));
        Assert.Equal(System.Diagnostics.ActivityStatusCode.Error, span.Status);
    }

    [Fact]
    public async Task ALeaseLostAfterItsHandlerFinishedCancelsNoOtherHandler()
    {
        // The runner reuses a finished handler's cancellation source for the next message: the answer to a renewal
        // sent while the first handler ran, arriving after it finished, must not cancel the second.
        var renewal = new TaskCompletionSource<bool>();
        _transport.RenewWith = _ => renewal.Task;
        var releaseFirst = new TaskCompletionSource();
        var secondStarted = new TaskCompletionSource<CancellationToken>();
        var releaseSecond = new TaskCompletionSource();
        var firstStarted = new TaskCompletionSource();
        await using var runner = Start(async (m, ct) =>
        {
            if (m.Data.Number == 1)
            {
                firstStarted.TrySetResult();
                await releaseFirst.Task.WaitAsync(ct);
                return;
            }
            secondStarted.TrySetResult(ct);
            await releaseSecond.Task.WaitAsync(ct);
        });
        var first = _transport.Push(JobCodec.Encode(1));
        await firstStarted.Task.WaitAsync(Generous);
        _time.Advance(Lease / 3);
        await WaitUntilAsync(() => _transport.Renewals.Count == 1);
        releaseFirst.SetResult();
        await _transport.WaitForSettlesAsync(1);
        var second = _transport.Push(JobCodec.Encode(2));
        var token = await secondStarted.Task.WaitAsync(Generous);

        // Completing the renewal runs its continuation, which learns the lease of message 1 was lost, on this thread.
        renewal.SetResult(false);

        Assert.False(token.IsCancellationRequested);
        releaseSecond.SetResult();
        await _transport.WaitForSettlesAsync(2);
        Assert.Equal([("Complete", first.Id, (string?)null), ("Complete", second.Id, null)], _transport.Settled);
    }

    [Fact]
    public async Task StopHandsBackQueuedDeliveriesAndWaitsForTheRunningOne()
    {
        var release = new TaskCompletionSource();
        var started = new TaskCompletionSource();
        var runner = Start(async (_, _) => { started.TrySetResult(); await release.Task; });
        var running = _transport.Push(JobCodec.Encode(1));
        await started.Task.WaitAsync(Generous);
        var queued = _transport.Push(JobCodec.Encode(2));

        var stopping = runner.StopAsync(CancellationToken.None);
        await _transport.WaitForSettlesAsync(1);
        Assert.Equal(("Release", queued.Id), (_transport.Settled.Single().Call, _transport.Settled.Single().Id));
        Assert.False(stopping.IsCompleted);
        release.SetResult();
        await stopping.WaitAsync(Generous);

        Assert.Contains(("Complete", running.Id, (string?)null), _transport.Settled);
        Assert.True(_transport.Disposed);
        await runner.DisposeAsync();
    }

    [Fact]
    public async Task DisposeCancelsRunningHandlersAndHandsTheirMessagesBack()
    {
        var started = new TaskCompletionSource();
        var runner = Start(async (_, ct) => { started.TrySetResult(); await Task.Delay(Timeout.Infinite, ct); });
        var delivery = _transport.Push(JobCodec.Encode(1));
        await started.Task.WaitAsync(Generous);

        await runner.DisposeAsync().AsTask().WaitAsync(Generous);

        Assert.Equal([("Release", delivery.Id, (string?)null)], _transport.Settled);
        Assert.True(_transport.Disposed);
        Assert.Equal(0, runner.RunningHandlers);
    }

    [Fact]
    public async Task HandlersRunInParallelUpToTheDeliveriesGiven()
    {
        var gate = new TaskCompletionSource();
        var running = 0;
        var threeRunning = new TaskCompletionSource();
        await using var runner = Start(async (_, _) =>
        {
            if (Interlocked.Increment(ref running) == 3) threeRunning.TrySetResult();
            await gate.Task;
        }, maxParallel: 3);

        for (var i = 0; i < 3; i++) _transport.Push(JobCodec.Encode(i));

        await threeRunning.Task.WaitAsync(Generous);
        Assert.Equal(3, runner.RunningHandlers);
        gate.SetResult();
        await _transport.WaitForSettlesAsync(3);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(started.Elapsed < Generous, "Timed out waiting for the condition.");
            await Task.Delay(5);
        }
    }
}
