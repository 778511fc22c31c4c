using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Broker.Bson;

/// <summary>
/// A member, element or dictionary value whose type is declared non-nullable holds <see langword="null"/>, so the value
/// is refused instead of written. <see cref="MemberPath"/> says where, from the message type down:
/// <c>Order.ShipTo</c>, <c>Order.Lines[2].Sku</c>, <c>Order.Totals["eu"]</c>.
/// </summary>
/// <remarks>
/// <para>
/// Generated codecs throw it while they write, so <see cref="IQueueChannel{T}.ProduceAsync"/> refuses such a message
/// before anything is stored: a consumer would otherwise read the null back into a member that promises never to hold
/// one, fail on every attempt and dead-letter the message.
/// </para>
/// <para>
/// Only members declared in a nullable-enabled context are checked. A reference member declared where nullable
/// annotations are disabled (<c>#nullable disable</c>, or a project without <c>&lt;Nullable&gt;enable&lt;/Nullable&gt;</c>)
/// says nothing about null and is written as BSON null, as before; so is a member marked <c>[BsonIgnoreIfNull]</c>
/// (which is then left out) or <c>[MaybeNull]</c>.
/// </para>
/// <para>
/// The path is built while the exception travels up through the codecs of the enclosing documents and collections,
/// each adding its own step, so writing pays nothing for it until a null is found.
/// </para>
/// </remarks>
public sealed class BsonNullMemberException : ArgumentException
{
    private string _path;

    private BsonNullMemberException(string path)
        : base(message: null) =>
        _path = path;

    /// <summary>
    /// Where the null is, from the message type down: <c>Order.ShipTo</c>, <c>Order.Lines[2].Sku</c>,
    /// <c>Order.Totals["eu"]</c>. Members are named as in C#, not as BSON elements.
    /// </summary>
    public string MemberPath => _path;

    /// <inheritdoc />
    public override string Message =>
        $"{_path} is null, but its type is not nullable, so the value cannot be written and the message was not produced. " +
        "Give it a value, or declare it nullable (for example 'string?') if null is a valid value there.";

    /// <summary>Throws for a null in the member <paramref name="member"/> of the document being written.</summary>
    /// <param name="member">The C# member name.</param>
    /// <remarks>Called by generated codecs.</remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [DoesNotReturn]
    public static void ThrowMember(string member) => throw new BsonNullMemberException(member);

    /// <summary>Throws for a null at <paramref name="index"/> of the collection being written.</summary>
    /// <param name="index">The element's position.</param>
    /// <remarks>Called by generated codecs.</remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [DoesNotReturn]
    public static void ThrowIndex(int index) => throw new BsonNullMemberException(Index(index));

    /// <summary>Throws for a null value under <paramref name="key"/> of the dictionary being written.</summary>
    /// <param name="key">The entry's key.</param>
    /// <remarks>Called by generated codecs.</remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [DoesNotReturn]
    public static void ThrowKey(string key) => throw new BsonNullMemberException(Key(key));

    /// <summary>Adds the member, or the message type at the root, that holds the path so far.</summary>
    /// <param name="member">The C# member name, or the message type's name.</param>
    /// <remarks>Called by generated codecs while the exception passes through them.</remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void AddMember(string member) => _path = member + (_path.StartsWith('[') ? "" : ".") + _path;

    /// <summary>Adds the collection position that holds the path so far.</summary>
    /// <param name="index">The element's position.</param>
    /// <remarks>Called by generated codecs while the exception passes through them.</remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void AddIndex(int index) => _path = Index(index) + (_path.StartsWith('[') ? "" : ".") + _path;

    /// <summary>Adds the dictionary key that holds the path so far.</summary>
    /// <param name="key">The entry's key.</param>
    /// <remarks>Called by generated codecs while the exception passes through them.</remarks>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public void AddKey(string key) => _path = Key(key) + (_path.StartsWith('[') ? "" : ".") + _path;

    private static string Index(int index) => "[" + index.ToString(CultureInfo.InvariantCulture) + "]";

    private static string Key(string key) => "[\"" + key.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"]";
}
