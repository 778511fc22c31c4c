using System.Globalization;
using Broker.Generators.Model;
using Broker.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Broker.Generators.Emit;

/// <summary>Emits a channel's implementation, nested in its partial interface so it can never collide with a user type.</summary>
internal static class ChannelEmitter
{
    public static void Emit(SourceProductionContext context, ChannelModel channel) =>
        context.AddSource(channel.HintName, SourceText.From(Render(channel), System.Text.Encoding.UTF8));

    public static string Render(ChannelModel channel)
    {
        var writer = GeneratedCode.StartFile();
        if (channel.Namespace.Length > 0)
            writer.WriteLine("namespace " + channel.Namespace).OpenBlock();
        foreach (var container in channel.ContainingTypes)
            writer.WriteLine("partial " + container.Keyword + " " + container.Name).OpenBlock();

        writer.WriteLine("partial interface " + channel.InterfaceName)
            .OpenBlock()
            .WriteLine("/// <summary>The generated implementation of channel " + Xml(Names.Literal(channel.ChannelName)) + ".</summary>")
            .WriteLine(GeneratedCode.Attribute)
            .WriteLine("internal sealed class Implementation : global::Broker.QueueChannel<" + channel.MessageTypeName + ">, " + channel.InterfaceTypeName)
            .OpenBlock()
            .WriteLine("/// <summary>The channel's name and policy, from its [Channel] attribute; intervals were parsed at compile time.</summary>")
            .WriteLine("internal static readonly global::Broker.ChannelDefinition ChannelDefinition = new global::Broker.ChannelDefinition(")
            .Indent()
            .WriteLine("name: " + Names.Literal(channel.ChannelName) + ",")
            .WriteLine("process: global::Broker.QueueMessageProcessing." + ProcessMember(channel.Process) + ",")
            .WriteLine("dedupInterval: " + DedupArgument(channel))
            .WriteLine("maxAttempts: " + channel.MaxAttempts.ToString(CultureInfo.InvariantCulture) + ",")
            .WriteLine("retryDelay: " + Interval(channel.RetryDelayTicks, channel.RetryDelayText, ");", "default: 1s"))
            .Unindent()
            .WriteLine()
            .WriteLine("/// <summary>Creates the channel over a transport.</summary>")
            .WriteLine("public Implementation(global::Broker.Transport.IQueueTransport transport, global::Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory)")
            .Indent()
            .WriteLine(": base(transport, ChannelDefinition, " + channel.MessageCodecTypeName + ".Instance, loggerFactory)")
            .Unindent()
            .OpenBlock()
            .CloseBlock()
            .CloseBlock()
            .CloseBlock();

        foreach (var _ in channel.ContainingTypes)
            writer.CloseBlock();
        if (channel.Namespace.Length > 0)
            writer.CloseBlock();
        return writer.ToString();
    }

    private static string DedupArgument(ChannelModel channel)
    {
        if (channel.Process != ChannelProcessing.ExactlyOnce)
        {
            return channel.DedupText is null
                ? "null,"
                : "null, // Dedup = " + Names.Literal(channel.DedupText) + " has no effect on an AtLeastOnce channel";
        }
        return Interval(channel.DedupTicks, channel.DedupText, ",", "default: 5m");
    }

    private static string ProcessMember(ChannelProcessing process) => process switch
    {
        ChannelProcessing.ExactlyOnce => "ExactlyOnce",
        ChannelProcessing.AtLeastOnce => "AtLeastOnce",
        _ => throw new System.ArgumentOutOfRangeException(nameof(process), process, null),
    };

    private static string Interval(long ticks, string? text, string terminator, string defaultComment) =>
        ticks == 0
            ? "null" + terminator + " // " + defaultComment
            : "global::System.TimeSpan.FromTicks(" + ticks.ToString(CultureInfo.InvariantCulture) + ")" + terminator + " // " + Names.Literal(text!);

    private static string Xml(string text) => text.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
