namespace Broker.Analyzers.Tests.Infrastructure;

/// <summary>
/// MongoDB.Bson attributes under their real names, for test sources: the rules go by the attributes' full names, and
/// the sources compile without a reference to MongoDB.Bson.
/// </summary>
internal static class MongoStandIns
{
    public const string Attributes = """
        namespace MongoDB.Bson.Serialization.Attributes
        {
            [System.AttributeUsage(System.AttributeTargets.Class, AllowMultiple = true)]
            public sealed class BsonKnownTypesAttribute(params System.Type[] knownTypes) : System.Attribute
            {
                public System.Type[] KnownTypes { get; } = knownTypes;
            }

            [System.AttributeUsage(System.AttributeTargets.Field | System.AttributeTargets.Property)]
            public sealed class BsonElementAttribute(string elementName) : System.Attribute
            {
                public string ElementName { get; } = elementName;
            }

            [System.AttributeUsage(System.AttributeTargets.All)]
            public sealed class BsonSerializerAttribute(System.Type serializerType) : System.Attribute
            {
                public System.Type SerializerType { get; } = serializerType;
            }
        }

        """;
}
