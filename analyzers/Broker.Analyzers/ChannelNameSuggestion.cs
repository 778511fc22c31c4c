using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace Broker.Analyzers;

/// <summary>
/// Derives the valid channel name an invalid one most likely meant (BRK0006), so the diagnostic can name it and the code
/// fix can write it: <c>"user registered"</c> → <c>"user-registered"</c>, <c>"user.registered"</c> →
/// <c>"user/registered"</c>, <c>"/orders//placed/"</c> → <c>"orders/placed"</c>. Letters keep their case: upper case is
/// valid, and a name is matched exactly, so changing it would name another channel. A name with a non-ASCII letter gets
/// no suggestion: which ASCII spelling it should take is the author's choice, not a mechanical one.
/// </summary>
internal static class ChannelNameSuggestion
{
    // Separators of levels in other naming schemes (NATS subjects, namespaces, paths) become Broker's level separator.
    private const string LevelSeparators = "/.:\\";

    // Wildcards of subscription patterns: a name with one is a pattern, and dropping it would name one concrete channel.
    private const string Wildcards = "*>#?";

    /// <summary>The valid name <paramref name="name"/> most likely meant, or null when none follows from it.</summary>
    public static string? Suggest(string? name)
    {
        if (name is null || name.Length == 0 || name.IndexOfAny(Wildcards.ToCharArray()) >= 0 || name.Any(c => c > '\u007f' && char.IsLetter(c)))
            return null;

        // Each character kept, with whether it was put there (true) or written by the author (false).
        var segments = new List<List<(char Char, bool Added)>> { new() };
        foreach (var c in name)
        {
            if (IsAsciiLetterOrDigit(c) || c == '-' || c == '_')
                segments[segments.Count - 1].Add((c, false));
            else if (LevelSeparators.IndexOf(c) >= 0)
                segments.Add(new List<(char, bool)>());
            else
                segments[segments.Count - 1].Add(('-', true));
        }

        var suggestion = string.Join("/", segments.Select(Tidy).Where(s => s.Length > 0)).Trim('-', '_');
        return suggestion != name && ChannelNameRules.IsValid(suggestion, out _) ? suggestion : null;
    }

    // An added '-' is dropped at either end of a segment and next to another '-' or '_'; the author's own stay.
    private static string Tidy(List<(char Char, bool Added)> segment)
    {
        var text = new StringBuilder();
        for (var i = 0; i < segment.Count; i++)
        {
            var (c, added) = segment[i];
            if (added)
            {
                var atStart = text.Length == 0;
                var atEnd = i == segment.Count - 1;
                var nextIsSeparator = !atEnd && segment[i + 1].Char is '-' or '_';
                if (atStart || atEnd || nextIsSeparator || text[text.Length - 1] is '-' or '_')
                    continue;
            }
            text.Append(c);
        }
        return text.ToString();
    }

    private static bool IsAsciiLetterOrDigit(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
