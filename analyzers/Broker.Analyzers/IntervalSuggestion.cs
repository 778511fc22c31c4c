using System;
using System.Collections.Generic;
using System.Globalization;
using System.Xml;

namespace Broker.Analyzers;

/// <summary>
/// Guesses the interval a rejected Dedup or RetryDelay text most likely meant, so the diagnostic can name it and the
/// code fix can write it. The grammar itself is the judge of every guess: a guess is offered only when the caller's
/// check accepts it, so this class cannot drift from the rules.
/// </summary>
internal static class IntervalSuggestion
{
    /// <summary>The nearest text that <paramref name="isValid"/> accepts, or null when there is no confident guess.</summary>
    /// <param name="text">The rejected text.</param>
    /// <param name="isValid">The rule the suggestion must pass (the grammar, plus any limit of the setting).</param>
    public static string? Suggest(string? text, Func<string, bool> isValid)
    {
        if (text is null || text.Length == 0) return null;
        foreach (var candidate in Candidates(text))
        {
            if (candidate is not null && candidate != text && isValid(candidate))
                return candidate;
        }
        return null;
    }

    // From the smallest change to the largest: the first guess the rules accept wins.
    private static IEnumerable<string?> Candidates(string text)
    {
        var trimmed = TrimPunctuation(text);
        yield return trimmed;
        yield return trimmed.IndexOf(',') is var comma && comma > 0 && trimmed.IndexOf(',', comma + 1) < 0
            ? trimmed.Replace(',', '.')
            : null;
        yield return SumOfParts(trimmed);
        yield return CorrectUnitSpelling(trimmed);
        yield return FromTimeSpanNotation(trimmed);
    }

    // "1 secs." and " 5m " mean what they say without the stray characters around them.
    private static string TrimPunctuation(string text)
    {
        var start = 0;
        var end = text.Length;
        while (start < end && !IsNumberStart(text[start]) && !char.IsLetter(text[start])) start++;
        while (end > start && !char.IsLetterOrDigit(text[end - 1])) end--;
        return text.Substring(start, end - start);
    }

    private static bool IsNumberStart(char c) => c is '-' or '.' || IsAsciiDigit(c);

    private static bool IsAsciiDigit(char c) => c >= '0' && c <= '9';

    // "1h30m", "1h 30m", "2 minutes, 30 seconds": the grammar takes one unit, so write the sum in one unit ("90m").
    private static string? SumOfParts(string text)
    {
        var total = TimeSpan.Zero;
        var parts = 0;
        var position = 0;
        while (position < text.Length)
        {
            while (position < text.Length && (text[position] == ' ' || text[position] == ',')) position++;
            if (position == text.Length) break;
            var numberStart = position;
            while (position < text.Length && (IsAsciiDigit(text[position]) || text[position] == '.')) position++;
            if (position == numberStart) return null;
            var number = text.Substring(numberStart, position - numberStart);
            while (position < text.Length && text[position] == ' ') position++;
            var unitStart = position;
            while (position < text.Length && char.IsLetter(text[position])) position++;
            if (position == unitStart) return null;
            if (!IntervalGrammar.TryParse(number + text.Substring(unitStart, position - unitStart), out var part, out _))
                return null;
            total += part;
            parts++;
        }
        return parts >= 2 ? IntervalGrammar.Format(total) : null;
    }

    // "5 minuts", "3 secnods": one edit away from exactly one unit the grammar knows. The grammar is asked about every
    // single-edit variant, so no list of unit names is kept here. Months are not in the grammar (a month has no fixed
    // length), and "mon" is one edit from "min": a month is never guessed to be a minute.
    private static string? CorrectUnitSpelling(string text)
    {
        var unitStart = text.Length;
        while (unitStart > 0 && char.IsLetter(text[unitStart - 1])) unitStart--;
        var unit = text.Substring(unitStart);
        var number = text.Substring(0, unitStart);
        if (unit.Length < 2 || number.Trim().Length == 0 || unit.StartsWith("mo", StringComparison.OrdinalIgnoreCase))
            return null;
        if (IntervalGrammar.TryParse(number + unit, out _, out _))
            return null;

        string? best = null;
        var bestValue = TimeSpan.Zero;
        foreach (var variant in SingleEdits(unit.ToLowerInvariant()))
        {
            if (!IntervalGrammar.TryParse("1" + variant, out var perUnit, out _)) continue;
            if (best is null)
            {
                best = number + variant;
                bestValue = perUnit;
            }
            else if (perUnit != bestValue)
            {
                return null; // Two different units are equally close: no confident guess.
            }
        }
        return best;
    }

    private static IEnumerable<string> SingleEdits(string word)
    {
        for (var i = 0; i < word.Length; i++)
            yield return word.Remove(i, 1);
        for (var i = 0; i + 1 < word.Length; i++)
            yield return word.Substring(0, i) + word[i + 1] + word[i] + word.Substring(i + 2);
        for (var i = 0; i <= word.Length; i++)
        {
            for (var c = 'a'; c <= 'z'; c++)
                yield return word.Insert(i, c.ToString());
        }
        for (var i = 0; i < word.Length; i++)
        {
            for (var c = 'a'; c <= 'z'; c++)
            {
                if (c != word[i])
                    yield return word.Substring(0, i) + c + word.Substring(i + 1);
            }
        }
    }

    // .NET habits: TimeSpan's "00:05:00" and ISO 8601's "PT5M".
    private static string? FromTimeSpanNotation(string text)
    {
        if (text.IndexOf(':') >= 0)
        {
            return TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out var value) && value > TimeSpan.Zero
                ? IntervalGrammar.Format(value)
                : null;
        }
        if (text.Length > 1 && (text[0] == 'P' || text[0] == 'p'))
        {
            try
            {
                var value = XmlConvert.ToTimeSpan(text.ToUpperInvariant());
                return value > TimeSpan.Zero ? IntervalGrammar.Format(value) : null;
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                return null;
            }
        }
        return null;
    }
}
