using System.Runtime.CompilerServices;
using System.Text;

namespace Broker.Bson;

// Checks and errors: the preconditions every read starts with, and the BsonFormatException messages naming the element
// and its offset. Kept apart so that each read in the other files stays a few lines of decoding. Messages are built in
// methods of their own, never inlined: an interpolated string in a read would give every caller that inlines it a
// larger stack frame to clear on each call, error or not.
public ref partial struct BsonReader
{
    /// <summary>Creates an error about the current element, for checks the reader cannot make itself (a duplicate key).</summary>
    /// <param name="reason">What is wrong.</param>
    /// <returns>The exception, to throw.</returns>
    public readonly BsonFormatException ElementError(string reason) =>
        new(_elementStart, $"element '{DescribeName()}': {reason}");

    private readonly void RequirePending()
    {
        if (!_valuePending)
            throw NoPendingValue();
    }

    private static InvalidOperationException NoPendingValue() => new("No element value to read; call ReadElement first.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly InvalidOperationException ReadElementOutOfTurn() => _valuePending
        ? new InvalidOperationException($"The value of element '{DescribeName()}' was neither read nor skipped.")
        : new InvalidOperationException("ReadElement needs an open document; call ReadStartDocument first.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static InvalidOperationException EndOutOfTurn() =>
        new("ReadEndDocument must follow the ReadElement that returned false, with the scope of the same document.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static BsonFormatException EndBeforeLength(int position, int terminator) =>
        new(position, $"the document ends at offset {position}, but its length says it ends at offset {terminator}.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static BsonFormatException UnknownType(int position, byte type) => new(position, $"unknown element type 0x{type:X2}.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static BsonFormatException ContainerTooShort(int start, int limit, string what) =>
        new(start, $"a {what} needs at least 5 bytes; {Math.Max(0, limit - start)} remain.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static BsonFormatException ContainerLengthDoesNotFit(int start, int limit, int length, string what) =>
        new(start, $"the {what} length {length} does not fit: {limit - start} bytes remain.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static BsonFormatException ContainerWithoutZero(int at, string what) => new(at, $"the {what} does not end with a zero byte.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static BsonFormatException NestedTooDeeply(int start) => new(start, $"documents and arrays nest deeper than {MaxDepth} levels.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly BsonFormatException LengthTruncated(int at, string what) => new(at, $"element '{DescribeName()}': the {what} is truncated.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly BsonFormatException InvalidLength(int at, int length, string what) =>
        new(at, $"element '{DescribeName()}': the {what} has an invalid length {length}.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly BsonFormatException NotEnoughBytes(long count, int available) =>
        new(_position, $"element '{DescribeName()}' needs {count} bytes but only {Math.Max(0, available)} remain in its document.");

    private readonly void RequireType(BsonType expected, string description)
    {
        if (_type != expected)
            throw Mismatch(description);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly BsonFormatException Mismatch(string expected) =>
        new(_elementStart, $"element '{DescribeName()}' is {Describe(_type)}; expected {expected}.");

    private readonly string DescribeName() => Encoding.UTF8.GetString(CurrentName);

    private static string Describe(BsonType type) => type switch
    {
        BsonType.Int32 or BsonType.Int64 or BsonType.ObjectId or BsonType.Array or BsonType.Undefined => "an " + type,
        BsonType.Null => "null",
        _ => "a " + type,
    };
}
