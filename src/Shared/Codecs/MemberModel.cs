namespace Broker.Generators.Model;

/// <summary>How the codec gives a member its value when reading.</summary>
internal enum MemberBinding
{
    /// <summary>A parameter of the constructor the codec calls.</summary>
    Constructor,

    /// <summary>An init-only or required member, assigned in the object initializer.</summary>
    Initializer,

    /// <summary>A settable property or field, assigned after construction when the element was present.</summary>
    Setter,

    /// <summary>A get-only collection: cleared and filled with what was read, after construction.</summary>
    Populate,

    /// <summary>Written but not read back, as MongoDB.Bson does with a get-only member mapped by <c>[BsonElement]</c>.</summary>
    WriteOnly,
}

/// <summary>One serialized member of a document type.</summary>
/// <param name="Name">The C# member name, for messages.</param>
/// <param name="Identifier">The member name as an identifier (keywords escaped with <c>@</c>).</param>
/// <param name="ElementName">The BSON element name (<c>_id</c> for the id member).</param>
/// <param name="Value">Its type.</param>
/// <param name="Binding">How reading assigns it.</param>
/// <param name="ConstructorIndex">For <see cref="MemberBinding.Constructor"/>: the parameter's position; -1 otherwise.</param>
/// <param name="IsRequired">Reading a document without this element fails, naming it.</param>
/// <param name="DefaultExpression">The value when the element is missing and the member is not required, or null for <c>default</c>.</param>
/// <param name="IgnoreIfNull">Not written when null (<c>[BsonIgnoreIfNull]</c>).</param>
/// <param name="IgnoreIfDefaultExpression">Not written when equal to this value (<c>[BsonIgnoreIfDefault]</c>); null when always written.</param>
internal sealed record MemberModel(
    string Name,
    string Identifier,
    string ElementName,
    ValueModel Value,
    MemberBinding Binding,
    int ConstructorIndex,
    bool IsRequired,
    string? DefaultExpression,
    bool IgnoreIfNull = false,
    string? IgnoreIfDefaultExpression = null);
