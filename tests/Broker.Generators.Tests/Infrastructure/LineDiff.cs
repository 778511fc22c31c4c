using System.Text;

namespace Broker.Generators.Tests.Infrastructure;

/// <summary>A small line diff (longest common subsequence) that shows changed lines with a little context.</summary>
internal static class LineDiff
{
    private const int Context = 2;

    public static string Render(string expected, string actual)
    {
        var left = expected.Split('\n');
        var right = actual.Split('\n');
        var lengths = new int[left.Length + 1, right.Length + 1];
        for (var i = left.Length - 1; i >= 0; i--)
        {
            for (var j = right.Length - 1; j >= 0; j--)
                lengths[i, j] = left[i] == right[j] ? lengths[i + 1, j + 1] + 1 : Math.Max(lengths[i + 1, j], lengths[i, j + 1]);
        }

        var lines = new List<(char Mark, int Line, string Text)>();
        int a = 0, b = 0;
        while (a < left.Length || b < right.Length)
        {
            if (a < left.Length && b < right.Length && left[a] == right[b])
            {
                lines.Add((' ', b + 1, right[b]));
                a++;
                b++;
            }
            else if (a < left.Length && (b == right.Length || lengths[a + 1, b] >= lengths[a, b + 1]))
            {
                lines.Add(('-', a + 1, left[a]));
                a++;
            }
            else
            {
                lines.Add(('+', b + 1, right[b]));
                b++;
            }
        }

        var output = new StringBuilder();
        var lastShown = -1;
        for (var i = 0; i < lines.Count; i++)
        {
            var near = false;
            for (var k = Math.Max(0, i - Context); k <= Math.Min(lines.Count - 1, i + Context) && !near; k++)
                near = lines[k].Mark != ' ';
            if (!near)
                continue;
            if (lastShown >= 0 && i > lastShown + 1)
                output.AppendLine("  ...");
            output.AppendLine($"{lines[i].Mark} {lines[i].Line,4}: {lines[i].Text}");
            lastShown = i;
        }
        return output.ToString();
    }
}
