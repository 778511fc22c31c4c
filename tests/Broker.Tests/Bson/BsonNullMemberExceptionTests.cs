using Broker.Bson;

namespace Broker.Tests.Bson;

/// <summary>The path a refused null is reported at, as the generated codecs build it step by step while the exception passes.</summary>
public sealed class BsonNullMemberExceptionTests
{
    [Fact]
    public void StepsAddedOnTheWayOutReadFromTheMessageTypeDown()
    {
        var exception = Catch(() => BsonNullMemberException.ThrowMember("Sku"));
        exception.AddIndex(2);
        exception.AddMember("Lines");
        exception.AddMember("Order");

        Assert.Equal("Order.Lines[2].Sku", exception.MemberPath);
        Assert.IsAssignableFrom<ArgumentException>(exception);
        Assert.StartsWith("Order.Lines[2].Sku is null, but its type is not nullable", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NestedCollectionsAndDictionaryKeysJoinWithoutDots()
    {
        var element = Catch(() => BsonNullMemberException.ThrowIndex(0));
        element.AddIndex(1);
        element.AddMember("Grid");
        Assert.Equal("Grid[1][0]", element.MemberPath);

        var value = Catch(() => BsonNullMemberException.ThrowKey("say \"hi\\"));
        value.AddMember("Totals");
        Assert.Equal("Totals[\"say \\\"hi\\\\\"]", value.MemberPath);

        var below = Catch(() => BsonNullMemberException.ThrowMember("Currency"));
        below.AddKey("eu");
        Assert.Equal("[\"eu\"].Currency", below.MemberPath);
    }

    private static BsonNullMemberException Catch(Action thrower) => Assert.Throws<BsonNullMemberException>(thrower);
}
