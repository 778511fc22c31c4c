using System;
using System.Collections.Generic;
using System.Linq;
using Broker.Generators.Model;

namespace Broker.Generators.Parsing;

/// <summary>A codec that takes another name than the scheme gives it, because another codec has that name.</summary>
/// <param name="TypeName">The type it encodes, fully qualified: the key that every reference to the codec carries.</param>
/// <param name="CodecName">Its new simple name.</param>
/// <param name="CodecTypeName">Its new full name, with <c>global::</c>.</param>
internal sealed record CodecRename(string TypeName, string CodecName, string CodecTypeName);

/// <summary>
/// Gives every codec of the assembly a name of its own. The scheme (<see cref="Names.CodecName"/>) joins nested types,
/// namespaces of type arguments and the words of closed generics with '_', so contrived types can meet on one name:
/// a class named <c>Envelope_Of_int_</c> and <c>Envelope&lt;int&gt;</c>, a class <c>Outer_Inner</c> and the nested
/// <c>Outer.Inner</c>; and two classes whose names differ in case only share a hint name, which Roslyn compares
/// ignoring case. Two codecs with one class name or hint name, or a codec class named like a codec namespace, would
/// fail the build (or stop the generator); instead, in the order of their type names, the first keeps the name and each
/// later one gets a hash of its type name added, the one <see cref="GenericCodecNames"/> adds to ambiguous names. The
/// names depend only on the codecs, never on the order channels are found in.
/// </summary>
internal static class CodecNameCollisions
{
    /// <summary>The codecs that must be renamed, by type name; empty (the usual case) when every name is free.</summary>
    public static EquatableArray<CodecRename> Find(EquatableArray<CodecModel> codecs)
    {
        // A class cannot have the full name of a namespace the other codecs are in, nor of any namespace above it.
        var namespaces = new HashSet<string>(StringComparer.Ordinal);
        foreach (var codec in codecs)
        {
            for (var ns = codec.CodecNamespace; ns.Length > 0; ns = ns.Substring(0, Math.Max(0, ns.LastIndexOf('.'))))
                namespaces.Add(ns);
        }
        var classes = new HashSet<string>(StringComparer.Ordinal);
        var hints = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var renames = new List<CodecRename>();
        foreach (var codec in codecs.OrderBy(c => c.TypeName, StringComparer.Ordinal))
        {
            var name = codec.CodecName;
            for (var attempt = 0; IsTaken(codec.CodecNamespace, name, namespaces, classes, hints); attempt++)
                name = Disambiguated(codec, attempt);
            classes.Add(codec.CodecNamespace + "." + name);
            hints.Add(CodecModel.HintNameOf(codec.CodecNamespace, name));
            if (name != codec.CodecName)
                renames.Add(new CodecRename(codec.TypeName, name, "global::" + codec.CodecNamespace + "." + name));
        }
        return renames.ToEquatableArray();
    }

    /// <summary>The codecs with the new names, and every reference to a renamed codec changed to match.</summary>
    public static EquatableArray<CodecModel> Apply(EquatableArray<CodecModel> codecs, EquatableArray<CodecRename> renames) =>
        renames.Count == 0 ? codecs : codecs.Select(c => Apply(c, ByTypeName(renames))).ToEquatableArray();

    /// <summary>The channel, naming its message type's new codec when it was renamed.</summary>
    public static ChannelModel Apply(ChannelModel channel, EquatableArray<CodecRename> renames) =>
        renames.Count > 0 && ByTypeName(renames).TryGetValue(channel.MessageTypeName, out var rename)
            ? channel with { MessageCodecTypeName = rename.CodecTypeName }
            : channel;

    /// <summary>The declared subtypes, naming the new codecs of those renamed.</summary>
    public static EquatableArray<SubtypeModel> Apply(EquatableArray<SubtypeModel> subtypes, EquatableArray<CodecRename> renames)
    {
        if (renames.Count == 0)
            return subtypes;
        var byTypeName = ByTypeName(renames);
        return subtypes
            .Select(s => s with { Registered = s.Registered.Select(k => Apply(k, byTypeName)).ToEquatableArray() })
            .ToEquatableArray();
    }

    private static bool IsTaken(string codecNamespace, string name, HashSet<string> namespaces, HashSet<string> classes, HashSet<string> hints)
    {
        var full = codecNamespace + "." + name;
        return classes.Contains(full) || namespaces.Contains(full) || hints.Contains(CodecModel.HintNameOf(codecNamespace, name));
    }

    // UserCodec → User_H1a2b3c4d_Codec; Envelope_Of_int_Codec → Envelope_Of_int__H1a2b3c4d_Codec. Should even that be
    // taken, a counter follows the hash.
    private static string Disambiguated(CodecModel codec, int attempt)
    {
        var name = codec.CodecName;
        var stem = name.EndsWith("_Codec", StringComparison.Ordinal) ? name.Substring(0, name.Length - 6)
            : name.EndsWith("Codec", StringComparison.Ordinal) ? name.Substring(0, name.Length - 5)
            : name;
        return stem + "_H" + GenericCodecNames.Hash(codec.TypeName) + (attempt == 0 ? "" : "_" + attempt) + "_Codec";
    }

    private static Dictionary<string, CodecRename> ByTypeName(EquatableArray<CodecRename> renames) =>
        renames.ToDictionary(r => r.TypeName, StringComparer.Ordinal);

    private static CodecModel Apply(CodecModel codec, Dictionary<string, CodecRename> renames) => codec with
    {
        CodecName = renames.TryGetValue(codec.TypeName, out var own) ? own.CodecName : codec.CodecName,
        Members = codec.Members.Select(m => m with { Value = Apply(m.Value, renames) }).ToEquatableArray(),
        Polymorphism = codec.Polymorphism with { KnownTypes = codec.Polymorphism.KnownTypes.Select(k => Apply(k, renames)).ToEquatableArray() },
    };

    private static KnownTypeModel Apply(KnownTypeModel known, Dictionary<string, CodecRename> renames) =>
        renames.TryGetValue(known.TypeName, out var rename) ? known with { CodecTypeName = rename.CodecTypeName } : known;

    // A member's type names its codec's type with the member's own annotation: User? for a nullable member of type User.
    private static ValueModel Apply(ValueModel value, Dictionary<string, CodecRename> renames)
    {
        if (value.Kind == ValueKind.Document)
        {
            var typeName = value.TypeName.EndsWith("?", StringComparison.Ordinal) ? value.TypeName.Substring(0, value.TypeName.Length - 1) : value.TypeName;
            return renames.TryGetValue(typeName, out var rename) ? value with { CodecTypeName = rename.CodecTypeName } : value;
        }
        return value.Element is { } element ? value with { Element = Apply(element, renames) } : value;
    }
}
