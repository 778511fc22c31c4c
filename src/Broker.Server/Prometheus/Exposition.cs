using System.Text;

namespace Broker.Server.Prometheus;

/// <summary>
/// One scrape's text, rendered once in UTF-8 into pooled chunks and written as it is to every response that asks within
/// the cache window. Reference-counted: the collector holds one reference while it is the cached scrape, and each
/// response one while it writes, so the chunks go back to the pool only when nobody sends them any more.
/// </summary>
internal sealed class Exposition
{
    private readonly byte[][] _chunks;
    private readonly ChunkPool _pool;
    private int _references = 1;

    internal Exposition(byte[][] chunks, long length, ChunkPool pool)
    {
        _chunks = chunks;
        Length = length;
        _pool = pool;
    }

    /// <summary>Bytes of text.</summary>
    public long Length { get; }

    /// <summary>Chunks it takes (each <see cref="ChunkPool.ChunkBytes"/>).</summary>
    public int ChunkCount => _chunks.Length;

    /// <summary>The text, chunk by chunk; valid while a reference is held.</summary>
    public IEnumerable<ReadOnlyMemory<byte>> Segments
    {
        get
        {
            var left = Length;
            foreach (var chunk in _chunks)
            {
                var take = (int)Math.Min(chunk.Length, left);
                yield return chunk.AsMemory(0, take);
                left -= take;
            }
        }
    }

    /// <summary>One more reference; false when the last one was released already (its chunks may be reused).</summary>
    public bool TryAddReference()
    {
        var references = Volatile.Read(ref _references);
        while (references > 0)
        {
            var seen = Interlocked.CompareExchange(ref _references, references + 1, references);
            if (seen == references)
                return true;
            references = seen;
        }
        return false;
    }

    /// <summary>Gives a reference back; the last one returns the chunks to the pool.</summary>
    public void Release()
    {
        var left = Interlocked.Decrement(ref _references);
        if (left == 0)
        {
            _pool.Return(_chunks);
            // Whoever still holds this object (a finished response's state, say) must not keep the chunks alive.
            Array.Clear(_chunks);
        }
        else if (left < 0)
            throw new InvalidOperationException("An exposition was released more often than it was referenced.");
    }

    /// <summary>The text as a string (tests; the endpoint writes the bytes).</summary>
    public string Text()
    {
        var bytes = new byte[Length];
        var at = 0;
        foreach (var segment in Segments)
        {
            segment.Span.CopyTo(bytes.AsSpan(at));
            at += segment.Length;
        }
        return Encoding.UTF8.GetString(bytes);
    }
}

/// <summary>
/// Chunks for expositions, kept between scrapes so rendering one allocates nothing once the first is done. Each chunk is
/// under the large-object threshold (85,000 bytes): a scrape of tens of megabytes never lands on the LOH, whose
/// collections are gen2 collections.
/// </summary>
/// <remarks>
/// The pool owns at most <see cref="Limit"/> chunks, in expositions and free together; a chunk given back past it is
/// left to the GC. The collector sets the limit to what the expositions it lets be alive at once take:
/// so chunks given back by slow responses are kept for the next expositions instead of becoming garbage while new ones
/// are allocated, and memory stays within the limit however the responses come and go.
/// </remarks>
internal sealed class ChunkPool
{
    /// <summary>The size of a chunk.</summary>
    public const int ChunkBytes = 64 * 1024;

    private readonly Lock _gate = new();
    private readonly Stack<byte[]> _free = new();
    private int _limit = int.MaxValue;
    private int _owned;
    private int _expositions;

    /// <summary>Expositions rendered and not yet released by their last holder: the cached one, and older ones being sent.</summary>
    public int Expositions => Volatile.Read(ref _expositions);

    /// <summary>The most chunks owned (in expositions or free); free ones past it are dropped at once.</summary>
    public int Limit
    {
        get
        {
            lock (_gate)
                return _limit;
        }
        set
        {
            lock (_gate)
            {
                _limit = value;
                while (_owned > _limit && _free.TryPop(out _))
                    _owned--;
            }
        }
    }

    /// <summary>Free chunks held now (tests).</summary>
    public int FreeCount
    {
        get
        {
            lock (_gate)
                return _free.Count;
        }
    }

    /// <summary>Chunks owned now, in expositions or free (tests).</summary>
    public int OwnedCount
    {
        get
        {
            lock (_gate)
                return _owned;
        }
    }

    public byte[] Rent()
    {
        lock (_gate)
        {
            if (_free.TryPop(out var chunk))
                return chunk;
            // Past the limit too: an exposition that grew needs its chunks; the limit catches up when it is set next.
            _owned++;
        }
        return new byte[ChunkBytes];
    }

    /// <summary>An exposition was completed over chunks from here.</summary>
    public void Completed() => Interlocked.Increment(ref _expositions);

    /// <summary>An exposition's last holder released it: its chunks come back.</summary>
    public void Return(IEnumerable<byte[]> chunks)
    {
        Interlocked.Decrement(ref _expositions);
        lock (_gate)
        {
            foreach (var chunk in chunks)
            {
                if (_owned > _limit)
                    _owned--;
                else
                    _free.Push(chunk);
            }
        }
    }
}

/// <summary>Appends UTF-8 text to pooled chunks, crossing from one to the next anywhere, even inside a number.</summary>
internal sealed class ExpositionWriter(ChunkPool pool)
{
    private readonly List<byte[]> _chunks = [];
    private byte[]? _current;
    private int _position;
    private long _length;

    public void Write(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            if (_current is null || _position == _current.Length)
                NextChunk();
            var take = Math.Min(bytes.Length, _current!.Length - _position);
            bytes[..take].CopyTo(_current.AsSpan(_position));
            _position += take;
            _length += take;
            bytes = bytes[take..];
        }
    }

    public void Write(byte b)
    {
        if (_current is null || _position == _current.Length)
            NextChunk();
        _current![_position++] = b;
        _length++;
    }

    /// <summary>A sample value (see <see cref="PrometheusNames.FormatValue"/>).</summary>
    public void WriteValue(double value)
    {
        Span<byte> text = stackalloc byte[PrometheusNames.MaxValueBytes];
        Write(text[..PrometheusNames.FormatValue(value, text)]);
    }

    /// <summary>A count, in decimal.</summary>
    public void WriteCount(long count)
    {
        Span<byte> text = stackalloc byte[20];
        count.TryFormat(text, out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        Write(text[..written]);
    }

    /// <summary>What was written, as an exposition holding one reference; the writer starts empty again.</summary>
    public Exposition Complete()
    {
        var exposition = new Exposition([.. _chunks], _length, pool);
        pool.Completed();
        _chunks.Clear();
        _current = null;
        _position = 0;
        _length = 0;
        return exposition;
    }

    private void NextChunk()
    {
        _current = pool.Rent();
        _chunks.Add(_current);
        _position = 0;
    }
}
