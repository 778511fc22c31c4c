using System.Collections.Generic;
using System.Linq;
using System.Text;
using Broker.Generators.Model;
using Broker.Generators.Parsing;

namespace Broker.Generators.Emit;

/// <summary>
/// Small private methods a codec needs for some values: MongoDB.Bson's ObjectId and Decimal128 (whose constructors
/// want arrays or two values), and enums written by name. Each codec emits the ones its own members use, so the codec
/// stays one self-contained file.
/// </summary>
internal static class CodecHelpers
{
    public static string WriteEnumName(ValueModel value) => "Write" + Identifier(value.TypeName) + "Name";

    public static string ReadEnumName(ValueModel value) => "Read" + Identifier(value.TypeName) + "Name";

    public const string ReadObjectId = "ReadMongoObjectId";

    public const string ReadDecimal128 = "ReadMongoDecimal128";

    /// <summary>Every value a codec's members reach, collection elements and nullable contents included.</summary>
    public static IEnumerable<ValueModel> AllValues(CodecModel codec)
    {
        foreach (var member in codec.Members)
        {
            for (var value = member.Value; value is not null; value = value.Kind == ValueKind.Enum ? null : value.Element)
                yield return value;
        }
    }

    public static bool Uses(CodecModel codec, ValueKind kind) => AllValues(codec).Any(v => v.Kind == kind);

    public static void Emit(SourceWriter writer, CodecModel codec)
    {
        if (Uses(codec, ValueKind.ObjectId))
        {
            writer.WriteLine()
                .WriteLine("// ObjectId has no span constructor; one array per thread is copied from, not kept.")
                .WriteLine("[global::System.ThreadStatic]")
                .WriteLine("private static byte[]? s_objectIdBytes;")
                .WriteLine()
                .WriteLine("private static global::MongoDB.Bson.ObjectId " + ReadObjectId + "(ref global::Broker.Bson.BsonReader reader)")
                .OpenBlock()
                .WriteLine("var bytes = s_objectIdBytes ??= new byte[12];")
                .WriteLine("reader.ReadObjectId().CopyTo(bytes);")
                .WriteLine("return new global::MongoDB.Bson.ObjectId(bytes);")
                .CloseBlock();
        }
        if (Uses(codec, ValueKind.Decimal128))
        {
            writer.WriteLine()
                .WriteLine("private static global::MongoDB.Bson.Decimal128 " + ReadDecimal128 + "(ref global::Broker.Bson.BsonReader reader)")
                .OpenBlock()
                .WriteLine("reader.ReadDecimal128(out var high, out var low);")
                .WriteLine("return global::MongoDB.Bson.Decimal128.FromIEEEBits(high, low);")
                .CloseBlock();
        }
        var seen = new HashSet<string>();
        foreach (var value in AllValues(codec).Where(v => v.Kind == ValueKind.Enum && v.Representation == Representation.String))
        {
            if (seen.Add(value.TypeName))
                EmitEnumNames(writer, value);
        }
    }

    // Names as UTF-8 literals both ways; a value without a name of its own (flags, undefined values) goes through
    // Enum.ToString and Enum.Parse, as MongoDB.Bson's EnumSerializer does.
    private static void EmitEnumNames(SourceWriter writer, ValueModel value)
    {
        writer.WriteLine()
            .WriteLine("private static void " + WriteEnumName(value) + "(ref global::Broker.Bson.BsonWriter writer, global::Broker.Bson.BsonElementName name, " + value.TypeName + " value)")
            .OpenBlock()
            .WriteLine("switch (value)")
            .OpenBlock();
        foreach (var name in value.EnumNames)
        {
            writer.WriteLine("case " + value.TypeName + "." + Names.Identifier(name) + ":")
                .Indent()
                .WriteLine("writer.WriteUtf8String(name, " + Names.Literal(name) + "u8);")
                .WriteLine("break;")
                .Unindent();
        }
        writer.WriteLine("default:")
            .Indent()
            .WriteLine("writer.WriteString(name, value.ToString());")
            .WriteLine("break;")
            .Unindent()
            .CloseBlock()
            .CloseBlock();

        var numeric = value.Element!.Kind == ValueKind.Int64 ? "reader.ReadInt64()" : "reader.ReadInt32()";
        writer.WriteLine()
            .WriteLine("private static " + value.TypeName + " " + ReadEnumName(value) + "(ref global::Broker.Bson.BsonReader reader)")
            .OpenBlock()
            .WriteLine("if (reader.CurrentType != global::Broker.Bson.BsonType.String)")
            .OpenBlock()
            .WriteLine("return (" + value.TypeName + ")" + numeric + ";")
            .CloseBlock()
            .WriteLine("var text = reader.ReadUtf8String();");
        foreach (var name in value.EnumNames)
        {
            writer.WriteLine("if (global::System.MemoryExtensions.SequenceEqual(text, " + Names.Literal(name) + "u8))")
                .Indent()
                .WriteLine("return " + value.TypeName + "." + Names.Identifier(name) + ";")
                .Unindent();
        }
        writer.WriteLine("return reader.ParseEnum<" + value.TypeName + ">(text);")
            .CloseBlock();
    }

    private static string Identifier(string typeName)
    {
        var builder = new StringBuilder();
        foreach (var c in typeName.Replace("global::", ""))
            builder.Append(char.IsLetterOrDigit(c) ? c : '_');
        return builder.ToString();
    }
}
