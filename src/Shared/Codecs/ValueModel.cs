namespace Broker.Generators.Model;

/// <summary>The type of a member or element, as far as the codec needs to know it.</summary>
/// <param name="Kind">How it travels.</param>
/// <param name="TypeName">The C# type, fully qualified with <c>global::</c>, nullable annotations included.</param>
/// <param name="CanBeNull">Whether a null can reach the writer (references and nullable value types).</param>
/// <param name="Element">The element, T of a nullable, or the underlying kind of an enum; null otherwise.</param>
/// <param name="CodecTypeName">For <see cref="ValueKind.Document"/>: the fully qualified generated codec.</param>
/// <param name="Representation">The BSON type <c>[BsonRepresentation]</c> asks for, applied to the innermost value.</param>
/// <param name="Traversal">For collections: how writing walks them.</param>
/// <param name="EnumNames">For enums written as strings: the names whose value no other name shares.</param>
internal sealed record ValueModel(
    ValueKind Kind,
    string TypeName,
    bool CanBeNull,
    ValueModel? Element = null,
    string? CodecTypeName = null,
    Representation Representation = Representation.Default,
    Traversal Traversal = Traversal.Indexer,
    EquatableArray<string> EnumNames = default);
