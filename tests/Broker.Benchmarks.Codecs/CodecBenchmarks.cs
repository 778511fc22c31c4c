using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Broker.Bson;
using MemoryPack;
using MongoDB.Bson;
using MongoDB.Bson.IO;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;

namespace Broker.Benchmarks.Codecs;

/// <summary>
/// Serialize and deserialize one message with each serializer, each at its best: a reused output buffer, and for
/// MongoDB.Bson a reused <see cref="BsonBinaryWriter"/> and a cached serializer. MongoDB.Bson is the baseline of each
/// category, so the Ratio column reads as "time relative to MongoDB.Bson".
/// </summary>
/// <typeparam name="T">The message type.</typeparam>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public abstract class CodecBenchmarks<T>
    where T : class
{
    private readonly ArrayBufferWriter<byte> _output = new(4096);
    private readonly MemoryStream _mongoStream = new();
    private readonly T _value;
    private readonly JsonTypeInfo<T> _json;
    private BsonBinaryWriter _mongoWriter = null!;
    private IBsonSerializer<T> _mongoSerializer = null!;
    private Utf8JsonWriter _jsonWriter = null!;
    private byte[] _bson = null!;
    private byte[] _jsonBytes = null!;
    private byte[] _memoryPackBytes = null!;

    protected CodecBenchmarks(T value, JsonTypeInfo<T> json)
    {
        _value = value;
        _json = json;
    }

    [GlobalSetup]
    public void Setup()
    {
        BsonSerializer.TryRegisterSerializer(new GuidSerializer(GuidRepresentation.Standard));
        _mongoSerializer = BsonSerializer.LookupSerializer<T>();
        _mongoWriter = new BsonBinaryWriter(_mongoStream);
        _jsonWriter = new Utf8JsonWriter(_output);
        _bson = BsonCodec.ToBson(_value);
        _jsonBytes = JsonSerializer.SerializeToUtf8Bytes(_value, _json);
        _memoryPackBytes = MemoryPackSerializer.Serialize(_value);
        if (!_bson.AsSpan().SequenceEqual(_value.ToBson()))
            throw new InvalidOperationException("The generated codec and MongoDB.Bson disagree; the comparison would be meaningless.");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _mongoWriter.Dispose();
        _jsonWriter.Dispose();
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Serialize")]
    public long MongoDB_Serialize()
    {
        _mongoStream.Position = 0;
        _mongoStream.SetLength(0);
        _mongoSerializer.Serialize(BsonSerializationContext.CreateRoot(_mongoWriter), _value);
        return _mongoStream.Length;
    }

    [Benchmark, BenchmarkCategory("Serialize")]
    public int Broker_Serialize()
    {
        _output.ResetWrittenCount();
        BsonCodec.Serialize(_value, _output);
        return _output.WrittenCount;
    }

    [Benchmark, BenchmarkCategory("Serialize")]
    public int SystemTextJson_Serialize()
    {
        _output.ResetWrittenCount();
        _jsonWriter.Reset(_output);
        JsonSerializer.Serialize(_jsonWriter, _value, _json);
        _jsonWriter.Flush();
        return _output.WrittenCount;
    }

    [Benchmark, BenchmarkCategory("Serialize")]
    public int MemoryPack_Serialize()
    {
        _output.ResetWrittenCount();
        MemoryPackSerializer.Serialize(_output, _value);
        return _output.WrittenCount;
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Deserialize")]
    public T MongoDB_Deserialize()
    {
        using var reader = new BsonBinaryReader(new MemoryStream(_bson, writable: false));
        return _mongoSerializer.Deserialize(BsonDeserializationContext.CreateRoot(reader));
    }

    [Benchmark, BenchmarkCategory("Deserialize")]
    public T Broker_Deserialize() => BsonCodec.Deserialize<T>(_bson);

    [Benchmark, BenchmarkCategory("Deserialize")]
    public T? SystemTextJson_Deserialize() => JsonSerializer.Deserialize(_jsonBytes, _json);

    [Benchmark, BenchmarkCategory("Deserialize")]
    public T? MemoryPack_Deserialize() => MemoryPackSerializer.Deserialize<T>(_memoryPackBytes);
}

/// <summary><see cref="User"/>: 40 bytes of BSON.</summary>
public class UserBenchmarks() : CodecBenchmarks<User>(Values.User(), JsonContext.Default.User);

/// <summary><see cref="OrderEvent"/>, the 10-field event: 289 bytes of BSON.</summary>
public class OrderEventBenchmarks() : CodecBenchmarks<OrderEvent>(Values.Order(), JsonContext.Default.OrderEvent);
