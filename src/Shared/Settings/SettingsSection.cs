// Compiled into the assemblies that read Broker's configuration section (Broker.Hosting and the adapters; see
// src/Shared/README.md). Runtime only: it uses Microsoft.Extensions.Configuration.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.Extensions.Configuration;

namespace Broker.Settings;

/// <summary>
/// Reads the settings of one configuration section by hand: no reflection (so trimming and Native AOT stay free of
/// warnings), Broker's own formats for sizes (<c>64MiB</c>) and durations (<c>30s</c>), and every problem named by its
/// full key (<c>Broker:Embedded:SegmentBytes</c>). It remembers the keys it was asked for, so that the ones nobody
/// asked for can be reported: a misspelt <c>MaxParalel</c> must not be silently ignored.
/// </summary>
internal sealed class SettingsSection
{
    private readonly IConfiguration _section;
    private readonly SettingsReport _report;
    private readonly HashSet<string> _known = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates a reader over <paramref name="section"/> that writes its findings to <paramref name="report"/>.</summary>
    public SettingsSection(IConfiguration section, SettingsReport report)
    {
        _section = section;
        _report = report;
        Path = section is IConfigurationSection named ? named.Path : "";
    }

    /// <summary>The section's full key, such as <c>Broker:Embedded</c>; empty for a configuration root.</summary>
    public string Path { get; }

    /// <summary>The keys of the section's children as written.</summary>
    public IEnumerable<string> ChildKeys => _section.GetChildren().Select(c => c.Key);

    /// <summary>The full key of a setting of this section.</summary>
    public string Key(string name) => Path.Length == 0 ? name : Path + ":" + name;

    /// <summary>Adds a problem found by the caller; its text names the key.</summary>
    public void Problem(string text) => _report.Add(text);

    /// <summary>
    /// Marks a child as a known section and reports it when it was given a value instead (<c>"Embedded": "./data"</c>),
    /// whose settings would otherwise be silently missing.
    /// </summary>
    /// <param name="name">The child's key.</param>
    /// <param name="example">A setting of the section, for the message, such as <c>Path</c>.</param>
    public void KnownSection(string name, string example)
    {
        _known.Add(name);
        if (_section[name] is { Length: > 0 } value)
            _report.Add($"{Key(name)} = '{value}': it must be a section of settings, such as {Key(name)}:{example}, not a value.");
    }

    /// <summary>A child section, marked known.</summary>
    public SettingsSection Section(string name)
    {
        _known.Add(name);
        return new SettingsSection(_section.GetSection(name), _report);
    }

    /// <summary>A text setting, or <paramref name="current"/> when it is absent. An empty value is returned as such, so the options' own check can refuse it.</summary>
    /// <param name="name">The key within this section.</param>
    /// <param name="current">The value to keep when the key is absent.</param>
    /// <param name="secret">True for credentials: problems never quote the value.</param>
    public string? String(string name, string? current, bool secret = false)
    {
        _known.Add(name);
        if (_section[name] is not { } value)
            return current;
        _report.Record(Key(name), secret ? "***" : value, value);
        return value;
    }

    /// <summary>A whole number.</summary>
    public int Int32(string name, int current) =>
        Read(name, current, static text => int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? (value, null) : (0, "it must be a whole number"));

    /// <summary>A number such as <c>0.5</c> (invariant culture: a dot, never a comma).</summary>
    public double Double(string name, double current) =>
        Read(name, current, static text => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? (value, null) : (0, "it must be a number such as 0.5"));

    /// <summary><c>true</c> or <c>false</c>.</summary>
    public bool Boolean(string name, bool current) =>
        Read(name, current, static text => bool.TryParse(text, out var value) ? (value, null) : (false, "it must be true or false"));

    /// <summary>A byte count (<see cref="ByteSizeGrammar"/>).</summary>
    public long Bytes(string name, long current) =>
        Read(name, current, static text => ByteSizeGrammar.TryParse(text, out var value) ? (value, null) : (0, "it must be " + ByteSizeGrammar.Description));

    /// <summary>A byte count that fits an <see cref="int"/> (up to 2 GiB - 1).</summary>
    public int Bytes32(string name, int current) =>
        Read(name, current, static text => !ByteSizeGrammar.TryParse(text, out var value) ? (0, "it must be " + ByteSizeGrammar.Description)
            : value > int.MaxValue ? (0, "it must be less than 2GiB")
            : ((int)value, null));

    /// <summary>A duration (<see cref="SettingsDuration"/>).</summary>
    public TimeSpan Duration(string name, TimeSpan current) => Read(name, current, SettingsDuration.Parse);

    /// <summary>One of the names of <typeparamref name="TEnum"/>, case-insensitive; numbers are refused.</summary>
    public TEnum Enum<TEnum>(string name, TEnum current)
        where TEnum : struct, Enum =>
        Read(name, current, static text =>
        {
            var names = System.Enum.GetNames<TEnum>();
            var match = Array.Find(names, n => n.Equals(text.Trim(), StringComparison.OrdinalIgnoreCase));
            return match is not null && System.Enum.TryParse<TEnum>(match, out var value)
                ? (value, null)
                : (default, "it must be one of " + string.Join(", ", names));
        });

    /// <summary>
    /// Reports every child of this section that no read asked for, with the section's settings and the closest one
    /// when the key looks like a misspelling of it.
    /// </summary>
    public void ReportUnknownKeys()
    {
        var known = _known.Order(StringComparer.Ordinal).ToArray();
        foreach (var key in ChildKeys)
        {
            if (_known.Contains(key))
                continue;
            var suggestion = KeySuggestion.Closest(key, known);
            _report.Add($"{Key(key)} is not a setting{(Path.Length == 0 ? "" : " of " + Path)}" +
                (suggestion is null ? "." : $"; did you mean {suggestion}?") +
                $" The settings here are: {string.Join(", ", known)}.");
        }
    }

    // Empty values count as not set: an environment variable left blank by a deployment template means "no value", as
    // broker-server reads its BROKER_* variables. Text settings are the exception (see String).
    private T Read<T>(string name, T current, Func<string, (T Value, string? Error)> parse)
    {
        _known.Add(name);
        if (_section[name] is not { } text || string.IsNullOrWhiteSpace(text))
            return current;
        var (value, error) = parse(text);
        if (error is not null)
        {
            _report.Add($"{Key(name)} = '{text}': {error.TrimEnd('.')}.");
            return current;
        }
        _report.Record(Key(name), text, value);
        return value;
    }
}
