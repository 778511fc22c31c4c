using Broker.Generators.Model;

namespace Broker.Generators.Emit;

/// <summary>Emits the statements that write one value as one element. Nested collections get locals suffixed by depth.</summary>
internal static class ValueWriters
{
    /// <param name="writer">Where the code goes.</param>
    /// <param name="value">The value's type.</param>
    /// <param name="expression">The value, such as <c>value.Tags</c>; evaluated once.</param>
    /// <param name="name">The element name, such as <c>"Tags"u8</c>, <c>i0</c> or <c>entry0.Key</c>.</param>
    /// <param name="local">The name for the value once it is known not to be null.</param>
    /// <param name="depth">How deep in collections this is.</param>
    public static void Emit(SourceWriter writer, ValueModel value, string expression, string name, string local, int depth)
    {
        if (!value.CanBeNull)
        {
            EmitNotNull(writer, value, expression, name, depth);
            return;
        }

        writer.WriteLine("if (" + expression + " is { } " + local + ")").OpenBlock();
        EmitNotNull(writer, value.Kind == ValueKind.Nullable ? value.Element! : value, local, name, depth);
        writer.CloseBlock()
            .WriteLine("else")
            .OpenBlock()
            .WriteLine("writer.WriteNull(" + name + ");")
            .CloseBlock();
    }

    private static void EmitNotNull(SourceWriter writer, ValueModel value, string expression, string name, int depth)
    {
        var arguments = name + ", " + expression;
        switch (value.Kind)
        {
            case ValueKind.Boolean:
                writer.WriteLine("writer.WriteBoolean(" + arguments + ");");
                break;
            case ValueKind.Byte:
            case ValueKind.SByte:
            case ValueKind.Int16:
            case ValueKind.UInt16:
            case ValueKind.Int32:
            case ValueKind.Char:
                writer.WriteLine("writer.WriteInt32(" + arguments + ");");
                break;
            case ValueKind.Int64:
                writer.WriteLine("writer.WriteInt64(" + arguments + ");");
                break;
            case ValueKind.Single:
            case ValueKind.Double:
                writer.WriteLine("writer.WriteDouble(" + arguments + ");");
                break;
            case ValueKind.String:
                writer.WriteLine("writer.WriteString(" + arguments + ");");
                break;
            case ValueKind.Guid:
                writer.WriteLine("writer.WriteGuid(" + arguments + ");");
                break;
            case ValueKind.DateTime:
                writer.WriteLine("writer.WriteDateTime(" + arguments + ");");
                break;
            case ValueKind.Bytes:
                writer.WriteLine("writer.WriteBinary(" + arguments + ");");
                break;
            case ValueKind.Enum:
                writer.WriteLine(value.Element!.Kind == ValueKind.Int64
                    ? "writer.WriteInt64(" + name + ", (long)" + expression + ");"
                    : "writer.WriteInt32(" + name + ", (int)" + expression + ");");
                break;
            case ValueKind.Document:
                writer.WriteLine(value.CodecTypeName + ".WriteElement(ref writer, " + arguments + ");");
                break;
            case ValueKind.Array:
            case ValueKind.List:
                EmitArray(writer, value, expression, name, depth);
                break;
            case ValueKind.Dictionary:
                EmitDictionary(writer, value, expression, name, depth);
                break;
        }
    }

    private static void EmitArray(SourceWriter writer, ValueModel value, string expression, string name, int depth)
    {
        var array = "array" + depth;
        var index = "i" + depth;
        var count = value.Kind == ValueKind.Array ? "Length" : "Count";
        writer.WriteLine("var " + array + " = writer.WriteStartArray(" + name + ");")
            .WriteLine("for (var " + index + " = 0; " + index + " < " + expression + "." + count + "; " + index + "++)")
            .OpenBlock();
        Emit(writer, value.Element!, expression + "[" + index + "]", index, "item" + depth, depth + 1);
        writer.CloseBlock()
            .WriteLine("writer.WriteEndArray(" + array + ");");
    }

    private static void EmitDictionary(SourceWriter writer, ValueModel value, string expression, string name, int depth)
    {
        var document = "document" + depth;
        var entry = "entry" + depth;
        writer.WriteLine("var " + document + " = writer.WriteStartDocument(" + name + ");")
            .WriteLine("foreach (var " + entry + " in " + expression + ")")
            .OpenBlock();
        Emit(writer, value.Element!, entry + ".Value", entry + ".Key", "item" + depth, depth + 1);
        writer.CloseBlock()
            .WriteLine("writer.WriteEndDocument(" + document + ");");
    }
}
