// Compiled into the assemblies that read Broker's configuration section (see src/Shared/README.md).
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Broker.Settings;

/// <summary>
/// What reading a section found: the problems, each naming its key, and the values read, so that a value the options'
/// own check refuses later can be named by its key and shown as configured.
/// </summary>
internal sealed class SettingsReport
{
    private readonly List<string> _problems = [];
    private readonly Dictionary<string, (string Shown, object? Value)> _values = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The problems found so far.</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>Adds a problem; its text names the key.</summary>
    public void Add(string problem) => _problems.Add(problem);

    /// <summary>Records that <paramref name="key"/> was read as <paramref name="value"/> from the text <paramref name="shown"/>.</summary>
    public void Record(string key, string shown, object? value) => _values[key] = (shown, value);

    /// <summary>Whether <paramref name="key"/>, or a key within it (<c>Tls:TargetHost</c> for <c>Tls</c>), was read from configuration.</summary>
    public bool WasRead(string key) => _values.ContainsKey(key) || _values.Keys.Any(k => IsWithin(k, key));

    /// <summary>
    /// Describes a problem found by the options' own check (the one rule every path applies), naming
    /// <paramref name="key"/> and where its value came from: configuration, code that ran after it (the <c>Use...</c> or
    /// <c>AddConsumer</c> lambda wins), or neither.
    /// </summary>
    /// <param name="key">The full key of the setting the check names.</param>
    /// <param name="actual">The value the check saw, when it says.</param>
    /// <param name="rule">The check's sentence, such as "SegmentBytes must be between 64 KiB and 2 GiB."</param>
    /// <returns>The problem's text.</returns>
    public string DescribeRuleProblem(string key, object? actual, string rule)
    {
        if (_values.TryGetValue(key, out var read))
        {
            return actual is not null && read.Value is not null && !Equals(actual, read.Value)
                ? $"{key} is {Show(actual)}, set in code over '{read.Shown}' from configuration: {rule}"
                : $"{key} = '{read.Shown}': {rule}";
        }
        if (_values.Keys.Any(k => IsWithin(k, key)))
            return $"{key} (set in configuration): {rule}";
        return actual is null
            ? $"{key} (not set in configuration): {rule}"
            : $"{key} is {Show(actual)} (not set in configuration): {rule}";
    }

    private static bool IsWithin(string key, string section) =>
        key.Length > section.Length + 1 && key[section.Length] == ':' && key.StartsWith(section, StringComparison.OrdinalIgnoreCase);

    private static string Show(object value) => value switch
    {
        TimeSpan span when span > TimeSpan.Zero => Interval.Format(span),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
