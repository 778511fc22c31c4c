using Broker.Generators.Model;

namespace Broker.Generators.Emit;

/// <summary>Emits the statements that write one value as one element. Nested collections get locals suffixed by depth.</summary>
internal static class ValueWriters
{
    /// <summary>The scratch span WriteMembers declares once when the codec writes MongoDB.Bson ObjectIds.</summary>
    public const string ObjectIdScratch = "objectIdBytes";

    /// <param name="writer">Where the code goes.</param>
    /// <param name="value">The value's type.</param>
    /// <param name="expression">The value, such as <c>value.Tags</c>; evaluated once or, for plain locals and members, a few times.</param>
    /// <param name="name">The element name, such as <c>"Tags"u8</c>, <c>i0</c> or <c>entry0.Key</c>.</param>
    /// <param name="local">The name for the value once it is known not to be null.</param>
    /// <param name="depth">How deep in collections this is.</param>
    /// <param name="position">What this value is in its container, for the path of a refused null.</param>
    public static void Emit(SourceWriter writer, ValueModel value, string expression, string name, string local, int depth, Position position)
    {
        if (!value.CanBeNull)
        {
            EmitChecked(writer, value, expression, name, depth, position);
            return;
        }

        writer.WriteLine("if (" + expression + " is { } " + local + ")").OpenBlock();
        EmitChecked(writer, value.Kind == ValueKind.Nullable ? value.Element! : value, local, name, depth, position);
        writer.CloseBlock()
            .WriteLine("else")
            .OpenBlock()
            .WriteLine(value.RefusesNull
                // Refused while writing, before anything is stored: a reader would hand the null to code that the
                // type promised would never see one.
                ? "global::Broker.Bson.BsonNullMemberException." + position.Throw + ";"
                : "writer.WriteNull(" + name + ");")
            .CloseBlock();
    }

    // A value that can refuse a null deeper down adds its own step to the path as the exception passes. try costs
    // nothing until something throws, and only values that can throw (as the parser worked out) get one.
    private static void EmitChecked(SourceWriter writer, ValueModel value, string expression, string name, int depth, Position position)
    {
        if (!value.MayRefuseInside)
        {
            EmitNotNull(writer, value, expression, name, depth);
            return;
        }
        writer.WriteLine("try").OpenBlock();
        EmitNotNull(writer, value, expression, name, depth);
        writer.CloseBlock()
            .WriteLine("catch (global::Broker.Bson.BsonNullMemberException nullMember" + depth + ")")
            .OpenBlock()
            .WriteLine("nullMember" + depth + "." + position.Add + ";")
            .WriteLine("throw;")
            .CloseBlock();
    }

    private static void EmitNotNull(SourceWriter writer, ValueModel value, string expression, string name, int depth)
    {
        var arguments = name + ", " + expression;
        var representation = value.Representation;
        switch (value.Kind)
        {
            case ValueKind.Boolean:
                writer.WriteLine("writer.WriteBoolean(" + arguments + ");");
                break;
            case ValueKind.Byte:
            case ValueKind.SByte:
            case ValueKind.Int16:
            case ValueKind.UInt16:
            case ValueKind.Char:
                writer.WriteLine("writer.WriteInt32(" + arguments + ");");
                break;
            case ValueKind.Int32:
                writer.WriteLine(representation switch
                {
                    Representation.Int64 => "writer.WriteInt64(" + name + ", (long)" + expression + ");",
                    Representation.String => "writer.WriteFormatted(" + arguments + ");",
                    _ => "writer.WriteInt32(" + arguments + ");",
                });
                break;
            case ValueKind.Int64:
                writer.WriteLine(representation switch
                {
                    Representation.Int32 => "writer.WriteInt32(" + name + ", checked((int)" + expression + "));",
                    Representation.String => "writer.WriteFormatted(" + arguments + ");",
                    _ => "writer.WriteInt64(" + arguments + ");",
                });
                break;
            case ValueKind.UInt32:
                writer.WriteLine("writer.WriteUInt32(" + arguments + ");");
                break;
            case ValueKind.UInt64:
                writer.WriteLine("writer.WriteUInt64(" + arguments + ");");
                break;
            case ValueKind.Single:
                writer.WriteLine("writer.WriteSingle(" + arguments + ");");
                break;
            case ValueKind.Double:
                writer.WriteLine("writer.WriteDouble(" + arguments + ");");
                break;
            case ValueKind.Decimal:
                writer.WriteLine(representation switch
                {
                    Representation.Double => "writer.WriteDouble(" + name + ", (double)" + expression + ");",
                    Representation.String => "writer.WriteFormatted(" + arguments + ");",
                    _ => "writer.WriteDecimal(" + arguments + ");",
                });
                break;
            case ValueKind.Decimal128:
                writer.WriteLine("writer.WriteDecimal128(" + name + ", " + expression + ".GetIEEEHighBits(), " + expression + ".GetIEEELowBits());");
                break;
            case ValueKind.ObjectId:
                writer.WriteLine(expression + ".ToByteSpan(" + ObjectIdScratch + ");")
                    .WriteLine("writer.WriteObjectId(" + name + ", " + ObjectIdScratch + ");");
                break;
            case ValueKind.String:
                writer.WriteLine(representation == Representation.ObjectId
                    ? "writer.WriteObjectId(" + arguments + ");"
                    : "writer.WriteString(" + arguments + ");");
                break;
            case ValueKind.Guid:
                writer.WriteLine(representation == Representation.String
                    ? "writer.WriteFormatted(" + arguments + ");"
                    : "writer.WriteGuid(" + arguments + ");");
                break;
            case ValueKind.DateTime:
                writer.WriteLine("writer.WriteDateTime(" + arguments + ");");
                break;
            case ValueKind.DateTimeOffset:
                writer.WriteLine("writer.WriteDateTimeOffset(" + arguments + ");");
                break;
            case ValueKind.DateOnly:
                writer.WriteLine("writer.WriteDateOnly(" + arguments + ");");
                break;
            case ValueKind.TimeOnly:
                writer.WriteLine("writer.WriteTimeOnly(" + arguments + ");");
                break;
            case ValueKind.TimeSpan:
                writer.WriteLine(representation == Representation.Int64
                    ? "writer.WriteInt64(" + name + ", " + expression + ".Ticks);"
                    : "writer.WriteTimeSpan(" + arguments + ");");
                break;
            case ValueKind.Bytes:
                writer.WriteLine("writer.WriteBinary(" + arguments + ");");
                break;
            case ValueKind.Enum:
                EmitEnum(writer, value, expression, name);
                break;
            case ValueKind.Document:
                writer.WriteLine(value.CodecTypeName + ".WriteElement(ref writer, " + arguments + ");");
                break;
            case ValueKind.Array:
            case ValueKind.List:
            case ValueKind.Set:
                EmitSequence(writer, value, expression, name, depth);
                break;
            case ValueKind.Dictionary:
                EmitDictionary(writer, value, expression, name, depth);
                break;
        }
    }

    private static void EmitEnum(SourceWriter writer, ValueModel value, string expression, string name)
    {
        var wide = value.Element!.Kind == ValueKind.Int64;
        if (value.Representation == Representation.String)
            writer.WriteLine(CodecHelpers.WriteEnumName(value) + "(ref writer, " + name + ", " + expression + ");");
        else if (value.Representation == Representation.Int64 || (wide && value.Representation == Representation.Default))
            writer.WriteLine("writer.WriteInt64(" + name + ", (long)" + expression + ");");
        else if (wide)
            writer.WriteLine("writer.WriteInt32(" + name + ", checked((int)" + expression + "));");
        else
            writer.WriteLine("writer.WriteInt32(" + name + ", (int)" + expression + ");");
    }

    private static void EmitSequence(SourceWriter writer, ValueModel value, string expression, string name, int depth)
    {
        var array = "array" + depth;
        writer.WriteLine("var " + array + " = writer.WriteStartArray(" + name + ");");
        switch (value.Traversal)
        {
            case Traversal.Indexer:
                EmitIndexed(writer, value, expression, depth, value.Kind == ValueKind.Array ? "Length" : "Count");
                break;
            case Traversal.Enumerator:
                EmitEnumerated(writer, value, expression, depth);
                break;
            default:
                // An interface: the usual concrete types first (list, array, set), walked without allocating an enumerator.
                var concrete = "concrete" + depth;
                var concreteType = value.Kind == ValueKind.Set
                    ? "global::System.Collections.Generic.HashSet<" + value.Element!.TypeName + ">"
                    : "global::System.Collections.Generic.List<" + value.Element!.TypeName + ">";
                writer.WriteLine("if (" + expression + " is " + concreteType + " " + concrete + ")").OpenBlock();
                if (value.Kind == ValueKind.Set)
                    EmitEnumerated(writer, value, concrete, depth);
                else
                    EmitIndexed(writer, value, concrete, depth, "Count");
                writer.CloseBlock();
                if (value.Kind == ValueKind.List)
                {
                    var items = "items" + depth;
                    writer.WriteLine("else if (" + expression + " is " + value.Element!.TypeName + "[] " + items + ")").OpenBlock();
                    EmitIndexed(writer, value, items, depth, "Length");
                    writer.CloseBlock();
                    var set = "set" + depth;
                    writer.WriteLine("else if (" + expression + " is global::System.Collections.Generic.HashSet<" + value.Element!.TypeName + "> " + set + ")").OpenBlock();
                    EmitEnumerated(writer, value, set, depth);
                    writer.CloseBlock();
                }
                writer.WriteLine("else").OpenBlock();
                EmitEnumerated(writer, value, expression, depth);
                writer.CloseBlock();
                break;
        }
        writer.WriteLine("writer.WriteEndArray(" + array + ");");
    }

    private static void EmitIndexed(SourceWriter writer, ValueModel value, string expression, int depth, string count)
    {
        var index = "i" + depth;
        writer.WriteLine("for (var " + index + " = 0; " + index + " < " + expression + "." + count + "; " + index + "++)")
            .OpenBlock();
        Emit(writer, value.Element!, expression + "[" + index + "]", index, "item" + depth, depth + 1, Position.Index(index));
        writer.CloseBlock();
    }

    private static void EmitEnumerated(SourceWriter writer, ValueModel value, string expression, int depth)
    {
        var index = "i" + depth;
        var element = "element" + depth;
        writer.WriteLine("var " + index + " = 0;")
            .WriteLine("foreach (var " + element + " in " + expression + ")")
            .OpenBlock();
        Emit(writer, value.Element!, element, index, "item" + depth, depth + 1, Position.Index(index));
        writer.WriteLine(index + "++;")
            .CloseBlock();
    }

    private static void EmitDictionary(SourceWriter writer, ValueModel value, string expression, string name, int depth)
    {
        var document = "document" + depth;
        writer.WriteLine("var " + document + " = writer.WriteStartDocument(" + name + ");");
        if (value.Traversal == Traversal.Interface)
        {
            var concrete = "concrete" + depth;
            writer.WriteLine("if (" + expression + " is global::System.Collections.Generic.Dictionary<string, " + value.Element!.TypeName + "> " + concrete + ")").OpenBlock();
            EmitEntries(writer, value, concrete, depth);
            writer.CloseBlock().WriteLine("else").OpenBlock();
            EmitEntries(writer, value, expression, depth);
            writer.CloseBlock();
        }
        else
        {
            EmitEntries(writer, value, expression, depth);
        }
        writer.WriteLine("writer.WriteEndDocument(" + document + ");");
    }

    private static void EmitEntries(SourceWriter writer, ValueModel value, string expression, int depth)
    {
        var entry = "entry" + depth;
        writer.WriteLine("foreach (var " + entry + " in " + expression + ")").OpenBlock();
        Emit(writer, value.Element!, entry + ".Value", entry + ".Key", "item" + depth, depth + 1, Position.Key(entry + ".Key"));
        writer.CloseBlock();
    }
}

/// <summary>
/// Where a value sits in its container, rendered as the call that throws for a null there and the call that adds the
/// step to the path of an exception coming from inside it (<c>BsonNullMemberException</c>).
/// </summary>
/// <param name="Throw">Such as <c>ThrowMember("ShipTo")</c> or <c>ThrowIndex(i0)</c>.</param>
/// <param name="Add">Such as <c>AddMember("ShipTo")</c> or <c>AddKey(entry0.Key)</c>.</param>
internal sealed record Position(string Throw, string Add)
{
    /// <summary>A member of the document, by its C# name.</summary>
    public static Position Member(string name) =>
        new("ThrowMember(" + Parsing.Names.Literal(name) + ")", "AddMember(" + Parsing.Names.Literal(name) + ")");

    /// <summary>An element of an array, list or set, by the local holding its index.</summary>
    public static Position Index(string index) => new("ThrowIndex(" + index + ")", "AddIndex(" + index + ")");

    /// <summary>A dictionary value, by the expression of its key.</summary>
    public static Position Key(string key) => new("ThrowKey(" + key + ")", "AddKey(" + key + ")");
}
