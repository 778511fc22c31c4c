using System.Collections.Generic;
using System.Linq;
using Broker.Generators.Model;
using Broker.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Broker.Generators.Emit;

/// <summary>
/// Emits, for the <c>[assembly: BsonKnownSubtype]</c> declarations of this assembly, a module initializer that
/// registers each subtype with <c>BsonSubtypes.Register</c> under every class it derives from, so the base's
/// codec, generated in another assembly, writes and reads it. One adapter per subtype hands the base's codec this
/// assembly's generated <c>WriteDiscriminator</c>, <c>WriteMembers</c> and <c>ReadDocument</c>.
/// </summary>
internal static class SubtypeRegistrationsEmitter
{
    public const string HintName = "BrokerBsonSubtypes.g.cs";

    public static void Emit(SourceProductionContext context, (EquatableArray<SubtypeModel> Subtypes, AssemblyModel Assembly, bool NeedsAnchor) input)
    {
        if (input.Subtypes.Count == 0 || !input.Assembly.HasModuleInitializer || !input.Assembly.ReferencesBroker)
            return;
        var anchor = input.NeedsAnchor ? Names.SubtypesAnchorClassName(input.Assembly.AssemblyName) : null;
        context.AddSource(HintName, SourceText.From(Render(input.Subtypes, anchor), System.Text.Encoding.UTF8));
    }

    /// <summary>The file; <paramref name="anchor"/> names the public class to add when the assembly has no public type.</summary>
    public static string Render(EquatableArray<SubtypeModel> subtypes, string? anchor = null)
    {
        // Sorted, so the file does not depend on the order of the attributes or of the files they are in.
        var registrations = new SortedSet<(string Base, string Subtype)>();
        var adapters = new SortedDictionary<string, KnownTypeModel>(System.StringComparer.Ordinal);
        foreach (var subtype in subtypes)
        {
            foreach (var registered in subtype.Registered)
            {
                adapters[registered.TypeName] = registered;
                foreach (var baseType in subtype.BaseTypeNames)
                    registrations.Add((baseType, registered.TypeName));
            }
        }
        var adapterNames = adapters.Keys.Select((typeName, i) => (typeName, i)).ToDictionary(p => p.typeName, p => "Subtype" + p.i, System.StringComparer.Ordinal);

        var writer = GeneratedCode.StartFile();
        writer.WriteLine("namespace " + Names.GeneratedNamespace)
            .OpenBlock()
            .WriteLine("/// <summary>Registers the subtypes this assembly declares with [assembly: BsonKnownSubtype] before any of its code runs.</summary>")
            .WriteLine(GeneratedCode.Attribute)
            .WriteLine("file static class BrokerBsonSubtypes")
            .OpenBlock()
            .WriteLine("/// <summary>Registers the subtypes.</summary>")
            .WriteLine("[global::System.Runtime.CompilerServices.ModuleInitializer]")
            .WriteLine("internal static void Register()")
            .OpenBlock();
        foreach (var (baseType, subtype) in registrations)
        {
            writer.WriteLine("global::Broker.Bson.BsonSubtypes.Register<" + baseType + ", " + subtype + ">(" + adapterNames[subtype] + ".Instance, " +
                             Names.Literal(adapters[subtype].Discriminator) + ");");
        }
        writer.CloseBlock()
            .CloseBlock();
        if (anchor is not null)
        {
            // A referenced assembly's module initializer runs only once its code does; the AddChannels() of an
            // application runs it through typeof of a type it can name, and every type written here is internal.
            // Naming a type keeps the assembly in a trimmed or Native AOT application too, where loading it by name would not.
            writer.WriteLine()
                .WriteLine("/// <summary>")
                .WriteLine("/// Names this assembly's module for <c>AddChannels()</c> in the applications that reference it, which run its")
                .WriteLine("/// module initializer so that its subtypes are registered before a message is read; it has no other public type.")
                .WriteLine("/// </summary>")
                .WriteLine(GeneratedCode.Attribute)
                .WriteLine("[global::System.ComponentModel.EditorBrowsable(global::System.ComponentModel.EditorBrowsableState.Never)]")
                .WriteLine("public static class " + anchor)
                .OpenBlock()
                .CloseBlock();
        }
        foreach (var adapter in adapters.Values)
        {
            var name = adapterNames[adapter.TypeName];
            writer.WriteLine()
                .WriteLine("/// <summary>What a base type's codec needs of <see cref=\"" + adapter.TypeName + "\"/>'s codec.</summary>")
                .WriteLine(GeneratedCode.Attribute)
                .WriteLine("file sealed class " + name + " : global::Broker.Bson.BsonSubtypeCodec<" + adapter.TypeName + ">")
                .OpenBlock()
                .WriteLine("/// <summary>The one instance; the adapter has no state.</summary>")
                .WriteLine("public static readonly " + name + " Instance = new " + name + "();")
                .WriteLine()
                .WriteLine("/// <inheritdoc/>")
                .WriteLine("public override void WriteBody(ref global::Broker.Bson.BsonWriter writer, " + adapter.TypeName + " value)")
                .OpenBlock()
                .WriteLine(adapter.CodecTypeName + ".WriteDiscriminator(ref writer);")
                .WriteLine(adapter.CodecTypeName + ".WriteMembers(ref writer, value);")
                .CloseBlock()
                .WriteLine()
                .WriteLine("/// <inheritdoc/>")
                .WriteLine("public override " + adapter.TypeName + " Read(ref global::Broker.Bson.BsonReader reader) => " + adapter.CodecTypeName + ".ReadDocument(ref reader);")
                .CloseBlock();
        }
        writer.CloseBlock();
        return writer.ToString();
    }
}
