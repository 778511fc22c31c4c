namespace Broker.Generators.Tests.Behaviour;

/// <summary>Values of every covered shape: filled in, and with every nullable left empty.</summary>
internal static class Samples
{
    public static readonly Guid SomeGuid = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");

    public static User User() => new(42, "alice_smith");

    public static OrderEvent Order() => new()
    {
        Sequence = 1_234_567_890_123,
        Amount = 99.95,
        IsExpress = true,
        CreatedAt = new DateTime(2024, 5, 6, 7, 8, 9, 123, DateTimeKind.Utc),
        CorrelationId = SomeGuid,
        CustomerName = "Contoso Ltd.",
        Tags = ["new", "vip", "eu"],
        ShipTo = new Address { Street = "1 Main St", City = "Springfield", Zip = 12345 },
        Priority = Priority.High,
        RetryCount = 3,
    };

    public static Scalars Scalars() => new()
    {
        Flag = true,
        Byte = 200,
        SByte = -100,
        Short = -30_000,
        UShort = 65_000,
        Int = int.MinValue,
        Long = long.MaxValue,
        Float = 1.25f,
        Double = Math.PI,
        Char = 'Ж',
        Text = "héllo \0 wörld ✓",
        Guid = SomeGuid,
        When = new DateTime(1969, 12, 31, 23, 59, 59, 999, DateTimeKind.Utc),
        Bytes = [0, 1, 2, 255],
        Priority = Priority.Normal,
        Size = Size.Huge,
        Tiny = Tiny.B,
        Signed = Signed.Minus,
        MaybeFlag = false,
        MaybeInt = 7,
        MaybeLong = -7,
        MaybeDouble = double.NaN,
        MaybeFloat = float.NegativeInfinity,
        MaybeChar = 'x',
        MaybeGuid = Guid.Empty,
        MaybeWhen = DateTime.MaxValue,
        MaybePriority = Priority.Low,
        MaybeByte = 0,
    };

    public static Collections Collections() => new()
    {
        Numbers = [1, -2, int.MaxValue],
        Names = ["a", null, ""],
        Stops = [new Address { Street = "s", City = "c", Zip = 1 }, new Address()],
        Longs = [1L << 40],
        Counts = new() { ["one"] = 1, ["two.dots"] = 2, ["ключ"] = 3 },
        Places = new Dictionary<string, Address?> { ["home"] = new Address { City = "Home" }, ["nowhere"] = null },
        Weights = new Dictionary<string, double> { ["w"] = 0.5 },
        Nested = [[1, 2], [], [3]],
        Gaps = [1, null, 3],
        Buckets = new() { ["full"] = [1, 2], ["none"] = null },
        Jagged = [["x", "y"], []],
        SmallNumbers = [1, 255],
        Ids = [SomeGuid, Guid.Empty],
        Points = [new Point { X = 1, Y = 2 }],
    };

    public static Everything Everything() => new()
    {
        Order = Order(),
        Scalars = Scalars(),
        Collections = Collections(),
        Point = new Point { X = -1, Y = 1 },
        ImmutablePoint = new ImmutablePoint(3, 4),
        Range = new Range(5, 10),
        MutableRange = new MutableRange(1, 2),
        InitOnly = new InitOnly { A = 1, B = "b", C = "c" },
        Mixed = new Mixed(5) { Extra = "extra" },
        WithDefaults = new WithDefaults(1, "b", Priority.Low, 2.5, "note"),
        Node = new Node { Name = "root", Next = new Node { Name = "next" }, Children = [new Node { Name = "child" }] },
        Immutable = new Immutable(9, "nine"),
        Dog = new Dog { Id = 1, Name = "Rex", GoodBoy = true, Legs = 3 },
        Animal = new Animal { Id = 2, Name = "Generic" },
        WithFields = new WithFields { P1 = 1, F1 = 2, F2 = "f2", P2 = 3 },
        LowerId = new LowerId { Name = "lower", id = 5 },
        UnderscoreId = new UnderscoreId { _id = "abc", Value = 6 },
        KeywordNames = new KeywordNames(1, "evt"),
        TwoItems = new TwoItems { First = new Alpha.Item { A = 1 }, Second = new Beta.Item { B = "b" } },
    };

    /// <summary>
    /// Every nullable reference and value empty: the nulls must travel as BSON null, like MongoDB.Bson writes them. A
    /// member declared non-nullable gets its emptiest value instead, since a null there is refused (NullMemberTests).
    /// </summary>
    public static Everything EmptyEverything() => new()
    {
        Order = new OrderEvent { CustomerName = "", Tags = [], ShipTo = null },
        Scalars = new Scalars(),
        Collections = new Collections(),
        InitOnly = new InitOnly { C = "" },
        Node = new Node { Name = "", Children = [] },
        Immutable = new Immutable(0, ""),
    };
}
