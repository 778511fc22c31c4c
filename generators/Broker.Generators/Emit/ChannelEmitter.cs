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
            .WriteLine("retryDelay: " + Interval(channel.RetryDelayTicks, channel.RetryDelayText, channel.Ordered ? "," : ");", "default: 1s"));
        // Only ordered channels pass it, so the definitions of all others read as they did before ordering existed.
        if (channel.Ordered)
            writer.WriteLine("ordered: true);");
        writer
            .Unindent()
            .WriteLine()
            .WriteLine("/// <summary>Creates the channel over a transport.</summary>")
            .WriteLine("public Implementation(global::Broker.Transport.IQueueTransport transport, global::Microsoft.Extensions.Logging.ILoggerFactory? loggerFactory)")
            .Indent()
            .WriteLine(": base(transport, ChannelDefinition, " + channel.MessageCodecTypeName + ".Instance, loggerFactory)")
            .Unindent()
            .OpenBlock()
            .CloseBlock();
        if (channel.OrderBy is { } orderBy)
        {
            writer.WriteLine()
                .WriteLine("/// <summary>The ordering key of a message produced without one: its <c>" + orderBy.MemberName + "</c> (OrderBy).</summary>")
                .WriteLine("protected override string? OrderingKeyOf(" + channel.MessageTypeName + " message) => " + OrderingKey(orderBy) + ";");
        }
        writer
            .CloseBlock()
            .CloseBlock();

        foreach (var _ in channel.ContainingTypes)
            writer.CloseBlock();
        if (channel.Namespace.Length > 0)
            writer.CloseBlock();
        return writer.ToString();
    }

    // Formats without boxing: the member is read through the static type T, and an enum is cast to its underlying type.
    private static string OrderingKey(OrderingKeyModel key)
    {
        const string invariant = "global::System.Globalization.CultureInfo.InvariantCulture";
        var member = "message." + Names.Identifier(key.MemberName);
        var call = key.IsNullableValue ? "?." : ".";
        return key.Format switch
        {
            OrderingKeyFormat.String => member,
            OrderingKeyFormat.Guid => member + call + "ToString(\"D\")",
            OrderingKeyFormat.Integer => member + call + "ToString(" + invariant + ")",
            OrderingKeyFormat.Enum => "((" + key.IntegerKeyword + (key.IsNullableValue ? "?" : "") + ")" + member + ")" + call + "ToString(" + invariant + ")",
            _ => throw new System.ArgumentOutOfRangeException(nameof(key), key.Format, null),
        };
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
