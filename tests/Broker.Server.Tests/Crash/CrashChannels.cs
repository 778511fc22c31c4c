namespace Broker.Server.Tests.Crash;

/// <summary>A job of the crash tests. A victim's first delivery hangs its handler, so the test can kill that worker mid-message.</summary>
public sealed record Job(int Number, bool Victim);

/// <summary>The crash tests' channel: enough attempts that kills never dead-letter a job.</summary>
[Channel("crash/jobs", MaxAttempts = 100, RetryDelay = "100ms")]
public partial interface ICrashJobs : IQueueChannel<Job>;

/// <summary>The cross-process trace test's message.</summary>
public sealed record TracedOrder(int Number);

/// <summary>The cross-process trace test's channel.</summary>
[Channel("trace/orders")]
public partial interface ITracedOrders : IQueueChannel<TracedOrder>;

/// <summary>A job of one key of the keyed crash test; a victim's first delivery hangs its handler.</summary>
public sealed record KeyedJob(string Key, int Seq, bool Victim);

/// <summary>The keyed crash test's channel: ordered by key, enough attempts that kills never dead-letter a job.</summary>
[Channel("crash/keyed", OrderBy = nameof(KeyedJob.Key), MaxAttempts = 100, RetryDelay = "100ms")]
public partial interface ICrashKeyedJobs : IQueueChannel<KeyedJob>;
