using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;

namespace Broker.Generators.Tests.Behaviour;

/// <summary>MongoDB.Bson, configured as the generated codecs assume: Guids in the standard representation.</summary>
internal static class MongoBson
{
    static MongoBson() => BsonSerializer.TryRegisterSerializer(new GuidSerializer(GuidRepresentation.Standard));

    /// <summary>Runs the static constructor: for code that uses MongoDB.Bson directly before any other member here.</summary>
    public static void Configure()
    {
    }

    public static byte[] ToBson<T>(T value) => value.ToBson();

    public static T Deserialize<T>(byte[] bson) => BsonSerializer.Deserialize<T>(bson);

    public static string Hex(byte[] bson) => Convert.ToHexString(bson);
}
