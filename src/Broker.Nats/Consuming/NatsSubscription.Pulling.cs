using Broker.Nats.JetStream;
using Broker.Nats.Naming;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace Broker.Nats.Consuming;

// Pulling and credit: what this subscription asks the server for, and when. Kept apart from leases and settling because
// it is the only part that decides how much a worker holds (MaxParallel less what it holds, per priority level).
internal sealed partial class NatsSubscription
{
    // A partition pull in flight holds one credit: the server may answer it with a message at any time until it expires.
    private int FreeCredit()
    {
        lock (_gate) return _settings.MaxParallel - _held.Count - _partitionPulls.Count;
    }

    private int[] Levels()
    {
        lock (_gate) return [.. _levels];
    }

    private bool AddLevel(int level)
    {
        lock (_gate) return _levels.Add(level);
    }

    private async Task PullLoopAsync()
    {
        var token = _stopPulling.Token;
        var discoverEvery = _context.Ticks(_context.Options.PollInterval * 10);
        var lastDiscovery = _context.Now;
        var refreshEvery = _context.Ticks(_context.Options.PollInterval);
        var lastRefresh = _context.Now - refreshEvery - 1;
        while (!token.IsCancellationRequested)
        {
            try
            {
                if (_context.Now - lastDiscovery > discoverEvery)
                {
                    await DiscoverLevelsAsync(token).ConfigureAwait(false);
                    lastDiscovery = _context.Now;
                }
                if (Definition.Ordered && _context.Now - lastRefresh > refreshEvery)
                {
                    await RefreshPartitionsAsync(token).ConfigureAwait(false);
                    lastRefresh = _context.Now;
                }
                var got = 0;
                var partitionsStarted = !Definition.Ordered;
                foreach (var level in Levels())
                {
                    // Keyed messages rank as priority 0, just ahead of unkeyed ones of that level (docs/nats.md).
                    if (!partitionsStarted && level <= 0)
                    {
                        StartPartitionPulls();
                        partitionsStarted = true;
                    }
                    var free = FreeCredit();
                    if (free <= 0 || token.IsCancellationRequested) break;
                    // Not cancelled by a stop: a pull is short (no wait), and abandoning one could strand a message the
                    // server already sent us until its ack wait ends. What it brings is handed back by the runner.
                    got += await PullAsync(level, free, _disposed.Token).ConfigureAwait(false);
                }
                if (!partitionsStarted && !token.IsCancellationRequested)
                    StartPartitionPulls();
                // Any free credit is pulled for at once, however small: consuming is bound by how soon a slot is
                // refilled (each slot waits for its confirmed ack, then for a pull), and batching larger pulls, which
                // saves pull requests, measured slower (docs/performance.md, "NATS adapter").
                if (got == 0 || FreeCredit() <= 0)
                    await _wake.WaitAsync(_context.Options.PollInterval, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogPullFailed(_context.Logger, ex, Definition.Name);
                try
                {
                    await Task.Delay(_context.Options.PollInterval, _context.Time, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    private async Task<int> PullAsync(int level, int free, CancellationToken cancellationToken)
    {
        var consumer = await _channel.LevelConsumerAsync(level, cancellationToken).ConfigureAwait(false);
        var sentAt = _context.Now;
        var accepted = 0;
        // No wait: the server answers at once with what is there (404 when nothing). The heartbeat timeout only ends a
        // request whose messages another worker took first.
        var opts = new NatsJSFetchOpts { MaxMsgs = free, Expires = TimeSpan.FromSeconds(2), IdleHeartbeat = TimeSpan.FromSeconds(1) };
        await foreach (var message in consumer.FetchNoWaitAsync<byte[]>(opts, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (await AcceptAsync(message, level, sentAt).ConfigureAwait(false))
                accepted++;
        }
        return accepted;
    }

    private Task<bool> AcceptAsync(INatsJSMsg<byte[]> message, int level, long sentAt)
    {
        if (message.Metadata is not { } metadata) return Task.FromResult(false);
        // A message as first produced, without user headers, carries only Nats-Msg-Id: nothing of ours to look up.
        var headers = message.Headers;
        if (headers is { Count: 1 } && headers.ContainsKey(MessageHeaders.NatsMsgId)) headers = null;
        var priorTries = (int)(MessageHeaders.GetLong(headers, MessageHeaders.Tries) ?? 0);
        var priorRetries = (int)(MessageHeaders.GetLong(headers, MessageHeaders.Retries) ?? 0);
        var producedAt = MessageHeaders.GetLong(headers, MessageHeaders.ProducedAt) is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : metadata.Timestamp;
        var delivery = new NatsDelivery(
            Definition.Name,
            MessageHeaders.GetLong(headers, MessageHeaders.Id) ?? (long)metadata.Sequence.Stream,
            message.Data ?? [],
            priorTries + (int)metadata.NumDelivered,
            producedAt,
            level,
            _context.NextLeaseToken(),
            message,
            level,
            priorTries,
            priorRetries,
            sentAt + _context.Ticks(_settings.LeaseDuration),
            sentAt + _context.Ticks(_context.Options.AckWait),
            MessageHeaders.GetUser(headers));
        return HandOverAsync(delivery);
    }

    /// <summary>Gives a delivery to the runner, or dead-letters it unhandled when every allowed attempt already lost its lease.</summary>
    private async Task<bool> HandOverAsync(NatsDelivery delivery)
    {
        if (delivery.AttemptsUsed > Definition.MaxAttempts)
        {
            // Every allowed attempt was delivered and lost its lease (the worker died or hung): no handler will run
            // it again. The server's MaxDeliver is unlimited so that this decision is always ours (see docs/nats.md).
            if (delivery.TryBeginSettle(_context.Now, _context.SafetyMargin))
            {
                try
                {
                    await DeadLetterAsync(delivery, $"Its lease was lost on each of its {delivery.AttemptsUsed - 1} deliveries (the worker died or hung).", delivery.Tries - 1, CancellationToken.None).ConfigureAwait(false);
                    LogDeadLetteredUnhandled(_context.Logger, Definition.Name, delivery.Id, delivery.Tries - 1);
                }
                catch (Exception ex)
                {
                    LogSettleFailed(_context.Logger, ex, Definition.Name, delivery.Id);
                }
                finally
                {
                    delivery.EndSettle();
                }
            }
            return false;
        }

        // Read after its lease ended (the process was frozen or starved of threads with it in its socket buffer): the
        // server may have given it to another worker already. No handler starts for it; it is left to the ack wait.
        if (!delivery.IsLeaseValid(_context.Now, _context.SafetyMargin))
            return false;

        lock (_gate) _held.Add(delivery);
        if (!_deliveries.Writer.TryWrite(delivery))
        {
            // Closed under us: hand it straight back as the crash path would.
            await ExpireAsync(delivery).ConfigureAwait(false);
            ReturnCredit(delivery);
            return false;
        }
        return true;
    }

    private async Task DiscoverLevelsAsync(CancellationToken cancellationToken)
    {
        // Levels that ever had a consumer, and levels holding messages now (a producer's bell may have been missed).
        await foreach (var name in _channel.Streams.Work.ListConsumerNamesAsync(cancellationToken).ConfigureAwait(false))
        {
            if (ChannelNames.LevelOfConsumer(name) is { } level) AddLevel(level);
        }
        var info = await _context.JetStream.GetStreamAsync(Names.WorkStream, new StreamInfoRequest { SubjectsFilter = Names.ReadySubjects }, cancellationToken).ConfigureAwait(false);
        if (info.Info.State.Subjects is { } subjects)
        {
            foreach (var subject in subjects.Keys)
                if (Names.LevelOf(subject) is { } level) AddLevel(level);
        }
    }

    private async Task BellLoopAsync()
    {
        try
        {
            await foreach (var bell in _bell!.Msgs.ReadAllAsync(_disposed.Token).ConfigureAwait(false))
            {
                if (Bell.PartitionOf(bell.Data) is { } partition)
                    AddCandidate(partition);
                else if (Bell.LevelOf(bell.Data) is { } level && level >= _context.Options.MinPriority && level <= _context.Options.MaxPriority)
                    AddLevel(level);
                _wake.Set();
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            LogPullFailed(_context.Logger, ex, Definition.Name);
        }
    }

    /// <summary>Wakes the pull loop once <paramref name="delay"/> has passed, to pull a retried message (of <paramref name="partition"/>, when keyed) again.</summary>
    private void WakeAfter(TimeSpan delay, int? partition = null)
    {
        ITimer? timer = null;
        timer = _context.Time.CreateTimer(_ =>
        {
            if (partition is { } p) AddCandidate(p);
            _wake.Set();
            timer?.Dispose();
        }, null, delay + TimeSpan.FromMilliseconds(5), Timeout.InfiniteTimeSpan);
    }

    private void ReturnCredit(NatsDelivery delivery)
    {
        lock (_gate)
        {
            if (delivery.CreditReturned) return;
            delivery.CreditReturned = true;
            _held.Remove(delivery);
        }
        _wake.Set();
    }
}
