using System.Globalization;

namespace Broker.Dashboard.Pages;

/// <summary>How the dashboard writes times, ages and rates: short, invariant, UTC.</summary>
internal static class Format
{
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Age(TimeSpan age)
    {
        if (age < TimeSpan.Zero)
            age = TimeSpan.Zero;
        return age.TotalSeconds < 60 ? $"{(int)age.TotalSeconds} s"
            : age.TotalMinutes < 60 ? $"{(int)age.TotalMinutes} min"
            : age.TotalHours < 48 ? $"{(int)age.TotalHours} h"
            : $"{(int)age.TotalDays} d";
    }

    /// <summary>The age of a channel's oldest unfinished message, or a dash when it has none.</summary>
    public static string OldestAge(DateTimeOffset? oldest, DateTimeOffset now) => oldest is { } at ? Age(now - at) : "–";

    /// <summary>A rate a second, or a dash when it is not known yet (a first look has nothing to compare with).</summary>
    public static string Rate(double? perSecond) => perSecond switch
    {
        null => "–",
        < 10 => perSecond.Value.ToString("0.#", CultureInfo.InvariantCulture) + "/s",
        _ => perSecond.Value.ToString("N0", CultureInfo.InvariantCulture) + "/s",
    };

    public static string Bytes(long bytes) => bytes < 1024 ? $"{bytes} B" : bytes < 1024 * 1024 ? $"{bytes / 1024.0:0.#} KiB" : $"{bytes / (1024.0 * 1024):0.#} MiB";
}
