namespace Broker;

/// <summary>How the generated codecs name the BSON elements of a type's members. Chosen with <see cref="BrokerNamingAttribute"/>.</summary>
public enum BsonNaming
{
    /// <summary>
    /// MongoDB.Bson's defaults: each element is named as its C# member (<c>Username</c>), and a member named <c>Id</c>,
    /// <c>id</c> or <c>_id</c> is the document's id, written as <c>_id</c>.
    /// </summary>
    Default = 0,

    /// <summary>
    /// As JavaScript, TypeScript and Deepkit name fields: the first letter of each member name in lower case
    /// (<c>Username</c> becomes <c>username</c>, <c>ShipTo</c> <c>shipTo</c>; only the first letter changes, so
    /// <c>URL</c> becomes <c>uRL</c>), and <c>Id</c> is a member like any other (<c>id</c>), not <c>_id</c>.
    /// <c>[BsonElement("name")]</c> and <c>[BsonId]</c> still win. The bytes are those MongoDB.Bson writes with
    /// <c>CamelCaseElementNameConvention</c> and a convention that unmaps an id chosen by its name only.
    /// </summary>
    CamelCase = 1,
}
