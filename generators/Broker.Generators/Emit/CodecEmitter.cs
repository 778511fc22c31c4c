using System.Linq;
using Broker.Generators.Model;
using Broker.Generators.Parsing;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Broker.Generators.Emit;

/// <summary>Emits the BSON codec of one class, struct or record.</summary>
internal static class CodecEmitter
{
    private const string Writer = "ref global::Broker.Bson.BsonWriter writer";
    private const string Reader = "ref global::Broker.Bson.BsonReader reader";

    public static void Emit(SourceProductionContext context, CodecModel codec) =>
        context.AddSource(codec.HintName, SourceText.From(Render(codec), System.Text.Encoding.UTF8));

    public static string Render(CodecModel codec)
    {
        var writer = GeneratedCode.StartFile();
        writer.WriteLine("namespace " + codec.CodecNamespace).OpenBlock();
        writer.WriteLine("/// <summary>")
            .WriteLine("/// Writes and reads " + DocReference(codec) + " as BSON, with the same bytes as MongoDB.Bson's default class map.")
            .WriteLine("/// </summary>")
            .WriteLine(GeneratedCode.Attribute)
            .WriteLine("internal sealed class " + codec.CodecName + " : global::Broker.Bson.IBsonCodec<" + codec.TypeName + ">")
            .OpenBlock()
            .WriteLine("/// <summary>The one instance; the codec has no state.</summary>")
            .WriteLine("public static readonly " + codec.CodecName + " Instance = new " + codec.CodecName + "();")
            .WriteLine();

        EmitWriteDocument(writer, codec, root: true);
        writer.WriteLine();
        writer.WriteLine("/// <inheritdoc/>")
            .WriteLine("public " + codec.TypeName + " Read(" + Reader + ") => ReadDocument(ref reader);")
            .WriteLine();
        EmitWriteDocument(writer, codec, root: false);
        writer.WriteLine();
        EmitWriteDiscriminator(writer, codec);
        if (codec.Polymorphism.CanBeDerived)
        {
            writer.WriteLine();
            EmitWriteDerived(writer, codec);
        }
        if (!codec.Polymorphism.IsAbstract)
        {
            writer.WriteLine();
            EmitWriteMembers(writer, codec);
        }
        writer.WriteLine();
        EmitReadDocument(writer, codec);
        CodecHelpers.Emit(writer, codec);

        writer.CloseBlock();
        writer.CloseBlock();
        return writer.ToString();
    }

    // The root document (IBsonCodec.Write) or an embedded one. A value of a derived type is written by its own codec
    // after a _t naming it; the declared type writes _t only when its discriminator is required.
    private static void EmitWriteDocument(SourceWriter writer, CodecModel codec, bool root)
    {
        var start = root ? "writer.WriteStartDocument()" : "writer.WriteStartDocument(name)";
        if (root)
            writer.WriteLine("/// <inheritdoc/>").WriteLine("public void Write(" + Writer + ", " + codec.TypeName + " value)");
        else
            writer.WriteLine("/// <summary>Writes the value as an embedded document element.</summary>")
                .WriteLine("internal static void WriteElement(" + Writer + ", global::Broker.Bson.BsonElementName name, " + codec.TypeName + " value)");
        writer.OpenBlock();
        // The root names the message type as the first step of a refused null's path; an embedded document's step is
        // its member or position, which the code writing it adds.
        var namesRoot = root && codec.ChecksNulls;
        if (namesRoot)
            writer.WriteLine("try").OpenBlock();
        EmitWriteDocumentBody(writer, codec, start);
        if (namesRoot)
        {
            writer.CloseBlock()
                .WriteLine("catch (global::Broker.Bson.BsonNullMemberException nullMember)")
                .OpenBlock()
                .WriteLine("nullMember.AddMember(" + Names.Literal(codec.ShortName) + ");")
                .WriteLine("throw;")
                .CloseBlock();
        }
        writer.CloseBlock();
    }

    private static void EmitWriteDocumentBody(SourceWriter writer, CodecModel codec, string start)
    {
        var polymorphism = codec.Polymorphism;
        if (polymorphism.IsAbstract)
        {
            writer.WriteLine("var start = " + start + ";")
                .WriteLine("WriteDerived(ref writer, value);")
                .WriteLine("writer.WriteEndDocument(start);");
            return;
        }
        if (polymorphism.CanBeDerived)
        {
            writer.WriteLine("if (value.GetType() != typeof(" + codec.TypeName + "))")
                .OpenBlock()
                .WriteLine("var derived = " + start + ";")
                .WriteLine("WriteDerived(ref writer, value);")
                .WriteLine("writer.WriteEndDocument(derived);")
                .WriteLine("return;")
                .CloseBlock();
        }
        writer.WriteLine("var start = " + start + ";");
        if (polymorphism.AlwaysWritten)
            writer.WriteLine("WriteDiscriminator(ref writer);");
        writer.WriteLine("WriteMembers(ref writer, value);")
            .WriteLine("writer.WriteEndDocument(start);");
    }

    private static void EmitWriteDiscriminator(SourceWriter writer, CodecModel codec)
    {
        var discriminators = codec.Polymorphism.Discriminators;
        writer.WriteLine("/// <summary>Writes <c>_t</c> as MongoDB.Bson's hierarchical discriminator convention does for this type.</summary>")
            .WriteLine("internal static void WriteDiscriminator(" + Writer + ")")
            .OpenBlock();
        if (discriminators.Count == 1)
        {
            writer.WriteLine("writer.WriteUtf8String(" + ElementName("_t") + ", " + Utf8(discriminators[0]) + ");");
        }
        else
        {
            writer.WriteLine("var chain = writer.WriteStartArray(" + ElementName("_t") + ");");
            for (var i = 0; i < discriminators.Count; i++)
                writer.WriteLine("writer.WriteUtf8String(" + i + ", " + Utf8(discriminators[i]) + ");");
            writer.WriteLine("writer.WriteEndArray(chain);");
        }
        writer.CloseBlock();
    }

    private static void EmitWriteDerived(SourceWriter writer, CodecModel codec)
    {
        writer.WriteLine("// The value's exact type decides: a subclass [BsonKnownTypes] does not list would lose its members.")
            .WriteLine("private static void WriteDerived(" + Writer + ", " + codec.TypeName + " value)")
            .OpenBlock()
            .WriteLine("var type = value.GetType();");
        foreach (var known in codec.Polymorphism.KnownTypes)
        {
            writer.WriteLine("if (type == typeof(" + known.TypeName + "))")
                .OpenBlock()
                .WriteLine(known.CodecTypeName + ".WriteDiscriminator(ref writer);")
                .WriteLine(known.CodecTypeName + ".WriteMembers(ref writer, (" + known.TypeName + ")value);")
                .WriteLine("return;")
                .CloseBlock();
        }
        // Only a type this codec does not know goes to the subtypes other assemblies registered (BsonKnownSubtype), and
        // when none matches, to the error that says which attribute to add where.
        writer.WriteLine("global::Broker.Bson.BsonSubtypes.WriteDerived<" + codec.TypeName + ">(ref writer, value, " + Names.Literal(codec.DisplayName) + ");")
            .CloseBlock();
    }

    private static void EmitWriteMembers(SourceWriter writer, CodecModel codec)
    {
        writer.WriteLine("/// <summary>Writes the members as elements of the current document, in MongoDB.Bson's order.</summary>")
            .WriteLine("internal static void WriteMembers(" + Writer + ", " + codec.TypeName + " value)")
            .OpenBlock();
        if (CodecHelpers.Uses(codec, ValueKind.ObjectId))
            writer.WriteLine("global::System.Span<byte> " + ValueWriters.ObjectIdScratch + " = stackalloc byte[12];");
        foreach (var member in codec.Members)
        {
            var expression = "value." + member.Identifier;
            var condition = member.IgnoreIfDefaultExpression is { } ignored
                ? "!global::System.Collections.Generic.EqualityComparer<" + member.Value.TypeName + ">.Default.Equals(" + expression + ", " + ignored + ")"
                : member.IgnoreIfNull ? expression + " is not null" : null;
            if (condition is not null)
                writer.WriteLine("if (" + condition + ")").OpenBlock();
            ValueWriters.Emit(writer, member.Value, expression, ElementName(member.ElementName), member.Name + "Value", 0, Position.Member(member.Name));
            if (condition is not null)
                writer.CloseBlock();
        }
        writer.CloseBlock();
    }

    private static void EmitReadDocument(SourceWriter writer, CodecModel codec)
    {
        var polymorphism = codec.Polymorphism;
        writer.WriteLine("/// <summary>Reads a document: the root, or the value of the current element. Unknown elements are skipped.</summary>")
            .WriteLine("internal static " + codec.TypeName + " ReadDocument(" + Reader + ")")
            .OpenBlock();
        if (polymorphism.KnownTypes.Count > 0 || polymorphism.IsAbstract)
        {
            writer.WriteLine("var discriminator = reader.PeekDiscriminator();");
            var own = polymorphism.Discriminators[polymorphism.Discriminators.Count - 1];
            writer.WriteLine(polymorphism.IsAbstract
                    ? "if (!discriminator.IsEmpty)"
                    : "if (!discriminator.IsEmpty && !global::System.MemoryExtensions.SequenceEqual(discriminator, " + Utf8(own) + "))")
                .OpenBlock();
            foreach (var known in polymorphism.KnownTypes)
            {
                writer.WriteLine("if (global::System.MemoryExtensions.SequenceEqual(discriminator, " + Utf8(known.Discriminator) + "))")
                    .Indent()
                    .WriteLine("return " + known.CodecTypeName + ".ReadDocument(ref reader);")
                    .Unindent();
            }
            writer.WriteLine("return " + ReadRegistered(codec) + ";")
                .CloseBlock();
            if (polymorphism.IsAbstract)
            {
                writer.WriteLine("throw reader.MissingDiscriminator(" + Names.Literal(codec.DisplayName) + ");")
                    .CloseBlock();
                return;
            }
        }
        else if (polymorphism.CanBeDerived)
        {
            // No [BsonKnownTypes]: _t is looked for only once another assembly registered a subtype, so a type nobody
            // derives from elsewhere pays one static read per document, not a scan for _t.
            writer.WriteLine("if (global::Broker.Bson.BsonSubtypes.HasAny<" + codec.TypeName + ">())")
                .OpenBlock()
                .WriteLine("var discriminator = reader.PeekDiscriminator();")
                .WriteLine("if (!discriminator.IsEmpty && !global::System.MemoryExtensions.SequenceEqual(discriminator, " + Utf8(polymorphism.Discriminators[polymorphism.Discriminators.Count - 1]) + "))")
                .Indent()
                .WriteLine("return " + ReadRegistered(codec) + ";")
                .Unindent()
                .CloseBlock();
        }

        // A type created with no arguments and filled through setters is created first and filled as elements arrive, as
        // MongoDB.Bson does; otherwise values are collected in locals and the constructor and initializer run at the end.
        var direct = codec.ConstructorArity == 0 && codec.Members.All(m => m.Binding == MemberBinding.Setter && m.DefaultExpression is null);
        var read = codec.Members.Where(m => m.Binding != MemberBinding.WriteOnly).ToList();

        writer.WriteLine("var scope = reader.ReadStartDocument();");
        if (direct)
        {
            writer.WriteLine("var result = new " + codec.TypeName + "();");
        }
        else
        {
            foreach (var member in read)
            {
                writer.WriteLine(member.Value.TypeName + " " + member.Name + "Value = " + (member.DefaultExpression ?? ValueReaders.DefaultValue(member.Value)) + ";");
                if (IsTracked(member))
                    writer.WriteLine("var " + member.Name + "Seen = false;");
            }
        }

        EmitReadInWrittenOrder(writer, codec, direct);

        // Candidates are narrowed by the name's length first, so a document of n members costs about n comparisons.
        writer.WriteLine("while (reader.ReadElement(out var name))").OpenBlock();
        var byLength = read.GroupBy(m => System.Text.Encoding.UTF8.GetByteCount(m.ElementName)).OrderBy(g => g.Key).ToList();
        if (byLength.Count > 0)
        {
            writer.WriteLine("switch (name.Length)").OpenBlock();
            foreach (var group in byLength)
            {
                writer.WriteLine("case " + group.Key + ":").Indent();
                foreach (var member in group)
                {
                    // The literal first: its length is then a constant, and the comparison is unrolled.
                    writer.WriteLine("if (global::System.MemoryExtensions.SequenceEqual(" + Utf8(member.ElementName) + ", name))")
                        .OpenBlock();
                    EmitReadMember(writer, member, direct);
                    writer.WriteLine("continue;")
                        .CloseBlock();
                }
                writer.WriteLine("break;").Unindent();
            }
            writer.CloseBlock();
        }
        writer.WriteLine("reader.Skip();")
            .CloseBlock()
            .WriteLine("reader.ReadEndDocument(scope);");

        if (!direct)
            EmitConstruction(writer, codec, read);
        writer.WriteLine("return result;")
            .CloseBlock();
    }

    // The elements in the order this codec writes them, each name compared in place with ReadElementIfNamed: a document
    // this codec (or MongoDB.Bson's class map) wrote is read without searching for the end of any name or matching it
    // against the others. A member the writer may leave out is tried and passed over when absent; the first element that
    // is not the one expected (out of order, unknown, or the end) leaves the rest of the document to the loop that
    // follows, which reads any order. Every element is read under its exact name whichever path takes it.
    private static void EmitReadInWrittenOrder(SourceWriter writer, CodecModel codec, bool direct)
    {
        if (codec.Members.Count == 0)
            return;
        var jumps = false;
        writer.WriteLine("// The order this codec writes; the first surprise goes to the loop below.");
        if (codec.Polymorphism.AlwaysWritten && !codec.Members.Any(m => m.ElementName == "_t"))
        {
            writer.WriteLine("if (reader.ReadElementIfNamed(" + Utf8("_t") + "))")
                .Indent()
                .WriteLine("reader.Skip();")
                .Unindent();
        }
        foreach (var member in codec.Members)
        {
            var optional = member.IgnoreIfNull || member.IgnoreIfDefaultExpression is not null;
            if (optional)
            {
                writer.WriteLine("if (reader.ReadElementIfNamed(" + Utf8(member.ElementName) + "))").OpenBlock();
            }
            else
            {
                writer.WriteLine("if (!reader.ReadElementIfNamed(" + Utf8(member.ElementName) + "))")
                    .Indent()
                    .WriteLine("goto " + OutOfOrder + ";")
                    .Unindent();
                jumps = true;
            }
            if (member.Binding == MemberBinding.WriteOnly)
                writer.WriteLine("reader.Skip();");
            else
                EmitReadMember(writer, member, direct);
            if (optional)
                writer.CloseBlock();
        }
        if (jumps)
            writer.WriteLine(OutOfOrder + ":");
    }

    private const string OutOfOrder = "outOfOrder";

    // A discriminator this codec does not know: a subtype another assembly registered, or the error naming the fix.
    private static string ReadRegistered(CodecModel codec) =>
        "global::Broker.Bson.BsonSubtypes.ReadDerived<" + codec.TypeName + ">(ref reader, discriminator, " + Names.Literal(codec.DisplayName) + ")";

    private static void EmitReadMember(SourceWriter writer, MemberModel member, bool direct)
    {
        if (direct)
        {
            ValueReaders.Emit(writer, member.Value, "result." + member.Identifier, 0);
            return;
        }
        ValueReaders.Emit(writer, member.Value, member.Name + "Value", 0);
        if (IsTracked(member))
            writer.WriteLine(member.Name + "Seen = true;");
    }

    private static void EmitConstruction(SourceWriter writer, CodecModel codec, System.Collections.Generic.List<MemberModel> read)
    {
        foreach (var member in read.Where(m => m.IsRequired))
        {
            writer.WriteLine("if (!" + member.Name + "Seen)")
                .OpenBlock()
                .WriteLine("throw global::Broker.Bson.BsonFormatException.MissingElement(scope.Start, " + Names.Literal(member.ElementName) + ", " + Names.Literal(codec.DisplayName) + ");")
                .CloseBlock();
        }

        var arguments = read
            .Where(m => m.Binding == MemberBinding.Constructor)
            .OrderBy(m => m.ConstructorIndex)
            .Select(m => m.Name + "Value");
        var initialized = read.Where(m => m.Binding == MemberBinding.Initializer).ToList();
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

        foreach (var member in read.Where(m => m.Binding == MemberBinding.Setter))
        {
            if (member.DefaultExpression is not null)
            {
                // [BsonDefaultValue] applies when the element is missing, as MongoDB.Bson's class map applies it.
                writer.WriteLine("result." + member.Identifier + " = " + member.Name + "Value;");
                continue;
            }
            writer.WriteLine("if (" + member.Name + "Seen)")
                .OpenBlock()
                .WriteLine("result." + member.Identifier + " = " + member.Name + "Value;")
                .CloseBlock();
        }

        foreach (var member in read.Where(m => m.Binding == MemberBinding.Populate))
        {
            var target = member.Name + "Target";
            writer.WriteLine("if (" + member.Name + "Seen && " + member.Name + "Value is { } " + member.Name + "Read && result." + member.Identifier + " is { } " + target + ")")
                .OpenBlock()
                .WriteLine("// A get-only collection is filled in place.")
                .WriteLine(target + ".Clear();")
                .WriteLine("foreach (var item in " + member.Name + "Read)")
                .Indent()
                .WriteLine(member.Value.Kind == ValueKind.Dictionary ? target + ".Add(item.Key, item.Value);" : target + ".Add(item);")
                .Unindent()
                .CloseBlock();
        }
    }

    // Required members are checked after the loop; settable ones are assigned only when present, keeping their defaults.
    private static bool IsTracked(MemberModel member) =>
        member.IsRequired || member.Binding == MemberBinding.Populate || (member.Binding == MemberBinding.Setter && member.DefaultExpression is null);

    // A cref cannot name a closed generic type (Envelope{User} would declare a type parameter called User), so one is
    // named in text, escaped for the XML of the comment.
    private static string DocReference(CodecModel codec) =>
        codec.TypeName.IndexOf('<') < 0
            ? "<see cref=\"" + codec.TypeName + "\"/>"
            : "<c>" + codec.DisplayName.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;") + "</c>";

    private static string Utf8(string text) => Names.Literal(text) + "u8";

    // The generator refuses element names with a zero byte, so the writer need not scan them again.
    private static string ElementName(string name) => "global::Broker.Bson.BsonElementName.FromValidatedUtf8(" + Utf8(name) + ")";
}
