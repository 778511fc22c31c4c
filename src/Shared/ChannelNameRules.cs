// Compiled into src/Broker, generators/Broker.Generators and analyzers/Broker.Analyzers (see src/Shared/README.md): keep it
// netstandard2.0-compatible.
using System.Globalization;

namespace Broker;

/// <summary>
/// What a channel name may look like: 1 to 128 characters; ASCII letters, digits, <c>-</c> and <c>_</c> in segments
/// separated by single <c>/</c>; starting and ending with a letter or digit. Examples: <c>user/registered</c>,
/// <c>billing/invoice-paid</c>. The set is small on purpose so that every adapter can use the name as-is or map it
/// one-to-one (NATS turns <c>/</c> into <c>.</c> in subjects).
/// </summary>
public static class ChannelNameRules
{
    /// <summary>The longest allowed channel name.</summary>
    public const int MaxLength = 128;

    /// <summary>The rules in one sentence, for error messages and diagnostics.</summary>
    public const string Description =
        "1 to 128 characters: ASCII letters, digits, '-' and '_' in segments separated by single '/', starting and ending with a letter or digit";

    /// <summary>Checks a channel name.</summary>
    /// <param name="name">The name to check.</param>
    /// <param name="error">Why the name is invalid, naming it; null when it is valid.</param>
    /// <returns>True when the name follows the rules.</returns>
    public static bool IsValid(string? name, out string? error)
    {
        if (name is null || name.Length == 0)
        {
            error = "The channel name is empty; a name is " + Description + ".";
            return false;
        }
        if (name.Length > MaxLength)
        {
            error = "The channel name '" + name + "' is " + name.Length.ToString(CultureInfo.InvariantCulture) + " characters long; the limit is " + MaxLength.ToString(CultureInfo.InvariantCulture) + ".";
            return false;
        }
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (IsLetterOrDigit(c)) continue;
            if (c == '-' || c == '_') continue;
            if (c == '/')
            {
                if (i == 0 || i == name.Length - 1 || name[i - 1] == '/')
                {
                    error = "The channel name '" + name + "' has an empty segment; '/' must separate non-empty segments.";
                    return false;
                }
                continue;
            }
            error = "The channel name '" + name + "' contains '" + c + "' at position " + i.ToString(CultureInfo.InvariantCulture) + "; a name is " + Description + ".";
            return false;
        }
        if (!IsLetterOrDigit(name[0]) || !IsLetterOrDigit(name[name.Length - 1]))
        {
            error = "The channel name '" + name + "' must start and end with a letter or digit.";
            return false;
        }
        error = null;
        return true;
    }

    private static bool IsLetterOrDigit(char c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
