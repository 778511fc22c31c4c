using System.Diagnostics;
using System.Globalization;

namespace Broker.Embedded.Tests.Processes;

/// <summary>
/// The lines a child prints on stdout, one event each, which the tests parse (<see cref="ChildLine"/>). Timestamps are
/// <see cref="Stopwatch.GetTimestamp"/>: CLOCK_MONOTONIC on Linux, one clock for every process on the machine, so the
/// test can compare a child's moment with the moment it killed another.
/// </summary>
internal static class ChildOutput
{
    public const string Host = "HOST";
    public const string Client = "CLIENT";
    public const string Ack = "ACK";
    public const string OutcomeUnknown = "OUTCOME-UNKNOWN";
    public const string Retry = "RETRY";
    public const string Failed = "FAILED";
    public const string Done = "DONE";
    public const string Produced = "PRODUCED";
    public const string Stopped = "STOPPED";
    public const string Consuming = "CONSUMING";
    public const string Exited = "EXITED";
    public const string Waiting = "WAITING";

    /// <summary><c>HOST ts</c> or <c>CLIENT ts</c>: this process's role changed (or is known for the first time).</summary>
    public static void Role(bool host) => Line($"{(host ? Host : Client)} {Now()}");

    /// <summary><c>ACK key id status mode ts</c>: the produce of <c>key</c> was acknowledged with message id <c>id</c>.</summary>
    public static void Acknowledged(string key, ProduceResult result, QueueMessageProcessing mode) =>
        Line($"{Ack} {key} {Invariant(result.MessageId)} {result.Status} {mode} {Now()}");

    /// <summary><c>OUTCOME-UNKNOWN key</c>: an AtLeastOnce produce failed without knowing whether it was stored.</summary>
    public static void Unknown(string key) => Line($"{OutcomeUnknown} {key}");

    /// <summary><c>RETRY key error</c>: an ExactlyOnce produce failed and goes again under the same key.</summary>
    public static void Retrying(string key, Exception error) => Line($"{Retry} {key} {error.GetType().Name}: {OneLine(error.Message)}");

    /// <summary><c>FAILED key error</c>: a produce failed for good.</summary>
    public static void Failure(string key, Exception error) => Line($"{Failed} {key} {error.GetType().Name}: {OneLine(error.Message)}");

    /// <summary><c>DONE key id tries</c>: a handler ran to its end for delivery <c>tries</c> of message <c>id</c>.</summary>
    public static void Handled(string key, long id, int tries) => Line($"{Done} {key} {Invariant(id)} {Invariant(tries)}");

    /// <summary><c>PRODUCED count</c>: every one of a limited producer's messages was acknowledged.</summary>
    public static void AllProduced(long count) => Line($"{Produced} {Invariant(count)}");

    /// <summary><c>STOPPED count</c>: the producer stopped on the test's command, its last produce answered.</summary>
    public static void StoppedProducing(long count) => Line($"{Stopped} {Invariant(count)}");

    public static void Line(string line) => Console.Out.WriteLine(line);

    private static string Now() => Invariant(Stopwatch.GetTimestamp());

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
