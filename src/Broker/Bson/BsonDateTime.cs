namespace Broker.Bson;

/// <summary>
/// Converts between <see cref="DateTime"/> and BSON's UTC datetime (milliseconds since the Unix epoch) exactly as
/// MongoDB.Bson does by default, so the bytes match: local and unspecified times are converted to UTC,
/// <see cref="DateTime.MinValue"/> and <see cref="DateTime.MaxValue"/> are kept as they are, and ticks below one
/// millisecond are truncated toward zero.
/// </summary>
internal static class BsonDateTime
{
    private const long UnixEpochTicks = 621_355_968_000_000_000;

    /// <summary>The milliseconds of <see cref="DateTime.MinValue"/>.</summary>
    public const long MinMilliseconds = (0 - UnixEpochTicks) / TimeSpan.TicksPerMillisecond;

    /// <summary>The milliseconds of <see cref="DateTime.MaxValue"/>, truncated; read back as MaxValue itself.</summary>
    public const long MaxMilliseconds = (3_155_378_975_999_999_999 - UnixEpochTicks) / TimeSpan.TicksPerMillisecond;

    public static long ToMillisecondsSinceEpoch(DateTime value)
    {
        var utc = value.Kind == DateTimeKind.Utc || value == DateTime.MinValue || value == DateTime.MaxValue
            ? value
            : value.ToUniversalTime();
        return (utc.Ticks - UnixEpochTicks) / TimeSpan.TicksPerMillisecond;
    }

    public static long ToMillisecondsSinceEpoch(DateOnly value) =>
        (value.DayNumber * TimeSpan.TicksPerDay - UnixEpochTicks) / TimeSpan.TicksPerMillisecond;

    public static bool TryDateOnlyFromMillisecondsSinceEpoch(long milliseconds, out DateOnly value)
    {
        value = default;
        if (milliseconds < MinMilliseconds || milliseconds > MaxMilliseconds)
            return false;
        var ticks = UnixEpochTicks + milliseconds * TimeSpan.TicksPerMillisecond;
        if (ticks % TimeSpan.TicksPerDay != 0)
            return false;
        value = DateOnly.FromDayNumber((int)(ticks / TimeSpan.TicksPerDay));
        return true;
    }

    public static bool TryFromMillisecondsSinceEpoch(long milliseconds, out DateTime value)
    {
        if (milliseconds == MaxMilliseconds)
        {
            value = DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc);
            return true;
        }
        if (milliseconds < MinMilliseconds || milliseconds > MaxMilliseconds)
        {
            value = default;
            return false;
        }
        value = new DateTime(UnixEpochTicks + milliseconds * TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
        return true;
    }
}
