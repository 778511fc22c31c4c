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
/// <param name="RefusesNull">
/// A reference type declared non-nullable (in a nullable-enabled context): writing a null here throws
/// <c>BsonNullMemberException</c> instead of writing BSON null. False for nullable and nullable-oblivious references.
/// </param>
/// <param name="ChecksNulls">
/// For <see cref="ValueKind.Document"/>: its codec (or the codec of a known derived type) refuses a null somewhere
/// inside, so the code that writes it adds its own step to the exception's path.
/// </param>
internal sealed record ValueModel(
    ValueKind Kind,
    string TypeName,
    bool CanBeNull,
    ValueModel? Element = null,
    string? CodecTypeName = null,
    Representation Representation = Representation.Default,
    Traversal Traversal = Traversal.Indexer,
    EquatableArray<string> EnumNames = default,
    bool RefusesNull = false,
    bool ChecksNulls = false)
{
    /// <summary>
    /// Whether writing this value, once it is known not to be null, can throw for a null deeper down: in a document
    /// whose codec checks, or in an element of a collection.
    /// </summary>
    public bool MayRefuseInside => Kind switch
    {
        ValueKind.Document => ChecksNulls,
        ValueKind.Nullable or ValueKind.Array or ValueKind.List or ValueKind.Set or ValueKind.Dictionary =>
            Element!.RefusesNull || Element.MayRefuseInside,
        _ => false,
    };
}
