using Broker.Analyzers.Tests.Infrastructure;

namespace Broker.Analyzers.Tests;

/// <summary>
/// BRK0013's fixes where the correction is mechanical: the '?' of a nullable message type removed, a member's framework
/// type with no BSON mapping replaced by a supported one with the same values, and a constructor parameter that
/// matches no member renamed after the one member it was near. The diagnostic stays at the channel; the fix edits the
/// declaration its additional location points at.
/// </summary>
public sealed class MessageTypeCodeFixTests
{
    [Fact]
    public Task NullableMessageTypeLosesItsQuestionMark() => Verify.CodeFixAsync("""
        [Channel("users")]
        public partial interface IUserChannel : IQueueChannel<{|BRK0013:User?|}>;
        """, """
        [Channel("users")]
        public partial interface IUserChannel : IQueueChannel<User>;
        """);

    [Fact]
    public Task ImmutableArrayMemberBecomesAReadOnlyListAndTheUsingIsAdded() => Verify.CodeFixOfWholeFileAsync("""
        using Broker;

        public sealed record Line(string Sku, int Quantity);
        public sealed class Order
        {
            public int Id { get; set; }
            public System.Collections.Immutable.ImmutableArray<Line> Lines { get; set; } = [];
        }

        [Channel("orders")]
        public partial interface IOrderChannel : IQueueChannel<{|BRK0013:Order|}>;
        """, """
        using System.Collections.Generic;
        using Broker;

        public sealed record Line(string Sku, int Quantity);
        public sealed class Order
        {
            public int Id { get; set; }
            public IReadOnlyList<Line> Lines { get; set; } = [];
        }

        [Channel("orders")]
        public partial interface IOrderChannel : IQueueChannel<Order>;
        """);

    [Fact]
    public Task PositionalRecordMembersAreFixedAtTheirParameterInAnotherFile() => Verify.CodeFixAsync(["""
        [Channel("orders")]
        public partial interface IOrderChannel : IQueueChannel<{|BRK0013:Order|}>;
        """, """
        using System.Collections.Generic;
        using System.Collections.Immutable;

        public sealed record Order(int Id, ImmutableDictionary<string, decimal> Prices);
        """], ["""
        [Channel("orders")]
        public partial interface IOrderChannel : IQueueChannel<Order>;
        """, """
        using System.Collections.Generic;
        using System.Collections.Immutable;

        public sealed record Order(int Id, IReadOnlyDictionary<string, decimal> Prices);
        """]);

    [Fact]
    public Task UnsupportedTypeInsideTheDeclaredTypeIsReplacedWhereItStands() => Verify.CodeFixAsync(["""
        [Channel("orders")]
        public partial interface IOrderChannel : IQueueChannel<{|BRK0013:Order|}>;
        """, """
        using System.Collections.Generic;
        using System.Collections.Immutable;

        public sealed class Order
        {
            public Dictionary<string, ImmutableHashSet<string>>? Tags { get; init; }
        }
        """], ["""
        [Channel("orders")]
        public partial interface IOrderChannel : IQueueChannel<Order>;
        """, """
        using System.Collections.Generic;
        using System.Collections.Immutable;

        public sealed class Order
        {
            public Dictionary<string, IReadOnlySet<string>>? Tags { get; init; }
        }
        """]);

    [Theory]
    [InlineData("nint", "long")]
    [InlineData("nuint", "ulong")]
    [InlineData("System.Collections.ObjectModel.ReadOnlyCollection<string>", "IReadOnlyList<string>")]
    [InlineData("System.Collections.ObjectModel.Collection<int>?", "IList<int>?")]
    [InlineData("System.Collections.Immutable.ImmutableList<string?>", "IReadOnlyList<string?>")]
    [InlineData("System.Collections.Immutable.IImmutableSet<int>", "IReadOnlySet<int>")]
    [InlineData("System.Collections.ObjectModel.ReadOnlyDictionary<string, User>", "IReadOnlyDictionary<string, User>")]
    [InlineData("System.Collections.Concurrent.ConcurrentDictionary<string, int>", "IDictionary<string, int>")]
    public Task MemberTypeBecomesTheSupportedTypeWithTheSameValues(string type, string fixedType) => Verify.CodeFixOfWholeFileAsync($$"""
        #nullable enable
        using Broker;

        public sealed record User(int Id);
        public sealed class Reading
        {
            public {{type}} Value = default!;
        }

        [Channel("readings")]
        public partial interface IReadingChannel : IQueueChannel<{|BRK0013:Reading|}>;
        """, "#nullable enable\n" + (fixedType.StartsWith('I') ? "using System.Collections.Generic;\n" : "") + $$"""
        using Broker;

        public sealed record User(int Id);
        public sealed class Reading
        {
            public {{fixedType}} Value = default!;
        }

        [Channel("readings")]
        public partial interface IReadingChannel : IQueueChannel<Reading>;
        """);

    [Theory]
    [InlineData("System.Collections.Generic.Queue<int>")]
    [InlineData("System.Collections.Generic.SortedSet<int>")]
    [InlineData("System.Collections.Immutable.ImmutableArray<object>")]
    [InlineData("System.Collections.Immutable.ImmutableDictionary<int, string>")]
    [InlineData("System.Int128")]
    [InlineData("System.Uri")]
    [InlineData("int[,]")]
    public Task MemberTypeWithoutAnEquivalentOffersNoFix(string type) => Verify.CodeFixAsync($$"""
        public sealed class Reading
        {
            public {{type}}? Value { get; set; }
        }

        [Channel("readings")]
        public partial interface IReadingChannel : IQueueChannel<{|BRK0013:Reading|}>;
        """, $$"""
        public sealed class Reading
        {
            public {{type}}? Value { get; set; }
        }

        [Channel("readings")]
        public partial interface IReadingChannel : IQueueChannel<{|BRK0013:Reading|}>;
        """);

    [Fact]
    public Task EnumBasedOnUintIsBasedOnLong() => Verify.CodeFixAsync("""
        public enum Flags : uint { None = 0, High = 4_000_000_000 }
        public sealed record Setting(string Name, Flags Flags);

        [Channel("settings")]
        public partial interface ISettingChannel : IQueueChannel<{|BRK0013:Setting|}>;
        """, """
        public enum Flags : long { None = 0, High = 4_000_000_000 }
        public sealed record Setting(string Name, Flags Flags);

        [Channel("settings")]
        public partial interface ISettingChannel : IQueueChannel<Setting>;
        """);

    [Fact]
    public Task EnumBasedOnUlongOffersNoFix() => Verify.CodeFixAsync("""
        public enum Flags : ulong { None = 0, High = ulong.MaxValue }
        public sealed record Setting(string Name, Flags Flags);

        [Channel("settings")]
        public partial interface ISettingChannel : IQueueChannel<{|BRK0013:Setting|}>;
        """, """
        public enum Flags : ulong { None = 0, High = ulong.MaxValue }
        public sealed record Setting(string Name, Flags Flags);

        [Channel("settings")]
        public partial interface ISettingChannel : IQueueChannel<{|BRK0013:Setting|}>;
        """);

    // Half converts to float only explicitly: declaring the member float would break every assignment of a Half to it,
    // starting with its own initializer. Not a mechanical fix.
    [Theory]
    [InlineData("System.Half")]
    [InlineData("System.Half?")]
    public Task AHalfMemberOffersNoFix(string type) => Verify.CodeFixAsync($$"""
        public sealed class Reading
        {
            public {{type}} Ratio { get; set; } = System.Half.One;
        }

        [Channel("readings")]
        public partial interface IReadingChannel : IQueueChannel<{|BRK0013:Reading|}>;
        """, $$"""
        public sealed class Reading
        {
            public {{type}} Ratio { get; set; } = System.Half.One;
        }

        [Channel("readings")]
        public partial interface IReadingChannel : IQueueChannel<{|BRK0013:Reading|}>;
        """);

    [Fact]
    public Task FieldDeclaredWithAnotherVariableOffersNoFix() => Verify.CodeFixAsync("""
        public sealed class Reading
        {
            public nint Low, High;
        }

        [Channel("readings")]
        public partial interface IReadingChannel : IQueueChannel<{|BRK0013:Reading|}>;
        """, """
        public sealed class Reading
        {
            public nint Low, High;
        }

        [Channel("readings")]
        public partial interface IReadingChannel : IQueueChannel<{|BRK0013:Reading|}>;
        """);

    [Fact]
    public Task MisspelledConstructorParameterIsRenamedWithItsUses() => Verify.CodeFixWithoutFixAllAsync("""
        public sealed class Account
        {
            public Account(int id, string usrName)
            {
                Id = id;
                UserName = usrName.Trim();
            }

            public int Id { get; }
            public string UserName { get; }
        }

        public static class Accounts
        {
            public static Account Guest() => new(0, usrName: "guest");
        }

        [Channel("accounts")]
        public partial interface IAccountChannel : IQueueChannel<{|BRK0013:Account|}>;
        """, """
        public sealed class Account
        {
            public Account(int id, string userName)
            {
                Id = id;
                UserName = userName.Trim();
            }

            public int Id { get; }
            public string UserName { get; }
        }

        public static class Accounts
        {
            public static Account Guest() => new(0, userName: "guest");
        }

        [Channel("accounts")]
        public partial interface IAccountChannel : IQueueChannel<Account>;
        """);

    [Fact]
    public Task ParameterOfAnImmutableClassIsRenamedEvenWhenTheParserStoppedAtAnother() => Verify.CodeFixWithoutFixAllAsync("""
        public sealed class Account(string name, string adress)
        {
            public string Name { get; } = name;
            public string Address { get; } = adress;
        }

        [Channel("accounts")]
        public partial interface IAccountChannel : IQueueChannel<{|BRK0013:Account|}>;
        """, """
        public sealed class Account(string name, string address)
        {
            public string Name { get; } = name;
            public string Address { get; } = address;
        }

        [Channel("accounts")]
        public partial interface IAccountChannel : IQueueChannel<Account>;
        """);

    [Theory]
    [InlineData("int unrelated", "")]
    [InlineData("long id", "")]
    [InlineData("string nam", "public string Nam2 { get; }")]
    [InlineData("string id", "")]
    [InlineData("string title", "")]
    public Task ParameterWithoutOneNearMemberOfItsTypeOffersNoFix(string parameter, string otherMember) => Verify.CodeFixAsync($$"""
        public sealed class Account
        {
            public Account({{parameter}}) { }
            public int Id { get; }
            public string Name { get; } = "";
            {{otherMember}}
        }

        [Channel("accounts")]
        public partial interface IAccountChannel : IQueueChannel<{|BRK0013:Account|}>;
        """, $$"""
        public sealed class Account
        {
            public Account({{parameter}}) { }
            public int Id { get; }
            public string Name { get; } = "";
            {{otherMember}}
        }

        [Channel("accounts")]
        public partial interface IAccountChannel : IQueueChannel<{|BRK0013:Account|}>;
        """);
}
