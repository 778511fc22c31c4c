using Broker.Tests.Consuming;
using Broker.Transport;

namespace Broker.Tests.Channels;

/// <summary>
/// <see cref="QueueChannel{T}.ProduceAsync"/> is not an async method while nothing listens to Broker's spans; these
/// hold it to what callers of an async method can count on.
/// </summary>
public sealed class QueueChannelProduceTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private static readonly AsyncLocal<string?> Marker = new();

    [Fact]
    public async Task AnAdapterThatAnswersAtOnceLeavesTheCallersContextAsItFoundIt()
    {
        var transport = new ScriptedTransport((_, _) =>
        {
            Marker.Value = "adapter";
            return ValueTask.FromResult(new ProduceResult(ProduceStatus.Enqueued, 1));
        });
        var channel = new QueueChannel<Job>(transport, new ChannelDefinition("jobs"), JobCodec.Instance);
        Marker.Value = "caller";

        var result = await channel.ProduceAsync(new Job(1));

        Assert.Equal(1, result.MessageId);
        Assert.Equal("caller", Marker.Value);
    }

    [Fact]
    public async Task AnAdapterThatAnswersLaterGetsThePayloadUntilItAnswersAndLeavesTheContext()
    {
        var answer = new TaskCompletionSource<ProduceResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var sent = new TaskCompletionSource<OutgoingMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        var transport = new ScriptedTransport((message, _) =>
        {
            Marker.Value = "adapter";
            sent.TrySetResult(message);
            return new ValueTask<ProduceResult>(answer.Task);
        });
        var channel = new QueueChannel<Job>(transport, new ChannelDefinition("jobs"), JobCodec.Instance);
        Marker.Value = "caller";

        var producing = channel.ProduceAsync(new Job(42));
        Assert.Equal("caller", Marker.Value);
        var message = await sent.Task.WaitAsync(Generous);
        // Produces of other messages in the meantime must not reuse the first one's buffer while it waits.
        var others = Enumerable.Range(1000, 10).Select(i => channel.ProduceAsync(new Job(i)).AsTask()).ToList();
        Assert.Equal(JobCodec.Encode(42), message.Payload.ToArray());
        answer.SetResult(new ProduceResult(ProduceStatus.Enqueued, 7));

        Assert.Equal(7, (await producing).MessageId);
        await Task.WhenAll(others).WaitAsync(Generous);
        Assert.Equal("caller", Marker.Value);
    }

    [Fact]
    public async Task ACancellationTheAdapterThrowsAtOnceEndsTheProduceCancelled()
    {
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();
        var transport = new ScriptedTransport((_, token) => throw new OperationCanceledException(token));
        var channel = new QueueChannel<Job>(transport, new ChannelDefinition("jobs"), JobCodec.Instance);

        var producing = channel.ProduceAsync(new Job(1), cancellationToken: cancel.Token);

        Assert.True(producing.IsCanceled);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => producing.AsTask());
    }

    [Fact]
    public async Task AFailureTheAdapterThrowsAtOnceIsTheProducesFault()
    {
        var failure = new InvalidOperationException("broker gone");
        var transport = new ScriptedTransport((_, _) => throw failure);
        var channel = new QueueChannel<Job>(transport, new ChannelDefinition("jobs"), JobCodec.Instance);

        var producing = channel.ProduceAsync(new Job(1));

        Assert.True(producing.IsFaulted);
        Assert.Same(failure, await Assert.ThrowsAsync<InvalidOperationException>(() => producing.AsTask()));
    }

    [Fact]
    public async Task ANullMessageFaultsTheProduceInsteadOfThrowingFromTheCall()
    {
        var transport = new ScriptedTransport((_, _) => throw new InvalidOperationException("not reached"));
        var channel = new QueueChannel<Job>(transport, new ChannelDefinition("jobs"), JobCodec.Instance);

        var producing = channel.ProduceAsync(null!);

        var error = await Assert.ThrowsAsync<ArgumentNullException>(() => producing.AsTask());
        Assert.Contains("'jobs' cannot carry a null message", error.Message, StringComparison.Ordinal);
    }

    /// <summary>An adapter whose channel produces as the test says; nothing else is used.</summary>
    private sealed class ScriptedTransport(Func<OutgoingMessage, CancellationToken, ValueTask<ProduceResult>> produce) : IQueueTransport, ITransportChannel
    {
        public TimeProvider TimeProvider => TimeProvider.System;

        public ChannelDefinition Definition { get; private set; } = new("jobs");

        public ValueTask<ITransportChannel> OpenChannelAsync(ChannelDefinition channel, CancellationToken cancellationToken)
        {
            Definition = channel;
            return new ValueTask<ITransportChannel>(this);
        }

        public ValueTask<ProduceResult> ProduceAsync(OutgoingMessage message, CancellationToken cancellationToken) => produce(message, cancellationToken);

        public ValueTask<TransportHealth> CheckHealthAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<ITransportSubscription> SubscribeAsync(SubscriptionSettings settings, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<IReadOnlyList<DeadLetterEntry>> ListDeadLettersAsync(long afterId, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<DeadLetterEntry?> GetDeadLetterAsync(long id, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<bool> RedriveDeadLetterAsync(long id, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask<bool> DeleteDeadLetterAsync(long id, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
