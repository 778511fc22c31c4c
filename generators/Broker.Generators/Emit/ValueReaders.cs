using Broker.Generators.Model;

namespace Broker.Generators.Emit;

/// <summary>Emits the code that reads the current element's value into a variable.</summary>
internal static class ValueReaders
{
    /// <summary>Emits <c>target = ...;</c> and whatever statements it needs.</summary>
    public static void Emit(SourceWriter writer, ValueModel value, string target, int depth)
    {
        var expression = Expression(value);
        if (expression is not null)
        {
            writer.WriteLine(target + " = " + expression + ";");
            return;
        }

        // Only collections need statements, and they are references, so null comes first.
        writer.WriteLine("if (reader.TryReadNull())")
            .OpenBlock()
            .WriteLine(target + " = null!;")
            .CloseBlock()
            .WriteLine("else")
            .OpenBlock();
        switch (value.Kind)
        {
            case ValueKind.Array:
            case ValueKind.List:
            case ValueKind.Set:
                EmitArray(writer, value, target, depth);
                break;
            case ValueKind.Dictionary:
                EmitDictionary(writer, value, target, depth);
                break;
        }
        writer.CloseBlock();
    }

    /// <summary>The initial value of a variable of this type: <c>default</c>, or <c>default!</c> for references.</summary>
    public static string DefaultValue(ValueModel value) =>
        value.CanBeNull && value.Kind != ValueKind.Nullable ? "default!" : "default";

    // One expression that reads the value, nulls included; null when statements are needed.
    private static string? Expression(ValueModel value)
    {
        if (value.Kind == ValueKind.Nullable)
        {
            var inner = NotNullExpression(value.Element!);
            return inner is null ? null : "reader.TryReadNull() ? default(" + value.TypeName + ") : " + inner;
        }
        var notNull = NotNullExpression(value);
        if (notNull is null || !value.CanBeNull)
            return notNull;
        return "reader.TryReadNull() ? null! : " + notNull;
    }

    private static string? NotNullExpression(ValueModel value) => value.Kind switch
    {
        ValueKind.Boolean => "reader.ReadBoolean()",
        ValueKind.Byte => "reader.ReadByte()",
        ValueKind.SByte => "reader.ReadSByte()",
        ValueKind.Int16 => "reader.ReadInt16()",
        ValueKind.UInt16 => "reader.ReadUInt16()",
        ValueKind.Int32 => OrParsed(value, "int", "reader.ReadInt32()"),
        ValueKind.Int64 => OrParsed(value, "long", "reader.ReadInt64()"),
        ValueKind.UInt32 => "reader.ReadUInt32()",
        ValueKind.UInt64 => "reader.ReadUInt64()",
        ValueKind.Single => "reader.ReadSingle()",
        ValueKind.Double => "reader.ReadDouble()",
        ValueKind.Decimal => "reader.ReadDecimal()",
        ValueKind.Decimal128 => CodecHelpers.ReadDecimal128 + "(ref reader)",
        ValueKind.ObjectId => CodecHelpers.ReadObjectId + "(ref reader)",
        ValueKind.Char => "reader.ReadChar()",
        ValueKind.String => value.Representation == Representation.ObjectId ? "reader.ReadObjectIdAsString()" : "reader.ReadString()",
        ValueKind.Guid => OrParsed(value, "global::System.Guid", "reader.ReadGuid()"),
        ValueKind.DateTime => "reader.ReadDateTime()",
        ValueKind.DateTimeOffset => "reader.ReadDateTimeOffset()",
        ValueKind.DateOnly => "reader.ReadDateOnly()",
        ValueKind.TimeOnly => "reader.ReadTimeOnly()",
        ValueKind.TimeSpan => "reader.ReadTimeSpan()",
        ValueKind.Bytes => "reader.ReadBytes()",
        ValueKind.Enum => value.Representation == Representation.String
            ? CodecHelpers.ReadEnumName(value) + "(ref reader)"
            : "(" + value.TypeName + ")" + (value.Element!.Kind == ValueKind.Int64 ? "reader.ReadInt64()" : NotNullExpression(value.Element!)),
        ValueKind.Document => value.CodecTypeName + ".ReadDocument(ref reader)",
        _ => null,
    };

    // A value written as a string by [BsonRepresentation(BsonType.String)] is parsed; any number is still accepted.
    private static string OrParsed(ValueModel value, string type, string read) =>
        value.Representation == Representation.String
            ? "(reader.CurrentType == global::Broker.Bson.BsonType.String ? reader.ParseString<" + type + ">() : " + read + ")"
            : read;

    private static void EmitArray(SourceWriter writer, ValueModel value, string target, int depth)
    {
        var array = "array" + depth;
        var items = "items" + depth;
        var count = "count" + depth;
        var elementType = value.Element!.TypeName;
        writer.WriteLine("var " + array + " = reader.ReadStartArray();");
        if (value.Kind == ValueKind.Array)
        {
            writer.WriteLine("var " + items + " = " + NewArray(elementType, "reader.CountElements()") + ";")
                .WriteLine("var " + count + " = 0;");
        }
        else
        {
            var collection = value.Kind == ValueKind.Set ? "HashSet" : "List";
            writer.WriteLine("var " + items + " = new global::System.Collections.Generic." + collection + "<" + elementType + ">(reader.CountElements());");
        }
        writer.WriteLine("while (reader.ReadElement())").OpenBlock();
        var element = ReadElement(writer, value.Element!, depth);
        writer.WriteLine(value.Kind == ValueKind.Array ? items + "[" + count + "++] = " + element + ";" : items + ".Add(" + element + ");")
            .CloseBlock()
            .WriteLine("reader.ReadEndArray(" + array + ");")
            .WriteLine(target + " = " + items + ";");
    }

    private static void EmitDictionary(SourceWriter writer, ValueModel value, string target, int depth)
    {
        var document = "document" + depth;
        var items = "items" + depth;
        var key = "key" + depth;
        writer.WriteLine("var " + document + " = reader.ReadStartDocument();")
            .WriteLine("var " + items + " = new global::System.Collections.Generic.Dictionary<string, " + value.Element!.TypeName + ">(reader.CountElements());")
            .WriteLine("while (reader.ReadElement(out _))")
            .OpenBlock()
            .WriteLine("var " + key + " = reader.GetCurrentName();");
        var element = ReadElement(writer, value.Element!, depth);
        writer.WriteLine("if (!" + items + ".TryAdd(" + key + ", " + element + "))")
            .OpenBlock()
            .WriteLine("throw reader.ElementError(\"the key appears more than once.\");")
            .CloseBlock()
            .CloseBlock()
            .WriteLine("reader.ReadEndDocument(" + document + ");")
            .WriteLine(target + " = " + items + ";");
    }

    // Reads one element of a collection: an expression when one will do, otherwise into a local whose name it returns.
    private static string ReadElement(SourceWriter writer, ValueModel element, int depth)
    {
        var expression = Expression(element);
        if (expression is not null)
            return expression;
        var item = "item" + depth;
        writer.WriteLine(element.TypeName + " " + item + ";");
        Emit(writer, element, item, depth + 1);
        return item;
    }

    // `new T[n]` cannot be written for an element type that is itself an array with nullable annotations, so those use
    // the equivalent GC.AllocateArray.
    private static string NewArray(string elementType, string length) =>
        elementType.IndexOf('[') >= 0
            ? "global::System.GC.AllocateArray<" + elementType + ">(" + length + ")"
            : "new " + elementType + "[" + length + "]";
}
