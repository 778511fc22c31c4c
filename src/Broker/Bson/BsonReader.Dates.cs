using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;

namespace Broker.Bson;

// Dates, times and durations: the representations MongoDB.Bson writes for DateTime, DateTimeOffset, DateOnly, TimeOnly
// and TimeSpan. Kept apart because each checks a range of its own on top of the number it reads.
public ref partial struct BsonReader
{
    /// <summary>Reads a UTC datetime as a <see cref="DateTime"/> of kind <see cref="DateTimeKind.Utc"/>.</summary>
    /// <returns>The value.</returns>
    public DateTime ReadDateTime()
    {
        var milliseconds = ReadUtcDateTime();
        if (!BsonDateTime.TryFromMillisecondsSinceEpoch(milliseconds, out var value))
            throw DateTimeOutOfRange(milliseconds);
        return value;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly BsonFormatException DateTimeOutOfRange(long milliseconds) =>
        ElementError($"{milliseconds} ms since the Unix epoch is outside the range of DateTime.");

    /// <summary>Reads a UTC datetime as its raw value.</summary>
    /// <returns>Milliseconds since 1970-01-01T00:00:00Z.</returns>
    public long ReadUtcDateTime()
    {
        if (IsPending(BsonType.DateTime, sizeof(long)))
        {
            var value = BinaryPrimitives.ReadInt64LittleEndian(_bson.Slice(_position, sizeof(long)));
            Consume(sizeof(long));
            return value;
        }
        return ReadUtcDateTimeChecked();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private long ReadUtcDateTimeChecked()
    {
        RequirePending();
        if (_type != BsonType.DateTime)
            throw Mismatch("a DateTime");
        return BinaryPrimitives.ReadInt64LittleEndian(Take(8));
    }

    /// <summary>
    /// Reads a <see cref="TimeSpan"/>: a string in the constant ("c") format, MongoDB.Bson's default, or a number of ticks
    /// (int32, int64 or double).
    /// </summary>
    /// <returns>The value.</returns>
    public TimeSpan ReadTimeSpan()
    {
        RequirePending();
        switch (_type)
        {
            case BsonType.String:
                var utf8 = ReadUtf8String();
                Span<char> chars = stackalloc char[64];
                if (utf8.Length > chars.Length || !Utf8.IsValid(utf8))
                    throw ElementError("the string is not a TimeSpan.");
                var count = Encoding.UTF8.GetChars(utf8, chars);
                if (!TimeSpan.TryParse(chars.Slice(0, count), CultureInfo.InvariantCulture, out var parsed))
                    throw ElementError($"'{chars.Slice(0, count).ToString()}' is not a TimeSpan.");
                return parsed;
            case BsonType.Int32:
            case BsonType.Int64:
                return TimeSpan.FromTicks(ReadInt64());
            case BsonType.Double:
                var ticks = ReadDouble();
                if (!(ticks >= long.MinValue && ticks < 9.2233720368547758E18))
                    throw ElementError($"{ticks} ticks is outside the range of TimeSpan.");
                return TimeSpan.FromTicks((long)ticks);
            default:
                throw Mismatch("a TimeSpan string");
        }
    }

    /// <summary>
    /// Reads a <see cref="DateTimeOffset"/>: MongoDB.Bson's default document of <c>DateTime</c>, <c>Ticks</c> and
    /// <c>Offset</c> (minutes), or its array form <c>[ticks, offset]</c>.
    /// </summary>
    /// <returns>The value.</returns>
    public DateTimeOffset ReadDateTimeOffset()
    {
        RequirePending();
        var at = _elementStart;
        long? ticks = null;
        int? offset = null;
        if (_type == BsonType.Array)
        {
            var array = ReadStartArray();
            var index = 0;
            while (ReadElement(out _))
            {
                if (index == 0)
                    ticks = ReadInt64();
                else if (index == 1)
                    offset = ReadInt32();
                else
                    Skip();
                index++;
            }
            ReadEndArray(array);
        }
        else
        {
            var document = ReadStartDocument();
            while (ReadElement(out var name))
            {
                if (name.SequenceEqual("Ticks"u8))
                    ticks = ReadInt64();
                else if (name.SequenceEqual("Offset"u8))
                    offset = ReadInt32();
                else
                    Skip();
            }
            ReadEndDocument(document);
        }
        if (ticks is not { } clockTicks || offset is not { } minutes)
            throw new BsonFormatException(at, "a DateTimeOffset needs its Ticks and its Offset.");
        if (clockTicks is < 0 or > 3_155_378_975_999_999_999 || minutes is < -14 * 60 or > 14 * 60)
            throw new BsonFormatException(at, $"{clockTicks} ticks at an offset of {minutes} minutes is not a DateTimeOffset.");
        try
        {
            return new DateTimeOffset(clockTicks, TimeSpan.FromMinutes(minutes));
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new BsonFormatException(at, $"{clockTicks} ticks at an offset of {minutes} minutes is outside the range of DateTimeOffset.");
        }
    }

    /// <summary>Reads a <see cref="DateOnly"/>: a UTC datetime at midnight, as MongoDB.Bson writes it.</summary>
    /// <returns>The value.</returns>
    public DateOnly ReadDateOnly()
    {
        var milliseconds = ReadUtcDateTime();
        if (!BsonDateTime.TryDateOnlyFromMillisecondsSinceEpoch(milliseconds, out var value))
            throw ElementError($"{milliseconds} ms since the Unix epoch is not midnight of a date.");
        return value;
    }

    /// <summary>Reads a <see cref="TimeOnly"/>: its ticks as an integer, as MongoDB.Bson writes it.</summary>
    /// <returns>The value.</returns>
    public TimeOnly ReadTimeOnly()
    {
        var ticks = ReadInt64();
        if (ticks is < 0 or >= TimeSpan.TicksPerDay)
            throw ElementError($"{ticks} ticks is not a time of day.");
        return new TimeOnly(ticks);
    }
}
