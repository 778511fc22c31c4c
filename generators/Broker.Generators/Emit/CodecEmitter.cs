using System.Linq;
using Broker.Generators.Model;
using Broker.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Broker.Generators.Emit;

/// <summary>Emits the BSON codec of one class, struct or record.</summary>
internal static class CodecEmitter
{
    public static void Emit(SourceProductionContext context, CodecModel codec) =>
        context.AddSource(codec.HintName, SourceText.From(Render(codec), System.Text.Encoding.UTF8));

    public static string Render(CodecModel codec)
    {
        var writer = GeneratedCode.StartFile();
        writer.WriteLine("namespace " + codec.CodecNamespace).OpenBlock();
        writer.WriteLine("/// <summary>")
            .WriteLine("/// Writes and reads <see cref=\"" + codec.TypeName + "\"/> as BSON, with the same bytes as MongoDB.Bson's default class map.")
            .WriteLine("/// </summary>")
            .WriteLine(GeneratedCode.Attribute)
            .WriteLine("internal sealed class " + codec.CodecName + " : global::Broker.Bson.IBsonCodec<" + codec.TypeName + ">")
            .OpenBlock()
            .WriteLine("/// <summary>The one instance; the codec has no state.</summary>")
            .WriteLine("public static readonly " + codec.CodecName + " Instance = new " + codec.CodecName + "();")
            .WriteLine();

        writer.WriteLine("/// <inheritdoc/>")
            .WriteLine("public void Write(ref global::Broker.Bson.BsonWriter writer, " + codec.TypeName + " value)")
            .OpenBlock()
            .WriteLine("var start = writer.WriteStartDocument();")
            .WriteLine("WriteMembers(ref writer, value);")
            .WriteLine("writer.WriteEndDocument(start);")
            .CloseBlock()
            .WriteLine();

        writer.WriteLine("/// <inheritdoc/>")
            .WriteLine("public " + codec.TypeName + " Read(ref global::Broker.Bson.BsonReader reader) => ReadDocument(ref reader);")
            .WriteLine();

        writer.WriteLine("/// <summary>Writes the value as an embedded document element.</summary>")
            .WriteLine("internal static void WriteElement(ref global::Broker.Bson.BsonWriter writer, global::Broker.Bson.BsonElementName name, " + codec.TypeName + " value)")
            .OpenBlock()
            .WriteLine("var start = writer.WriteStartDocument(name);")
            .WriteLine("WriteMembers(ref writer, value);")
            .WriteLine("writer.WriteEndDocument(start);")
            .CloseBlock()
            .WriteLine();

        EmitWriteMembers(writer, codec);
        writer.WriteLine();
        EmitReadDocument(writer, codec);

        writer.CloseBlock();
        writer.CloseBlock();
        return writer.ToString();
    }

    private static void EmitWriteMembers(SourceWriter writer, CodecModel codec)
    {
        writer.WriteLine("/// <summary>Writes the members as elements of the current document, in MongoDB.Bson's order.</summary>")
            .WriteLine("internal static void WriteMembers(ref global::Broker.Bson.BsonWriter writer, " + codec.TypeName + " value)")
            .OpenBlock();
        foreach (var member in codec.Members)
            ValueWriters.Emit(writer, member.Value, "value." + member.Identifier, Utf8(member.ElementName), member.Name + "Value", 0);
        writer.CloseBlock();
    }

    private static void EmitReadDocument(SourceWriter writer, CodecModel codec)
    {
        // A type created with no arguments and filled through setters is created first and filled as elements arrive, as
        // MongoDB.Bson does; otherwise values are collected in locals and the constructor and initializer run at the end.
        var direct = codec.ConstructorArity == 0 && codec.Members.All(m => m.Binding == MemberBinding.Setter);

        writer.WriteLine("/// <summary>Reads a document: the root, or the value of the current element. Unknown elements are skipped.</summary>")
            .WriteLine("internal static " + codec.TypeName + " ReadDocument(ref global::Broker.Bson.BsonReader reader)")
            .OpenBlock()
            .WriteLine("var scope = reader.ReadStartDocument();");
        if (direct)
        {
            writer.WriteLine("var result = new " + codec.TypeName + "();");
        }
        else
        {
            foreach (var member in codec.Members)
            {
                writer.WriteLine(member.Value.TypeName + " " + member.Name + "Value = " + (member.DefaultExpression ?? ValueReaders.DefaultValue(member.Value)) + ";");
                if (IsTracked(member))
                    writer.WriteLine("var " + member.Name + "Seen = false;");
            }
        }

        writer.WriteLine("while (reader.ReadElement(out var name))").OpenBlock();
        var first = true;
        foreach (var member in codec.Members)
        {
            writer.WriteLine((first ? "if" : "else if") + " (global::System.MemoryExtensions.SequenceEqual(name, " + Utf8(member.ElementName) + "))")
                .OpenBlock();
            if (direct)
            {
                ValueReaders.Emit(writer, member.Value, "result." + member.Identifier, 0);
            }
            else
            {
                ValueReaders.Emit(writer, member.Value, member.Name + "Value", 0);
                if (IsTracked(member))
                    writer.WriteLine(member.Name + "Seen = true;");
            }
            writer.CloseBlock();
            first = false;
        }
        if (!first)
            writer.WriteLine("else").OpenBlock();
        writer.WriteLine("reader.Skip();");
        if (!first)
            writer.CloseBlock();
        writer.CloseBlock()
            .WriteLine("reader.ReadEndDocument(scope);");

        if (!direct)
            EmitConstruction(writer, codec);
        writer.WriteLine("return result;")
            .CloseBlock();
    }

    private static void EmitConstruction(SourceWriter writer, CodecModel codec)
    {
        foreach (var member in codec.Members.Where(m => m.IsRequired))
        {
            writer.WriteLine("if (!" + member.Name + "Seen)")
                .OpenBlock()
                .WriteLine("throw global::Broker.Bson.BsonFormatException.MissingElement(scope.Start, " + Names.Literal(member.ElementName) + ", " + Names.Literal(codec.DisplayName) + ");")
                .CloseBlock();
        }

        var arguments = codec.Members
            .Where(m => m.Binding == MemberBinding.Constructor)
            .OrderBy(m => m.ConstructorIndex)
            .Select(m => m.Name + "Value");
        var initialized = codec.Members.Where(m => m.Binding == MemberBinding.Initializer).ToList();
        var construction = "var result = new " + codec.TypeName + "(" + string.Join(", ", arguments) + ")";
        if (initialized.Count == 0)
        {
            writer.WriteLine(construction + ";");
        }
        else
        {
            writer.WriteLine(construction).OpenBlock();
            foreach (var member in initialized)
                writer.WriteLine(member.Identifier + " = " + member.Name + "Value,");
            writer.CloseBlock(";");
        }

        foreach (var member in codec.Members.Where(m => m.Binding == MemberBinding.Setter))
        {
            writer.WriteLine("if (" + member.Name + "Seen)")
                .OpenBlock()
                .WriteLine("result." + member.Identifier + " = " + member.Name + "Value;")
                .CloseBlock();
        }
    }

    // Required members are checked after the loop; settable ones are assigned only when present, keeping their defaults.
    private static bool IsTracked(MemberModel member) => member.IsRequired || member.Binding == MemberBinding.Setter;

    private static string Utf8(string elementName) => Names.Literal(elementName) + "u8";
}
