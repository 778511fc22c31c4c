using Broker.Client;
using Microsoft.Extensions.Hosting;

namespace Broker.Embedded.Tests.Processes;

/// <summary>
/// Produces numbered messages, 8 in flight, until stopped or until its count is reached, and prints the outcome of each:
/// <c>ACK</c>; for AtLeastOnce <c>OUTCOME-UNKNOWN</c> when the host died with it in flight (it may or may not have been
/// stored, and is not produced again); for ExactlyOnce <c>RETRY</c> and a new attempt under the same dedup key until it
/// is acknowledged, which is the use ExactlyOnce exists for. On shutdown it starts no new produce and waits for those in
/// flight: produces are not cancelled, so a graceful stop leaves none with an unknown outcome. The test's
/// <c>stop-producing</c> (<see cref="ChildCommands"/>) stops it the same way while the process keeps running.
/// </summary>
internal sealed class ChildProducer(IQueueChannel<ProcessJob> channel, ChildArguments arguments, ChildCommands commands) : BackgroundService
{
    private const int InFlight = 8;
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(20);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, commands.ProducingStopped);
        using var slots = new SemaphoreSlim(InFlight);
        var pending = new List<Task>();
        long number = 0;
        while (arguments.Count == 0 || number < arguments.Count)
        {
            try
            {
                await slots.WaitAsync(stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            var job = new ProcessJob(arguments.Name, ++number);
            pending.Add(ProduceAsync(job, slots, stoppingToken));
            if (pending.Count > 4 * InFlight)
                pending.RemoveAll(t => t.IsCompleted);
        }
        await Task.WhenAll(pending);
        if (arguments.Count > 0 && number == arguments.Count)
            ChildOutput.AllProduced(number);
        else if (commands.ProducingStopped.IsCancellationRequested)
            ChildOutput.StoppedProducing(number);
    }

    private async Task ProduceAsync(ProcessJob job, SemaphoreSlim slots, CancellationToken stopping)
    {
        try
        {
            if (arguments.IsExactlyOnce(job.Number))
                await ProduceExactlyOnceAsync(job, stopping);
            else
                await ProduceAtLeastOnceAsync(job);
        }
        finally
        {
            slots.Release();
        }
    }

    private async Task ProduceAtLeastOnceAsync(ProcessJob job)
    {
        var options = new ProduceOptions { Process = QueueMessageProcessing.AtLeastOnce };
        try
        {
            var result = await channel.ProduceAsync(job, options, CancellationToken.None);
            ChildOutput.Acknowledged(job.Key, result, QueueMessageProcessing.AtLeastOnce);
        }
        catch (ServerConnectionException ex) when (ex.OutcomeUnknown)
        {
            ChildOutput.Unknown(job.Key);
        }
        catch (Exception ex)
        {
            ChildOutput.Failure(job.Key, ex);
        }
    }

    private async Task ProduceExactlyOnceAsync(ProcessJob job, CancellationToken stopping)
    {
        // The key is the message's own (producer incarnation and number): a retry is the same message, never a new one.
        var options = new ProduceOptions { Process = QueueMessageProcessing.ExactlyOnce, Hash = job.Key };
        while (true)
        {
            try
            {
                var result = await channel.ProduceAsync(job, options, CancellationToken.None);
                ChildOutput.Acknowledged(job.Key, result, QueueMessageProcessing.ExactlyOnce);
                return;
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested)
            {
                ChildOutput.Retrying(job.Key, ex);
            }
            catch (Exception ex)
            {
                ChildOutput.Failure(job.Key, ex);
                return;
            }
            await Task.Delay(RetryDelay, CancellationToken.None);
        }
    }
}
