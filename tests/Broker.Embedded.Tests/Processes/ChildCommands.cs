using Microsoft.Extensions.Hosting;

namespace Broker.Embedded.Tests.Processes;

/// <summary>
/// Reads the test's commands on stdin. One exists: <c>stop-producing</c>, after which the producer starts no new produce
/// (those in flight finish and it prints <c>STOPPED n</c>), so the test can wait for the consumers to drain a backlog
/// that no longer grows while every process keeps running. The end of stdin means the test is gone (it holds the pipe
/// open while it runs): the child stops, rather than produce into a directory nobody will delete.
/// </summary>
internal sealed class ChildCommands(IHostApplicationLifetime lifetime) : BackgroundService
{
    public const string StopProducing = "stop-producing";

    private readonly CancellationTokenSource _stopProducing = new();

    /// <summary>Cancelled when the test says <c>stop-producing</c>.</summary>
    public CancellationToken ProducingStopped => _stopProducing.Token;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                // Console reads block a thread and ignore cancellation; WaitAsync lets shutdown leave that thread behind.
                var line = await Task.Run(Console.In.ReadLine, CancellationToken.None).WaitAsync(stoppingToken);
                if (line is null)
                {
                    lifetime.StopApplication();
                    return;
                }
                if (line.Trim() == StopProducing)
                    await _stopProducing.CancelAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override void Dispose()
    {
        _stopProducing.Dispose();
        base.Dispose();
    }
}
