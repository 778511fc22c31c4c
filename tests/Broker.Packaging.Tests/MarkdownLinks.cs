using System.Text.RegularExpressions;

namespace Broker.Packaging.Tests;

/// <summary>The link targets of a Markdown file: inline links and images, reference definitions, HTML href and src.</summary>
internal static partial class MarkdownLinks
{
    public static IEnumerable<string> Targets(string markdown)
    {
        // Code blocks and spans hold code, not links ("[Channel(...)]" followed by a parenthesis, say).
        var text = CodeSpan().Replace(CodeBlock().Replace(markdown, ""), "");
        foreach (Match match in Inline().Matches(text))
            yield return match.Groups["target"].Value;
        foreach (Match match in Definition().Matches(text))
            yield return match.Groups["target"].Value;
        foreach (Match match in Html().Matches(text))
            yield return match.Groups["target"].Value;
    }

    /// <summary>A target a README shown on nuget.org can follow: an absolute http(s) or mailto address.</summary>
    public static bool IsAbsolute(string target) =>
        Uri.TryCreate(target, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" or "mailto";

    [GeneratedRegex(@"^\s*```.*?^\s*```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"\]\(\s*<?(?<target>[^)\s>]*)>?(?:\s+""[^""]*"")?\s*\)")]
    private static partial Regex Inline();

    [GeneratedRegex(@"^\s{0,3}\[[^\]]+\]:\s*<?(?<target>[^\s>]+)", RegexOptions.Multiline)]
    private static partial Regex Definition();

    [GeneratedRegex(@"(?:href|src)\s*=\s*[""'](?<target>[^""']*)[""']", RegexOptions.IgnoreCase)]
    private static partial Regex Html();
}
