using Broker.Protocol;
using Broker.Server.Tests.Infrastructure;

namespace Broker.Server.Tests.Unit;

/// <summary>
/// The outbound queue's reservations: senders that can wait reserve room for their whole frame first, so however many
/// of them there are, their frames never take the queue past its limit (before, every sender waiting for room was let
/// in at once when room was made, and each added a frame).
/// </summary>
public sealed class OutboundQueueTests
{
    private const int Limit = 1000;

    [Fact]
    public async Task ManySendersWaitingForRoomNeverTakeTheQueuePastItsLimit()
    {
        const int Senders = 20;
        const int FramesEach = 10;
        const int FrameBytes = 100;
        var socket = new GatedStream();
        var queue = new OutboundQueue(socket, Limit);
        var senders = Enumerable.Range(0, Senders).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < FramesEach; i++)
            {
                await queue.ReserveAsync(FrameBytes, CancellationToken.None);
                using var scope = queue.Enter(FrameBytes);
                Frame(scope.Buffer, FrameBytes);
            }
        })).ToList();

        // The socket takes one write at a time, each everything queued then; every write makes room for waiting senders.
        while (socket.Written < Senders * FramesEach * FrameBytes)
        {
            await Waits.UntilAsync(() => socket.Waiting || socket.Written == Senders * FramesEach * FrameBytes, "the next socket write");
            socket.Allow(1);
        }
        await Task.WhenAll(senders);

        Assert.InRange(queue.PeakQueuedBytes, Limit - FrameBytes, Limit);
        await CloseAsync(queue, socket);
    }

    [Fact]
    public async Task AFrameLargerThanTheLimitGoesAloneAndTheNextSenderWaitsForIt()
    {
        var socket = new GatedStream();
        var queue = new OutboundQueue(socket, Limit);

        await queue.ReserveAsync(2500, CancellationToken.None);
        using (var scope = queue.Enter(2500))
            Frame(scope.Buffer, 2500);
        var next = queue.ReserveAsync(10, CancellationToken.None).AsTask();

        await Waits.UntilAsync(() => socket.Waiting, "the large frame's write to start");
        Assert.False(next.IsCompleted);
        socket.Allow(1);
        await next.WaitAsync(Waits.Generous);
        Assert.Equal(2500, queue.PeakQueuedBytes);
        await CloseAsync(queue, socket);
    }

    [Fact]
    public async Task RoomReservedAndGivenBackOrNotUsedGoesToTheNextSenderInOrder()
    {
        var socket = new GatedStream();
        var queue = new OutboundQueue(socket, Limit);
        await queue.ReserveAsync(600, CancellationToken.None);

        var large = queue.ReserveAsync(500, CancellationToken.None).AsTask();
        var small = queue.ReserveAsync(100, CancellationToken.None).AsTask();
        // The small one would fit, but waits its turn behind the large one.
        Assert.False(large.IsCompleted || small.IsCompleted);

        queue.Unreserve(600);
        await Task.WhenAll(large, small).WaitAsync(Waits.Generous);
        // Reserved 500, wrote 200: the 300 it did not use are free again.
        using (var scope = queue.Enter(500))
            Frame(scope.Buffer, 200);
        await queue.ReserveAsync(700, CancellationToken.None).AsTask().WaitAsync(Waits.Generous);
        await CloseAsync(queue, socket);
    }

    [Fact]
    public async Task ACancelledSenderGivesUpItsTurn()
    {
        var socket = new GatedStream();
        var queue = new OutboundQueue(socket, Limit);
        await queue.ReserveAsync(900, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var cancelled = queue.ReserveAsync(500, cancel.Token).AsTask();
        var after = queue.ReserveAsync(100, CancellationToken.None).AsTask();

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await after.WaitAsync(Waits.Generous);
        await CloseAsync(queue, socket);
    }

    [Fact]
    public async Task SendersWaitingForRoomFailWhenTheConnectionFails()
    {
        var socket = new GatedStream();
        var queue = new OutboundQueue(socket, Limit);
        await queue.ReserveAsync(Limit, CancellationToken.None);
        using (var scope = queue.Enter(Limit))
            Frame(scope.Buffer, Limit);
        var waiting = queue.ReserveAsync(10, CancellationToken.None).AsTask();
        await Waits.UntilAsync(() => socket.Waiting, "the write to start");

        socket.Fail();

        await Assert.ThrowsAsync<IOException>(() => waiting.WaitAsync(Waits.Generous));
        await Assert.ThrowsAsync<IOException>(() => queue.ReserveAsync(10, CancellationToken.None).AsTask());
        await CloseAsync(queue, socket);
    }

    private static async Task CloseAsync(OutboundQueue queue, GatedStream socket)
    {
        socket.Open();
        await queue.DisposeAsync();
    }

    private static void Frame(FrameBuffer buffer, int bytes)
    {
        buffer.GetSpan(bytes)[..bytes].Fill(0x2a);
        buffer.Advance(bytes);
    }

    /// <summary>A socket whose writes each wait for the test to allow them (or fail them).</summary>
    private sealed class GatedStream : Stream
    {
        private readonly SemaphoreSlim _writes = new(0);
        private long _written;
        private volatile bool _waiting;
        private volatile bool _failed;
        private volatile bool _open;

        public long Written => Interlocked.Read(ref _written);

        /// <summary>A write is waiting to be allowed.</summary>
        public bool Waiting => _waiting;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public void Allow(int writes)
        {
            _waiting = false;
            _writes.Release(writes);
        }

        /// <summary>Lets every write through from now on.</summary>
        public void Open()
        {
            _open = true;
            Allow(1);
        }

        public void Fail()
        {
            _failed = true;
            Allow(1);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _waiting = true;
            if (!_open)
                await _writes.WaitAsync(cancellationToken);
            if (_failed)
                throw new IOException("Connection reset by peer.");
            Interlocked.Add(ref _written, buffer.Length);
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
