using Broker.Generators.Tests.Behaviour.Generics;

namespace Broker.Generators.Tests.Behaviour;

/// <summary>Random values of the generic shapes, from a fixed seed; null and empty as often as not.</summary>
internal sealed class GenericValues(int seed)
{
    private readonly Random _random = new(seed);

    public Catalog Catalog() => new()
    {
        Pages = Many(Page),
        Reply = Maybe(() => new Envelope<Member>(Text(), Member())),
        MaybeReply = Maybe(() => new Envelope<Member?>(Text(), Maybe(Member))),
        ByName = Maybe(() => Many(Page).Select((page, i) => (page, i)).ToDictionary(p => "k" + p.i, p => p.page)),
        Nested = Maybe(() => new Envelope<Page<Member>>(Text(), Page())),
        Count = Maybe(() => new Envelope<int>(Text(), _random.Next())),
        Text = Maybe(() => new Envelope<string>(Text(), Text())),
        Level = Maybe(() => new Envelope<Tier>(Text(), (Tier)_random.Next(2))),
        Numbers = Maybe(() => new Envelope<List<int>>(Text(), Many(() => _random.Next(-5, 5)))),
        MaybeNumber = Maybe(() => new Envelope<int?>(Text(), _random.Next(2) == 0 ? null : _random.Next())),
        Counted = new Pair<int, string?>(_random.Next(), _random.Next(2) == 0 ? null : Text()),
        Tagged = _random.Next(2) == 0 ? null : new Pair<Tier, List<string>>(Tier.Gold, Many(Text)),
        Held = Maybe(() => new Holder<Guid>(Guid.NewGuid(), new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMilliseconds(_random.Next()))),
        Grid = Maybe(() => new Page<Member[]> { Number = _random.Next(), Items = Many(() => Many(Member).ToArray()) }),
        Marked = Maybe(() => new Tagged<long> { Value = _random.NextInt64() }),
        MarkedMap = Maybe(() => new Tagged<Dictionary<string, int[]>> { Value = new() { ["a"] = [1, 2] } }),
        MarkedNullable = Maybe(() => new Tagged<int?> { Value = _random.Next(2) == 0 ? null : 5 }),
        Old = Maybe(() => new Envelope<Generics.Legacy.Member>(Text(), new Generics.Legacy.Member(Text()))),
    };

    public Envelope<Member> Envelope() => new(Text(), Member());

    private Page<Member> Page() => new() { Number = _random.Next(), Items = Many(Member), Cursor = Maybe(Text) };

    private Member Member() => new(_random.Next(), Text());

    private string Text() => new('x', _random.Next(0, 6));

    private List<T> Many<T>(Func<T> item) => Enumerable.Range(0, _random.Next(0, 4)).Select(_ => item()).ToList();

    private T? Maybe<T>(Func<T> value)
        where T : class => _random.Next(3) == 0 ? null : value();
}
