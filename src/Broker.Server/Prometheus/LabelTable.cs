using System.Text;

namespace Broker.Server.Prometheus;

/// <summary>
/// One label set as series show it: the text between the braces, in UTF-8, ready to be copied into an exposition. One
/// instance per distinct label set, shared by every family with a series of it (a channel's four gauges share one).
/// </summary>
internal sealed class Labels
{
    internal Labels(byte[] utf8, TagKey key)
    {
        Utf8 = utf8;
        Key = key;
    }

    /// <summary>The labels as rendered (<c>a="x",b="y"</c>); empty for none.</summary>
    public byte[] Utf8 { get; }

    /// <summary>The tags it was first found by.</summary>
    internal TagKey Key { get; }

    /// <summary>Other tags that render the same (the same tags in another order, say); rare, so null until needed.</summary>
    internal List<TagKey>? OtherKeys { get; set; }

    /// <summary>Series that hold it; guarded by the table's lock. At zero it leaves the table.</summary>
    internal int References { get; set; }
}

/// <summary>
/// A measurement's tags as given (name, value text, name, value text...), for finding their <see cref="Labels"/> again
/// without rendering them: a string value is held as the same string, so a channel's key costs an array of two references.
/// </summary>
internal readonly struct TagKey(string[] parts)
{
    public string[] Parts { get; } = parts;

    public static TagKey From(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var parts = new string[tags.Length * 2];
        for (var i = 0; i < tags.Length; i++)
        {
            parts[2 * i] = tags[i].Key;
            parts[(2 * i) + 1] = LabelSet.Text(tags[i].Value);
        }
        return new TagKey(parts);
    }
}

/// <summary>
/// The label sets of every family, each rendered once and kept while a series holds it. A scrape then finds a channel's
/// labels from the tags the engine reports (the same strings each time) with one hash of the channel name, instead of
/// sorting, escaping and rendering them anew for each of the four gauges, and the four share one copy of the text.
/// </summary>
/// <remarks>
/// Thread-safe. Families call it under their own lock (family, then table: never the other way round), which is what
/// makes <see cref="Find"/> without a reference safe: a family that holds a label set holds a reference to it, so it
/// cannot leave the table while that family is looking it up.
/// </remarks>
internal sealed class LabelTable
{
    /// <summary>The empty label set: not counted, never removed.</summary>
    public static readonly Labels None = new([], new TagKey([]));

    private readonly Lock _gate = new();
    private readonly Dictionary<TagKey, Labels> _byTags;
    private readonly Dictionary<TagKey, Labels>.AlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>> _byTagSpan;

    // Two different tag lists can render the same labels (another order; names that sanitise alike): one Labels for
    // both, so a family never shows the same series twice. Keyed by the Labels' own bytes, so it costs no copy.
    private readonly Dictionary<byte[], Labels> _byText = new(Utf8Comparer.Instance);

    public LabelTable()
    {
        _byTags = new Dictionary<TagKey, Labels>(TagKeyComparer.Instance);
        _byTagSpan = _byTags.GetAlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>>();
    }

    /// <summary>Label sets held now (tests).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
                return _byText.Count;
        }
    }

    /// <summary>The labels of <paramref name="tags"/> if some series holds them; takes no reference.</summary>
    public Labels? Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
            return None;
        lock (_gate)
            return _byTagSpan.TryGetValue(tags, out var labels) ? labels : null;
    }

    /// <summary>The labels of <paramref name="tags"/>, rendered if no series holds them yet, with one more reference.</summary>
    public Labels Acquire(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.IsEmpty)
            return None;
        lock (_gate)
        {
            if (!_byTagSpan.TryGetValue(tags, out var labels))
            {
                var utf8 = Encoding.UTF8.GetBytes(LabelSet.Of(tags));
                var key = TagKey.From(tags);
                if (_byText.TryGetValue(utf8, out labels))
                {
                    (labels.OtherKeys ??= []).Add(key);
                }
                else
                {
                    labels = new Labels(utf8, key);
                    _byText.Add(utf8, labels);
                }
                _byTags.Add(key, labels);
            }
            labels.References++;
            return labels;
        }
    }

    /// <summary>Gives back a reference from <see cref="Acquire"/>; the last one takes the labels out of the table.</summary>
    public void Release(Labels labels)
    {
        if (ReferenceEquals(labels, None))
            return;
        lock (_gate)
        {
            if (--labels.References > 0)
                return;
            _byTags.Remove(labels.Key);
            if (labels.OtherKeys is { } others)
            {
                foreach (var key in others)
                    _byTags.Remove(key);
            }
            _byText.Remove(labels.Utf8);
        }
    }

    /// <summary>Tags by name and value text, in the order given; a measurement's tags compare without being copied.</summary>
    private sealed class TagKeyComparer : IEqualityComparer<TagKey>, IAlternateEqualityComparer<ReadOnlySpan<KeyValuePair<string, object?>>, TagKey>
    {
        public static readonly TagKeyComparer Instance = new();

        // Room for any number's text; a value whose text is longer is formatted as a string instead.
        private const int ValueBuffer = 64;

        public bool Equals(TagKey x, TagKey y) => x.Parts.AsSpan().SequenceEqual(y.Parts);

        public int GetHashCode(TagKey key)
        {
            var hash = new HashCode();
            foreach (var part in key.Parts)
                hash.Add(string.GetHashCode(part.AsSpan()));
            return hash.ToHashCode();
        }

        public bool Equals(ReadOnlySpan<KeyValuePair<string, object?>> tags, TagKey key)
        {
            var parts = key.Parts;
            if (parts.Length != tags.Length * 2)
                return false;
            Span<char> buffer = stackalloc char[ValueBuffer];
            for (var i = 0; i < tags.Length; i++)
            {
                var name = parts[2 * i];
                var value = parts[(2 * i) + 1];
                if (!ReferenceEquals(name, tags[i].Key) && !string.Equals(name, tags[i].Key, StringComparison.Ordinal))
                    return false;
                if (tags[i].Value is string text ? !ReferenceEquals(text, value) && !string.Equals(text, value, StringComparison.Ordinal)
                    : !LabelSet.ValueText(tags[i].Value, buffer).SequenceEqual(value))
                    return false;
            }
            return true;
        }

        public int GetHashCode(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var hash = new HashCode();
            Span<char> buffer = stackalloc char[ValueBuffer];
            foreach (var tag in tags)
            {
                hash.Add(string.GetHashCode(tag.Key.AsSpan()));
                hash.Add(string.GetHashCode(LabelSet.ValueText(tag.Value, buffer)));
            }
            return hash.ToHashCode();
        }

        public TagKey Create(ReadOnlySpan<KeyValuePair<string, object?>> tags) => TagKey.From(tags);
    }

    /// <summary>Byte arrays by content.</summary>
    private sealed class Utf8Comparer : IEqualityComparer<byte[]>
    {
        public static readonly Utf8Comparer Instance = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] bytes)
        {
            var hash = new HashCode();
            hash.AddBytes(bytes);
            return hash.ToHashCode();
        }
    }
}
