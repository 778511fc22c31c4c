using System.Collections.Concurrent;

namespace Broker.Diagnostics;

/// <summary>
/// Span names, <c>{operation} {channel}</c> as the conventions give them, built once per channel rather than once per
/// message. A process has as many entries as channels it uses.
/// </summary>
internal static class SpanNames
{
    private static readonly ConcurrentDictionary<string, string> s_send = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string> s_process = new(StringComparer.Ordinal);

    public static string Send(string channel) =>
        s_send.GetOrAdd(channel, static c => MessagingTags.SendOperation + " " + c);

    public static string Process(string channel) =>
        s_process.GetOrAdd(channel, static c => MessagingTags.ProcessOperation + " " + c);
}
