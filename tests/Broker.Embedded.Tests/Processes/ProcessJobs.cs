namespace Broker.Embedded.Tests.Processes;

/// <summary>
/// A message of the process tests: its key (<c>producer/number</c>) names the process incarnation that produced it and
/// its number there, so every line a child prints about it can be matched across processes.
/// </summary>
public sealed record ProcessJob(string Producer, long Number)
{
    /// <summary>The key the test matches lines by, and the ExactlyOnce dedup key.</summary>
    public string Key => Producer + "/" + Number.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// The process tests' channel. Plenty of attempts: every kill of a consumer (or of the host under it) costs a delivery,
/// and a message must never reach the dead-letter queue because of the test's violence.
/// </summary>
[Channel("procs/jobs", MaxAttempts = 1000, RetryDelay = "50ms")]
public partial interface IProcessJobs : IQueueChannel<ProcessJob>;
