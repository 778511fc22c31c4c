using System.Reflection;
using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Attributes;
using MongoDB.Bson.Serialization.Conventions;
using MongoDB.Bson.Serialization.Serializers;

namespace Broker.Generators.Tests.Behaviour;

/// <summary>MongoDB.Bson, configured as the generated codecs assume: Guids in the standard representation.</summary>
internal static class MongoBson
{
    static MongoBson()
    {
        BsonSerializer.TryRegisterSerializer(new GuidSerializer(GuidRepresentation.Standard));
        // What [BrokerNaming(BsonNaming.CamelCase)] means, in MongoDB.Bson's terms, for the types that carry it.
        ConventionRegistry.Register(
            "Broker camelCase naming",
            new ConventionPack { new CamelCaseElementNameConvention(), new IdByNameIsPlainMemberConvention() },
            type => type.GetCustomAttribute<BrokerNamingAttribute>()?.Naming == BsonNaming.CamelCase);
    }

    /// <summary>Runs the static constructor: for code that uses MongoDB.Bson directly before any other member here.</summary>
    public static void Configure()
    {
    }

    public static byte[] ToBson<T>(T value) => value.ToBson();

    public static T Deserialize<T>(byte[] bson) => BsonSerializer.Deserialize<T>(bson);

    public static string Hex(byte[] bson) => Convert.ToHexString(bson);
}

/// <summary>
/// Unsets an id that the named-id convention chose by its name (<c>Id</c>, <c>id</c>, <c>_id</c>): the member stays mapped,
/// named by the element-name convention. An id marked <c>[BsonId]</c> stays the id. (MongoDB.Bson's own
/// <c>NoIdMemberConvention</c> unsets that one too.)
/// </summary>
internal sealed class IdByNameIsPlainMemberConvention : ConventionBase, IPostProcessingConvention
{
    public void PostProcess(BsonClassMap classMap)
    {
        if (classMap.IdMemberMap is { } id && id.MemberInfo.GetCustomAttribute<BsonIdAttribute>() is null)
            classMap.SetIdMember(null);
    }
}
