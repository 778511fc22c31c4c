using Broker.Generators.Model;
using Broker.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Broker.Generators.Emit;

/// <summary>
/// Emits a module initializer that registers every generated codec with <c>BsonCodec.Register</c>, so
/// <c>BsonCodec.For&lt;T&gt;()</c> finds them without reflection.
/// </summary>
internal static class CodecRegistrationsEmitter
{
    public const string HintName = "BrokerBsonCodecs.g.cs";

    public static void Emit(SourceProductionContext context, (EquatableArray<CodecRegistrationModel> Codecs, AssemblyModel Assembly) input)
    {
        if (input.Codecs.Count == 0 || !input.Assembly.HasModuleInitializer || !input.Assembly.ReferencesBroker)
            return;
        context.AddSource(HintName, SourceText.From(Render(input.Codecs), System.Text.Encoding.UTF8));
    }

    public static string Render(EquatableArray<CodecRegistrationModel> codecs)
    {
        var writer = GeneratedCode.StartFile();
        writer.WriteLine("namespace " + Names.GeneratedNamespace)
            .OpenBlock()
            .WriteLine("/// <summary>Registers this assembly's generated BSON codecs before any of its code runs.</summary>")
            .WriteLine(GeneratedCode.Attribute)
            .WriteLine("file static class BrokerBsonCodecs")
            .OpenBlock()
            .WriteLine("/// <summary>Registers the codecs.</summary>")
            .WriteLine("[global::System.Runtime.CompilerServices.ModuleInitializer]")
            .WriteLine("internal static void Register()")
            .OpenBlock();
        foreach (var codec in codecs)
            writer.WriteLine("global::Broker.Bson.BsonCodec.Register<" + codec.TypeName + ">(" + codec.CodecTypeName + ".Instance);");
        writer.CloseBlock()
            .CloseBlock()
            .CloseBlock();
        return writer.ToString();
    }
}
