using System.Globalization;
using System.Text;
using Broker.Nats.Naming;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace Broker.Nats.Consuming;

/// <summary>
/// One subscription's pull requests to the partition consumers of an ordered channel, sent by hand
/// (<c>$JS.API.CONSUMER.MSG.NEXT</c>, one message each) with one long-lived inbox as their reply subject, instead of
/// NATS.Net's fetch (which listens on a per-request inbox and stops listening at its own idea of the end). Every reply
/// therefore reaches us for as long as the subscription lives: a message that comes after we gave a request up (the
/// server fell silent past the expiry) is still received and handed to <see cref="_stray"/> instead of being lost in
/// an inbox nobody reads. The subscription also needs to know when its request is <b>on the server</b>, so that it
/// can queue one before it NAKs a partition's message (see <c>NatsSubscription.Partitions.cs</c>, "guard"); a fetch
/// does not say when its request was sent.
/// </summary>
internal sealed class PartitionRequests : IAsyncDisposable
{
    /// <summary>The server sends one while a request waits (at most every half expiry); three missed in a row mean the request is gone (a reconnect).</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromMilliseconds(500);

    // The 408 comes at the expiry; past it by this much, with no word from the server, the request is given up.
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);

    private readonly INatsConnection _connection;
    private readonly ChannelNames _names;
    private readonly TimeProvider _time;
    private readonly Func<INatsJSMsg<byte[]>, int, Task> _stray;
    private readonly INatsJSContext _js;
    // Not under the connection's own inbox prefix: NATS.Net routes subjects under that prefix by exact match, which
    // would never match our wildcard subscription.
    private readonly string _inbox = "_INBOX." + Guid.NewGuid().ToString("N");
    private readonly Lock _gate = new();
    private readonly Dictionary<int, Request> _open = [];
    // Guarded by _gate: requests we gave up on (silent, or past their expiry) without the server saying it ended them.
    // The server may still have answered one before it expired, with the message waiting in our socket buffer (this
    // process was frozen or starved): arriving now, it would look like the answer to the partition's next request, whose
    // lease clock started later. So a partition's next message is left as a stray while it has one (see ReceiveAsync).
    private readonly HashSet<(int Partition, long Id)> _abandoned = [];
    private INatsSub<byte[]>? _subscription;
    private Task _reading = Task.CompletedTask;
    private long _ids;

    private PartitionRequests(INatsConnection connection, INatsJSContext js, ChannelNames names, TimeProvider time, Func<INatsJSMsg<byte[]>, int, Task> stray)
    {
        _connection = connection;
        _js = js;
        _names = names;
        _time = time;
        _stray = stray;
    }

    /// <summary>Subscribes the inbox; <paramref name="stray"/> receives a partition's message that arrived for no open request of ours (we gave it up first).</summary>
    public static async Task<PartitionRequests> StartAsync(INatsConnection connection, INatsJSContext js, ChannelNames names, TimeProvider time, Func<INatsJSMsg<byte[]>, int, Task> stray, CancellationToken cancellationToken)
    {
        var requests = new PartitionRequests(connection, js, names, time, stray);
        requests._subscription = await connection.SubscribeCoreAsync<byte[]>(requests._inbox + ".>", cancellationToken: cancellationToken).ConfigureAwait(false);
        requests._reading = Task.Run(requests.ReadAsync, CancellationToken.None);
        return requests;
    }

    /// <summary>
    /// Sends a request for one message of <paramref name="partition"/>, waiting up to <paramref name="expires"/> on the
    /// server. Returns once the request is sent (the server handles a connection's messages in order, so a NAK sent
    /// after this returns finds the request queued); the task it returns ends with the message, or with null when the
    /// server ended the request (408 at its expiry, 409, 404) or fell silent. One request per partition at a time.
    /// </summary>
    public async Task<Task<INatsJSMsg<byte[]>?>> SendAsync(int partition, TimeSpan expires, CancellationToken cancellationToken)
    {
        var request = new Request(partition, Interlocked.Increment(ref _ids), _time.GetTimestamp());
        lock (_gate)
        {
            if (!_open.TryAdd(partition, request))
                throw new InvalidOperationException($"A request for partition {partition} is already open.");
        }
        // The server refuses a heartbeat longer than half the expiry.
        var heartbeat = expires / 2 < Heartbeat ? expires / 2 : Heartbeat;
        request.Heartbeat = heartbeat;
        var body = "{\"batch\":1,\"expires\":" + Nanoseconds(expires) + ",\"idle_heartbeat\":" + Nanoseconds(heartbeat) + "}";
        var subject = "$JS.API.CONSUMER.MSG.NEXT." + _names.WorkStream + "." + ChannelNames.PartitionConsumer(partition);
        var reply = _inbox + "." + partition.ToString(CultureInfo.InvariantCulture) + "." + request.Id.ToString(CultureInfo.InvariantCulture);
        try
        {
            await _connection.PublishAsync(subject, Encoding.ASCII.GetBytes(body), replyTo: reply, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            End(request);
            throw;
        }
        return WaitAsync(request, expires);
    }

    private async Task<INatsJSMsg<byte[]>?> WaitAsync(Request request, TimeSpan expires)
    {
        var giveUpAt = request.SentAt + Ticks(expires + Grace);
        while (!request.Result.Task.IsCompleted)
        {
            try
            {
                await request.Result.Task.WaitAsync(request.Heartbeat * 3, _time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                var now = _time.GetTimestamp();
                // Silent for three heartbeats: the server no longer has the request (the connection was lost meanwhile).
                if (now - Volatile.Read(ref request.LastHeard) > Ticks(request.Heartbeat * 3) || now > giveUpAt)
                    End(request, abandoned: true);
            }
        }
        return await request.Result.Task.ConfigureAwait(false);
    }

    private void End(Request request, bool abandoned = false)
    {
        lock (_gate)
        {
            if (_open.TryGetValue(request.Partition, out var open) && open == request)
            {
                _open.Remove(request.Partition);
                if (abandoned)
                    _abandoned.Add((request.Partition, request.Id));
            }
        }
        request.Result.TrySetResult(null);
    }

    private async Task ReadAsync()
    {
        await foreach (var message in _subscription!.Msgs.ReadAllAsync().ConfigureAwait(false))
        {
            try
            {
                if (message.ReplyTo is { } reply && reply.StartsWith("$JS.ACK.", StringComparison.Ordinal))
                    await ReceiveAsync(new NatsJSMsg<byte[]>(message, _js)).ConfigureAwait(false);
                else
                    ReceiveStatus(message);
            }
            catch (Exception ex) when (ex is NatsException or OperationCanceledException or ObjectDisposedException)
            {
                // The stray handler could not settle it: the server redelivers it after its ack wait.
            }
        }
    }

    private async Task ReceiveAsync(NatsJSMsg<byte[]> message)
    {
        if (_names.PartitionOf(message.Subject) is not { } partition) return;
        Request? request = null;
        lock (_gate)
        {
            // Possibly the late answer to a request given up on (a message's subject does not say which request it
            // answers): left as a stray, the server redelivers it after its ack wait; the open request stays open. Each
            // request brings at most one message, so one stray clears one abandoned request.
            var stale = _abandoned.FirstOrDefault(a => a.Partition == partition);
            // Ids start at 1, so the default (0, 0) is never one.
            if (!_abandoned.Remove(stale))
                _open.Remove(partition, out request); // Batch 1: whatever arrives for the partition answers its open request.
        }
        if (request is null || !request.Result.TrySetResult(message))
            await _stray(message, partition).ConfigureAwait(false);
    }

    /// <summary>A status reply: 100 (heartbeat: the request still waits), anything else ends the request (408 expired, 409, 404, 503).</summary>
    private void ReceiveStatus(NatsMsg<byte[]> message)
    {
        var tokens = message.Subject.AsSpan(_inbox.Length);
        if (tokens.Length < 2 || tokens[0] != '.') return;
        tokens = tokens[1..];
        var dot = tokens.IndexOf('.');
        if (dot < 0
            || !int.TryParse(tokens[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var partition)
            || !long.TryParse(tokens[(dot + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            return;
        Request? request;
        lock (_gate)
        {
            // The server ended a request we had given up on: no late message can come for it.
            if (message.Headers?.Code != 100 && _abandoned.Remove((partition, id))) return;
            if (!_open.TryGetValue(partition, out request) || request.Id != id) return;
        }
        if (message.Headers?.Code == 100)
            Volatile.Write(ref request.LastHeard, _time.GetTimestamp());
        else
            End(request);
    }

    public async ValueTask DisposeAsync()
    {
        Request[] open;
        lock (_gate)
        {
            open = [.. _open.Values];
            _open.Clear();
        }
        foreach (var request in open) request.Result.TrySetResult(null);
        if (_subscription is not null)
        {
            try
            {
                await _subscription.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is NatsException or ObjectDisposedException)
            {
            }
        }
        await _reading.ConfigureAwait(false);
    }

    private long Ticks(TimeSpan duration) => (long)(duration.TotalSeconds * _time.TimestampFrequency);

    private static string Nanoseconds(TimeSpan duration) => (duration.Ticks * 100).ToString(CultureInfo.InvariantCulture);

    private sealed class Request(int partition, long id, long sentAt)
    {
        public readonly TaskCompletionSource<INatsJSMsg<byte[]>?> Result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public long LastHeard = sentAt;

        public TimeSpan Heartbeat { get; set; } = PartitionRequests.Heartbeat;

        public int Partition { get; } = partition;

        public long Id { get; } = id;

        public long SentAt { get; } = sentAt;
    }
}
