using System.Text;
using System.Text.RegularExpressions;

namespace Broker.Cli.Commands;

/// <summary>
/// The filter of <c>broker channels</c>: a pattern with <c>*</c> (any characters, <c>/</c> included) matches whole
/// names, case-sensitively as channel names are; text without <c>*</c> matches names that contain it.
/// </summary>
internal sealed class ChannelFilter
{
    private readonly Regex? _pattern;
    private readonly string? _contains;

    private ChannelFilter(Regex? pattern, string? contains)
    {
        _pattern = pattern;
        _contains = contains;
    }

    /// <summary>The filter of <paramref name="text"/>; null or empty matches every channel.</summary>
    public static ChannelFilter Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return new ChannelFilter(null, null);
        if (!text.Contains('*', StringComparison.Ordinal))
            return new ChannelFilter(null, text);
        var pattern = new StringBuilder("^");
        foreach (var part in text.Split('*'))
            pattern.Append(Regex.Escape(part)).Append(".*");
        pattern.Length -= 2;
        pattern.Append('$');
        // Linear-time matching: a pattern of many stars must not take exponential time on a long name.
        return new ChannelFilter(new Regex(pattern.ToString(), RegexOptions.CultureInvariant | RegexOptions.NonBacktracking), null);
    }

    /// <summary>Whether <paramref name="name"/> passes.</summary>
    public bool Matches(string name) =>
        _pattern?.IsMatch(name) ?? (_contains is null || name.Contains(_contains, StringComparison.Ordinal));
}
