using System.Text;
using MongoDB.Bson;

namespace Broker.Generators.Tests.Behaviour.Zoo;

/// <summary>
/// Random values of every zoo type from a seeded <see cref="Random"/>: edge values (minimum, maximum, empty, null) come up
/// often, so a few hundred values cover them all. Every value is one MongoDB.Bson can write and read back.
/// </summary>
internal sealed class ZooValues(int seed)
{
    private static readonly string[] Words = ["", "a", "Zoë", "日本語", "emoji 🦓", "tab\tand\nnewline", "nul\0inside", "long " + new string('x', 300)];
    private static readonly string[] KeyCharacters = ["a", "b", "X", "0", "9", "_", "-", ".", "$", " ", "é", "日", "🦓"];

    private readonly Random _random = new(seed);

    public Animal Animal() => new()
    {
        Scalars = Maybe(Scalars),
        Times = Maybe(Times),
        Collections = Maybe(Collections),
        Attributed = Maybe(Attributed),
        Constructed = Maybe(() => new Constructed(Int(), Text()) { SetLater = Bool() }),
        GetOnly = Maybe(GetOnly),
        Polymorphic = Maybe(Polymorphic),
        Order = Maybe(Order),
    };

    public Scalars Scalars() => new()
    {
        Id = Pick(System.Guid.Empty, Guid()),
        MaybeId = Bool() ? null : Guid(),
        Blob = Maybe(() => Bytes(_random.Next(40))),
        Ratio = Pick(0f, -0f, float.NaN, float.NegativeInfinity, float.MaxValue, float.Epsilon, (float)Double()),
        Letter = Pick('\0', 'a', 'é', '日', char.MaxValue, (char)_random.Next(0xD800)),
        Small = (byte)_random.Next(256),
        Signed = (sbyte)_random.Next(-128, 128),
        Short = Pick(short.MinValue, short.MaxValue, (short)_random.Next(short.MinValue, short.MaxValue)),
        UnsignedShort = Pick(ushort.MinValue, ushort.MaxValue, (ushort)_random.Next(ushort.MaxValue)),
        MaybeFlag = Pick<bool?>(null, true, false),
        Amounts = Maybe(() => List(() => new Money(Decimal(), Text())).ToArray()),
        Tree = Maybe(() => Node(3)),
    };

    public Node Node(int depth) => new()
    {
        Value = Int(),
        Next = depth > 0 && Bool() ? Node(depth - 1) : null,
        Children = depth > 0 ? Maybe(() => List(() => Node(depth - 1))) : null,
    };

    public Times Times() => new()
    {
        Price = Decimal(),
        MaybePrice = Bool() ? null : Decimal(),
        At = DateTimeOffset(),
        MaybeAt = Bool() ? null : DateTimeOffset(),
        Day = DateOnly.FromDayNumber(Pick(0, DateOnly.MaxValue.DayNumber, _random.Next(DateOnly.MaxValue.DayNumber))),
        MaybeDay = Bool() ? null : DateOnly.FromDayNumber(_random.Next(DateOnly.MaxValue.DayNumber)),
        Clock = new TimeOnly(Pick(0L, TimeSpan.TicksPerDay - 1, _random.NextInt64(TimeSpan.TicksPerDay))),
        Span = TimeSpan.FromTicks(Pick(long.MinValue, long.MaxValue, 0, _random.NextInt64(long.MinValue, long.MaxValue))),
        MaybeSpan = Bool() ? null : TimeSpan.FromMilliseconds(_random.Next()),
        Oid = ObjectId(),
        MaybeOid = Bool() ? null : ObjectId(),
        Big = Pick(Decimal128.QNaN, Decimal128.PositiveInfinity, Decimal128.MaxValue, Decimal128.Parse("-1.5E-6000"), new Decimal128(Decimal())),
        When = DateTime(),
        Prices = Maybe(() => List(Decimal)),
        // MongoDB.Bson fails on values above int.MaxValue and long.MaxValue, so the comparisons stay below them.
        Unsigned = (uint)_random.Next(),
        Huge = Bool() ? null : (ulong)_random.NextInt64(long.MaxValue),
    };

    public Collections Collections() => new()
    {
        Set = Maybe(() => List(Int).ToHashSet()),
        ReadOnly = Maybe<IReadOnlyCollection<string>>(() => Bool() ? List(Text) : List(Text).ToArray()),
        Collection = Maybe<ICollection<long>>(() => Bool() ? List(Long) : List(Long).ToHashSet()),
        Sequence = Maybe<IEnumerable<int>>(() => Bool() ? List(Int) : List(Int).ToArray()),
        SetInterface = Maybe<ISet<string>>(() => List(Text).ToHashSet()),
        Map = Maybe<IReadOnlyDictionary<string, int>>(() => Dictionary(Int)),
        Nested = Maybe<IDictionary<string, List<Shade>>>(() => Dictionary(() => List(Shade))),
        Shades = Maybe(() => List(Shade).ToArray()),
        TimesByName = Maybe(() => Dictionary(() => Maybe(Times))),
    };

    public Attributed Attributed() => new()
    {
        Plain = Text(),
        Name = Text(),
        Ignored = Int(),
        Maybe = Maybe(Text),
        Zero = Pick(0, Int()),
        Seven = Pick(7, Int()),
        WithDefault = Maybe(Text),
        Color = Shade(),
        Permissions = (Permissions)_random.Next(8),
        Reference = Maybe(() => Convert.ToHexStringLower(Bytes(12))),
        Key = Int(),
        First = Int() / 4,
        IntText = Int(),
        IntWide = Int(),
        LongText = Long(),
        DecimalText = Decimal(),
        DecimalDouble = _random.Next(-100_000, 100_000) / 100m,
        GuidText = Guid(),
        ShadeNames = Maybe(() => List(Shade)),
        SpanTicks = TimeSpan.FromTicks(Long()),
        WideShade = Shade(),
        Wide = Pick(Wide.Near, Wide.Far, (Wide)Long()),
        Must = Text(),
        MaybeNumber = Bool() ? null : Int(),
    };

    public GetOnlyCollections GetOnly()
    {
        var value = new GetOnlyCollections { X = Int() };
        value.Tags.AddRange(List(Text));
        foreach (var (key, count) in Dictionary(Int))
            value.Counts[key] = count;
        return value;
    }

    public Polymorphic Polymorphic() => new()
    {
        One = Maybe(Shape),
        Two = Maybe(Shape),
        Many = Maybe(() => List(Shape)),
        JustRectangle = Maybe(() => Bool() ? new Square { Label = Text(), Width = Double(), Rotated = Bool() } : new Rectangle { Height = Double() }),
        Vehicle = Maybe(Vehicle),
        PlainVehicle = Maybe(() => new Vehicle { Wheels = Int() }),
        Car = Maybe(() => Bool() ? new Car { Make = Text() } : new SportsCar { TopSpeed = Int() }),
        Tagged = Maybe(() => new Tagged { X = Int() }),
        ByName = Maybe(() => Dictionary(Shape)),
    };

    public Order Order() => new(ObjectId(), List(() => new Line(Text(), Int(), new Money(Decimal(), Text()))), DateTimeOffset())
    {
        Note = Maybe(Text),
        Shade = Shade(),
    };

    public Shape Shape() => _random.Next(3) switch
    {
        0 => new Circle { Label = Text(), Radius = Double() },
        1 => new Rectangle { Label = Text(), Width = Double(), Height = Double() },
        _ => new Square { Label = Text(), Width = Double(), Height = Double(), Rotated = Bool() },
    };

    public Vehicle Vehicle() => _random.Next(3) switch
    {
        0 => new Vehicle { Wheels = Int() },
        1 => new Car { Wheels = Int(), Make = Text() },
        _ => new SportsCar { Wheels = Int(), Make = Text(), TopSpeed = Int() },
    };

    private bool Bool() => _random.Next(2) == 0;

    private int Int() => Pick(0, int.MinValue, int.MaxValue, _random.Next(int.MinValue, int.MaxValue));

    private long Long() => Pick(0L, long.MinValue, long.MaxValue, _random.NextInt64(long.MinValue, long.MaxValue));

    private double Double() => Pick(0.0, -0.0, double.NaN, double.PositiveInfinity, double.Epsilon, double.MaxValue, (_random.NextDouble() - 0.5) * Math.Pow(10, _random.Next(-30, 30)));

    private decimal Decimal() => Pick(
        0m, decimal.MinValue, decimal.MaxValue, 12.340m, -0.0000000000000000000000000001m,
        new decimal(_random.Next(), _random.Next(), _random.Next(), Bool(), (byte)_random.Next(29)));

    private Guid Guid() => new(Bytes(16));

    private ObjectId ObjectId() => new(Bytes(12));

    private Shade Shade() => Pick(Zoo.Shade.Red, Zoo.Shade.Green, Zoo.Shade.Blue, (Shade)_random.Next(-5, 50));

    private DateTime DateTime()
    {
        var milliseconds = _random.NextInt64(-62_135_596_800_000, 253_402_300_799_999);
        return Pick(System.DateTime.MinValue, System.DateTime.MaxValue, System.DateTime.UnixEpoch.AddMilliseconds(milliseconds));
    }

    private DateTimeOffset DateTimeOffset()
    {
        var offset = TimeSpan.FromMinutes(_random.Next(-14 * 60, 14 * 60 + 1));
        var earliest = Math.Max(0, -offset.Ticks);
        var latest = System.DateTime.MaxValue.Ticks - Math.Max(0, offset.Ticks);
        // Whole milliseconds: the UTC datetime beside the ticks is stored to the millisecond.
        var ticks = _random.NextInt64(earliest, latest) / TimeSpan.TicksPerMillisecond * TimeSpan.TicksPerMillisecond;
        return new DateTimeOffset(Math.Max(ticks, earliest), offset);
    }

    private string Text()
    {
        if (_random.Next(4) > 0)
            return Words[_random.Next(Words.Length)];
        var builder = new StringBuilder();
        for (var i = _random.Next(20); i > 0; i--)
            builder.Append(char.ConvertFromUtf32(_random.Next(3) == 0 ? _random.Next(0x1F300, 0x1F600) : _random.Next(0x20, 0xD7FF)));
        return builder.ToString();
    }

    private string Key()
    {
        var builder = new StringBuilder();
        for (var i = _random.Next(1, 8); i > 0; i--)
            builder.Append(KeyCharacters[_random.Next(KeyCharacters.Length)]);
        return builder.ToString();
    }

    private byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }

    private List<T> List<T>(Func<T> item)
    {
        var list = new List<T>();
        for (var i = _random.Next(5); i > 0; i--)
            list.Add(item());
        return list;
    }

    private Dictionary<string, T> Dictionary<T>(Func<T> item)
    {
        var dictionary = new Dictionary<string, T>();
        for (var i = _random.Next(4); i > 0; i--)
            dictionary[Key()] = item();
        return dictionary;
    }

    private T? Maybe<T>(Func<T> make)
        where T : class => _random.Next(5) == 0 ? null : make();

    private T Pick<T>(params T[] choices) => choices[_random.Next(choices.Length)];
}
