using Broker.Generators.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Broker.Generators.Emit;

/// <summary>
/// Emits <c>AddChannels()</c> in every compilation that references Broker: it calls this assembly's registry, when it
/// has channels, and the registry of every referenced assembly that has one, as found at compile time; and it runs the
/// module initializer of every referenced assembly that declares subtypes, so they are registered before a read.
/// </summary>
internal static class AddChannelsEmitter
{
    public const string HintName = "BrokerAddChannels.g.cs";

    public static void Emit(SourceProductionContext context, (bool HasLocalChannels, AssemblyModel Assembly) input)
    {
        if (!input.Assembly.ReferencesBroker)
            return;
        context.AddSource(HintName, SourceText.From(Render(input.HasLocalChannels, input.Assembly), System.Text.Encoding.UTF8));
    }

    public static string Render(bool hasLocalChannels, AssemblyModel assembly)
    {
        var writer = GeneratedCode.StartFile();
        writer.WriteLine("namespace Microsoft.Extensions.DependencyInjection")
            .OpenBlock()
            .WriteLine("/// <summary>Registers the [Channel] interfaces this application can use.</summary>")
            .WriteLine(GeneratedCode.Attribute)
            .WriteLine("internal static class " + assembly.AddChannelsClassName)
            .OpenBlock()
            .WriteLine("/// <summary>")
            .WriteLine("/// Registers every [Channel] interface of this assembly and of the assemblies it references, as found at")
            .WriteLine("/// compile time: nothing is scanned at run time.")
            .WriteLine("/// </summary>")
            .WriteLine("/// <param name=\"builder\">The builder.</param>")
            .WriteLine("/// <returns>The builder.</returns>")
            .WriteLine("public static global::Broker.BrokerBuilder AddChannels(this global::Broker.BrokerBuilder builder)")
            .OpenBlock()
            .WriteLine("global::System.ArgumentNullException.ThrowIfNull(builder);");
        if (hasLocalChannels)
            writer.WriteLine(assembly.RegistryTypeName + ".AddTo(builder); // this assembly, " + assembly.AssemblyName);
        foreach (var registry in assembly.ReferencedRegistries)
            writer.WriteLine(registry.TypeName + ".AddTo(builder); // " + registry.AssemblyName);
        if (assembly.ReferencedSubtypes.Count > 0)
        {
            // Registered by those assemblies' module initializers, which run only once their code does: a process
            // that reads a subtype before touching its assembly would not know its discriminator.
            writer.WriteLine("// Subtypes declared with [assembly: BsonKnownSubtype], registered before any message is read.");
            foreach (var subtypes in assembly.ReferencedSubtypes)
                writer.WriteLine("global::System.Runtime.CompilerServices.RuntimeHelpers.RunModuleConstructor(typeof(" + subtypes.TypeName + ").Module.ModuleHandle); // " + subtypes.AssemblyName);
        }
        writer.WriteLine("return builder;")
            .CloseBlock()
            .CloseBlock()
            .CloseBlock();
        return writer.ToString();
    }
}
