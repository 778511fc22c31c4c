using System.Text;

namespace Broker.Bson;

// Checks and errors: the preconditions every read starts with, and the BsonFormatException messages naming the element
// and its offset. Kept apart so that each read in the other files stays a few lines of decoding.
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
            throw new InvalidOperationException("No element value to read; call ReadElement first.");
    }

    private readonly void RequireType(BsonType expected, string description)
    {
        if (_type != expected)
            throw Mismatch(description);
    }

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
