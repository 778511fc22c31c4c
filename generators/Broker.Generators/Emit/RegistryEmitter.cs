using Broker.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Broker.Generators.Emit;

/// <summary>
/// Emits the public registry of an assembly that declares channels, and the assembly attribute that names it, so that
/// <c>AddChannels()</c> in a referencing assembly finds it at compile time.
/// </summary>
internal static class RegistryEmitter
{
    public const string HintName = "BrokerChannelRegistry.g.cs";

    public static void Emit(SourceProductionContext context, (EquatableArray<RegistryEntryModel> Channels, AssemblyModel Assembly) input)
    {
        if (input.Channels.Count == 0 || !input.Assembly.ReferencesBroker)
            return;
        context.AddSource(HintName, SourceText.From(Render(input.Channels, input.Assembly), System.Text.Encoding.UTF8));
    }

    public static string Render(EquatableArray<RegistryEntryModel> channels, AssemblyModel assembly)
    {
        var registry = assembly.RegistryTypeName;
        var lastDot = registry.LastIndexOf('.');
        var writer = GeneratedCode.StartFile();
        writer.WriteLine("[assembly: global::Broker.ChannelRegistry(typeof(" + registry + "))]")
            .WriteLine()
            .WriteLine("namespace " + registry.Substring("global::".Length, lastDot - "global::".Length))
            .OpenBlock()
            .WriteLine("/// <summary>The [Channel] interfaces of assembly " + assembly.AssemblyName + ", for <c>AddChannels()</c>.</summary>")
            .WriteLine(GeneratedCode.Attribute)
            .WriteLine("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]")
            .WriteLine("public static class " + registry.Substring(lastDot + 1))
            .OpenBlock()
            .WriteLine("/// <summary>Registers every channel of this assembly with <paramref name=\"builder\"/>.</summary>")
            .WriteLine("/// <param name=\"builder\">The builder.</param>")
            .WriteLine("public static void AddTo(global::Broker.BrokerBuilder builder)")
            .OpenBlock()
            .WriteLine("global::System.ArgumentNullException.ThrowIfNull(builder);");
        foreach (var channel in channels)
        {
            writer.WriteLine("builder.AddChannel<" + channel.InterfaceTypeName + ">(static (transport, loggers) => new " +
                             channel.InterfaceTypeName + ".Implementation(transport, loggers)); // " + Parsing.Names.Literal(channel.ChannelName));
        }
        writer.CloseBlock()
            .CloseBlock()
            .CloseBlock();
        return writer.ToString();
    }
}
