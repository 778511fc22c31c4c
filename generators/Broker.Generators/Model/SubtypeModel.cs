namespace Broker.Generators.Model;

/// <summary>
/// One <c>[assembly: BsonKnownSubtype(typeof(Base), typeof(Subtype))]</c>: the classes to register under (every class
/// the subtype derives from, since each of their codecs may meet the value), the concrete classes to register (the
/// subtype and those its own <c>[BsonKnownTypes]</c> lists), and the codecs this assembly must generate for them.
/// </summary>
/// <param name="BaseTypeNames">Every class the subtype derives from, nearest first, up to (not including) <c>object</c>, fully qualified.</param>
/// <param name="Registered">The concrete classes, each with its codec and discriminator, sorted by type name.</param>
/// <param name="Codecs">The subtype's codec and those of every type it reaches.</param>
internal sealed record SubtypeModel(
    EquatableArray<string> BaseTypeNames,
    EquatableArray<KnownTypeModel> Registered,
    EquatableArray<CodecModel> Codecs);
