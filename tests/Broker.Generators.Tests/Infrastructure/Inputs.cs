namespace Broker.Generators.Tests.Infrastructure;

/// <summary>Source inputs shared by the generator tests.</summary>
internal static class Inputs
{
    public const string SeedUser = """
        using Broker;

        namespace Sample;

        public sealed record User(int Id, string Username);

        [Channel("user/registered", Process = QueueMessageProcessing.ExactlyOnce, Dedup = "1s")]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """;

    public const string RichMessage = """
        using System;
        using System.Collections.Generic;
        using Broker;

        namespace Shop.Orders;

        public enum Priority { Low, Normal, High }

        public enum Huge : long { Big = 1L << 40 }

        public sealed class Address
        {
            public string Street { get; set; } = "";
            public string City { get; set; } = "";
            public int Zip { get; set; }
        }

        public struct Money
        {
            public long Cents { get; set; }
            public string Currency { get; set; }
        }

        public sealed class OrderEvent
        {
            public long Sequence { get; set; }
            public double Amount { get; set; }
            public bool IsExpress { get; set; }
            public DateTime CreatedAt { get; set; }
            public Guid CorrelationId { get; set; }
            public string CustomerName { get; set; } = "";
            public List<string> Tags { get; set; } = new();
            public Address? ShipTo { get; set; }
            public Priority Priority { get; set; }
            public Huge Size { get; set; }
            public int? RetryCount { get; set; }
            public byte Flags { get; set; }
            public short Small { get; set; }
            public float Ratio { get; set; }
            public char Grade { get; set; }
            public byte[]? Signature { get; set; }
            public Money Total { get; set; }
            public Money? Discount { get; set; }
            public IReadOnlyList<Address> Stops { get; set; } = Array.Empty<Address>();
            public Dictionary<string, int> Counts { get; set; } = new();
            public int[][]? Grid { get; set; }
            public List<string?>? Notes { get; set; }
            public IReadOnlyDictionary<string, List<int>?>? Buckets { get; set; }
        }

        [Channel("orders/created", MaxAttempts = 10, RetryDelay = "250ms")]
        public partial interface IOrderChannel : IQueueChannel<OrderEvent>;
        """;

    /// <summary>
    /// Non-nullable references at every depth (member, nested document, list element, dictionary value, jagged array,
    /// known derived type) beside members that may hold null: nullable, oblivious, [BsonIgnoreIfNull], [MaybeNull].
    /// </summary>
    public const string NullChecks = """
        using System.Collections.Generic;
        using System.Diagnostics.CodeAnalysis;
        using Broker;
        using MongoDB.Bson.Serialization.Attributes;

        namespace Shop;

        public sealed record Line(string Sku, int Quantity);

        public readonly record struct Money(decimal Amount, string Currency);

        public sealed class Counter { public int Value { get; set; } }

        [BsonKnownTypes(typeof(Card))]
        public abstract class Payment { public string Reference { get; set; } = ""; }

        public sealed class Card : Payment { public int Digits { get; set; } }

        public sealed class Order
        {
            public string Customer { get; set; } = "";
            public Line? Gift { get; set; }
            public List<Line> Lines { get; set; } = new();
            public Dictionary<string, Money> Totals { get; set; } = new();
            public string[][] Codes { get; set; } = new string[0][];
            public List<string?> Notes { get; set; } = new();
            public Counter Counter { get; set; } = new();
            public Payment? Payment { get; set; }
            [BsonIgnoreIfNull] public string Coupon { get; set; } = "";
            [MaybeNull] public string Comment { get; set; } = "";
        #nullable disable
            public string Legacy { get; set; }
        #nullable restore
        }

        [Channel("orders/placed")]
        public partial interface IOrderChannel : IQueueChannel<Order>;
        """;

    /// <summary>The seed's channel in an assembly named for JavaScript apps: <c>{ id, username }</c>, as Deepkit writes it.</summary>
    public const string CamelCaseNaming = """
        using Broker;

        [assembly: BrokerNaming(BsonNaming.CamelCase)]

        namespace Sample;

        public sealed record User(int Id, string Username);

        [Channel("user/registered", Process = QueueMessageProcessing.ExactlyOnce, Dedup = "1s")]
        public partial interface IRegistrationChannel : IQueueChannel<User>;
        """;

    public const string NestedNamespace = """
        using Broker;

        namespace Company
        {
            namespace Billing.Invoices
            {
                public sealed record InvoicePaid(string InvoiceId, long AmountCents, string? Note = "none");

                public static partial class Channels
                {
                    [Channel("billing/invoice-paid", Process = QueueMessageProcessing.ExactlyOnce)]
                    public partial interface IInvoicePaidChannel : IQueueChannel<InvoicePaid>;
                }
            }
        }
        """;

    public const string NoChannels = """
        namespace Plain;

        public sealed class Service
        {
            public int Compute() => 42;
        }
        """;

    public const string TwoChannels = """
        using Broker;

        namespace Sample;

        public sealed record User(int Id, string Username);

        [Channel("user/registered", Process = QueueMessageProcessing.ExactlyOnce, Dedup = "1s")]
        public partial interface IRegistrationChannel : IQueueChannel<User>;

        [Channel("user/deleted")]
        internal partial interface IDeletionChannel : IQueueChannel<User>;
        """;

    /// <summary>MongoDB.Bson's attributes and a polymorphic hierarchy; compiled with a reference to MongoDB.Bson.</summary>
    public const string AttributedHierarchy = """
        using System;
        using System.Collections.Generic;
        using Broker;
        using MongoDB.Bson;
        using MongoDB.Bson.Serialization.Attributes;

        namespace Shop.Catalog;

        public enum Shade { Red, Green }

        [BsonKnownTypes(typeof(Book), typeof(Toy))]
        public abstract class Product
        {
            [BsonId]
            public ObjectId Key { get; set; }

            [BsonElement("name")]
            public string Name { get; set; } = "";

            [BsonIgnore]
            public string Cached { get; set; } = "";
        }

        public sealed class Book : Product
        {
            [BsonIgnoreIfNull]
            public string? Isbn { get; set; }
        }

        [BsonDiscriminator("toy")]
        public sealed class Toy : Product
        {
            [BsonRepresentation(BsonType.String)]
            public Shade Shade { get; set; }

            [BsonDefaultValue(3)]
            [BsonIgnoreIfDefault]
            public int MinimumAge { get; set; } = 3;
        }

        public sealed class Listing
        {
            public Listing(string title) => Title = title;

            public string Title { get; set; }

            public decimal Price { get; set; }

            public DateTimeOffset Since { get; set; }

            [BsonElement]
            public List<Product> Products { get; } = new();

            public HashSet<string>? Tags { get; set; }
        }

        [Channel("catalog/listed")]
        public partial interface IListingChannel : IQueueChannel<Listing>;
        """;

    /// <summary>
    /// Channels ordered by a member of each supported kind (a string, an int, an inherited Guid?, a byte enum, a nullable
    /// long enum, a keyword-named member), and one ordered by each produce's own key.
    /// </summary>
    public const string OrderedChannels = """
        using System;
        using Broker;

        namespace Shop;

        public enum Region : byte { North = 1, South = 200 }

        public enum Balance : long { Overdrawn = -1 }

        public class Entity
        {
            public Guid? TenantId { get; set; }
        }

        public sealed class Order : Entity
        {
            public string CustomerId { get; set; } = "";
            public int Shard { get; set; }
            public Region Region { get; set; }
            public Balance? Balance { get; set; }
            public ulong @checked { get; set; }
        }

        public sealed record AccountChanged(string AccountNumber);

        [Channel("orders/by-customer", OrderBy = nameof(Order.CustomerId))]
        public partial interface IByCustomerChannel : IQueueChannel<Order>;

        [Channel("orders/by-shard", OrderBy = nameof(Order.Shard), Process = QueueMessageProcessing.ExactlyOnce, Dedup = "1m")]
        public partial interface IByShardChannel : IQueueChannel<Order>;

        [Channel("orders/by-tenant", OrderBy = "TenantId", RetryDelay = "5s")]
        public partial interface IByTenantChannel : IQueueChannel<Order>;

        [Channel("orders/by-region", OrderBy = nameof(Order.Region))]
        public partial interface IByRegionChannel : IQueueChannel<Order>;

        [Channel("orders/by-balance", OrderBy = nameof(Order.Balance))]
        public partial interface IByBalanceChannel : IQueueChannel<Order>;

        [Channel("orders/by-checked", OrderBy = nameof(Order.@checked))]
        public partial interface IByCheckedChannel : IQueueChannel<Order>;

        [Channel("accounts/changed", Ordered = true)]
        public partial interface IAccountChannel : IQueueChannel<AccountChanged>;

        [Channel("accounts/unordered", Ordered = false)]
        public partial interface IUnorderedAccountChannel : IQueueChannel<AccountChanged>;
        """;

    public const string GenericChannelMessage = """
        using Broker;

        namespace Shop
        {
            public sealed record User(int Id, string Name);

            public sealed record Envelope<TPayload>(string Kind, TPayload Payload);

            [Channel("shop/user")]
            public partial interface IUserChannel : IQueueChannel<Envelope<User>>;

            // The same closed type: one codec serves both channels.
            [Channel("shop/user-audit")]
            public partial interface IUserAuditChannel : IQueueChannel<Envelope<User>>;

            // Another User, in another namespace: a codec of its own, not a clash.
            [Channel("shop/legacy-user")]
            public partial interface ILegacyUserChannel : IQueueChannel<Envelope<Legacy.User>>;
        }

        namespace Shop.Legacy
        {
            public sealed record User(string Login);
        }
        """;

    public const string GenericMembers = """
        using System.Collections.Generic;
        using Broker;

        namespace Shop;

        public enum Region { North, South }

        public sealed record Order(int Id, decimal Total);

        public sealed record Envelope<TPayload>(string Kind, TPayload Payload);

        public sealed class Page<T>
        {
            public int Number { get; set; }
            public List<T> Items { get; set; } = new();
        }

        public readonly struct Pair<TKey, TValue>
        {
            public Pair(TKey key, TValue value)
            {
                Key = key;
                Value = value;
            }

            public TKey Key { get; }
            public TValue Value { get; }
        }

        public sealed class Report
        {
            public List<Page<Order>> Pages { get; set; } = new();
            public Envelope<Order>? Reply { get; set; }
            public Dictionary<string, Page<Order>> ByName { get; set; } = new();
            public Envelope<Page<Order>>? Nested { get; set; }
            public Pair<int, string?> Counted { get; set; }
            public Pair<Region, List<int>>? ByRegion { get; set; }
        }

        [Channel("shop/report")]
        public partial interface IReportChannel : IQueueChannel<Report>;
        """;
}
