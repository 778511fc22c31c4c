using Broker.Analyzers.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Testing;
using Microsoft.CodeAnalysis.Testing;

namespace Broker.Analyzers.Tests;

/// <summary>
/// BRK0013: a message type the codec cannot handle is reported at the type argument of IQueueChannel&lt;T&gt;, naming the
/// member path, the type and the reason; the generator's own parser decides, so the two agree.
/// </summary>
public sealed class MessageTypeTests
{
    private const string InterfaceReason =
        "is an interface without known implementations: [BsonKnownTypes] cannot be put on an interface, so nothing says which class to create when reading; " +
        "declare the member as an abstract base class that lists its implementations in [BsonKnownTypes]";

    [Fact]
    public Task InterfaceWithoutKnownTypesIsReportedAtTheTypeArgumentWithTheMemberPath() => VerifyAsync("""
        public interface IProduct { string Name { get; } }
        public sealed record Line(IProduct Product, int Quantity);
        public sealed record Order(int Id, System.Collections.Generic.List<Line> Lines);

        [Channel("orders/placed")]
        public partial interface IOrderChannel : IQueueChannel<{|#0:Order|}>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.UnsupportedMessageType).WithLocation(0)
            .WithArguments("IOrderChannel", "Order.Lines[].Product", "IProduct", InterfaceReason)
            .WithMessage("Channel 'IOrderChannel' cannot encode its message type as BSON. Order.Lines[].Product: 'IProduct' " + InterfaceReason + "."));

    [Fact]
    public Task AbstractClassWithoutKnownTypesIsReported() => VerifyAsync("""
        public abstract class Shape { public int Sides { get; set; } }
        public sealed class Drawing { public Shape? Outline { get; set; } }

        [Channel("drawings")]
        public partial interface IDrawingChannel : IQueueChannel<{|#0:Drawing|}>;
        """,
        Expect("IDrawingChannel", "Drawing.Outline", "Shape",
            "is abstract and has no [BsonKnownTypes] naming a concrete class below it, so nothing says which class to create when reading"));

    [Fact]
    public Task AbstractClassWithKnownTypesIsAccepted() => VerifyAsync(MongoStandIns.Attributes + """
        [MongoDB.Bson.Serialization.Attributes.BsonKnownTypes(typeof(Square))]
        public abstract class Shape { public int Sides { get; set; } }
        public sealed class Square : Shape { }
        public sealed class Drawing { public Shape? Outline { get; set; } }

        [Channel("drawings")]
        public partial interface IDrawingChannel : IQueueChannel<Drawing>;
        """);

    [Fact]
    public Task DelegateIsReported() => VerifyAsync("""
        public sealed class Job { public System.Action? Callback { get; set; } }

        [Channel("jobs")]
        public partial interface IJobChannel : IQueueChannel<{|#0:Job|}>;
        """,
        Expect("IJobChannel", "Job.Callback", "System.Action", "is a delegate, which is code, not data"));

    [Fact]
    public Task PointerIsReported() => VerifyAsync("""
        public sealed unsafe class Raw { public int* Address { get; set; } }

        [Channel("raw")]
        public partial interface IRawChannel : IQueueChannel<{|#0:Raw|}>;
        """,
        Expect("IRawChannel", "Raw.Address", "int*", "is a pointer, which has no BSON form"));

    [Fact]
    public Task OpenGenericIsReported() => VerifyAsync("""
        public sealed class Box<T> { public T? Value { get; set; } }

        [Channel("boxes")]
        public partial interface IBoxChannel<T> : IQueueChannel<{|#0:Box<T>|}>;
        """,
        Expect("IBoxChannel", "Box<T>", "Box<T>", OpenGeneric("T", "IBoxChannel<T>")));

    [Fact]
    public Task TypeParameterOfAContainingTypeDeepInTheMessageTypeIsReported() => VerifyAsync("""
        public sealed class Box<T> { public T? Value { get; set; } }

        public static partial class Holder<TItem>
        {
            [Channel("boxes")]
            public partial interface IBoxChannel : IQueueChannel<{|#0:Box<System.Collections.Generic.List<TItem>>|}>;
        }
        """,
        Expect("IBoxChannel", "Box<System.Collections.Generic.List<TItem>>", "Box<System.Collections.Generic.List<TItem>>", OpenGeneric("TItem", "Holder<TItem>")));

    [Fact]
    public Task TypeNestedInAnOpenGenericTypeIsReported() => VerifyAsync("""
        public static partial class Holder<TItem>
        {
            public sealed class Item { public TItem? Value { get; set; } }

            [Channel("items")]
            public partial interface IItemChannel : IQueueChannel<{|#0:Item|}>;
        }
        """,
        Expect("IItemChannel", "Holder<TItem>.Item", "Holder<TItem>.Item", OpenGeneric("TItem", "Holder<TItem>")));

    [Fact]
    public Task TypeParameterAsTheMessageTypeIsReported() => VerifyAsync("""
        public static partial class Holder<TMessage>
        {
            [Channel("anything")]
            public partial interface IAnythingChannel : IQueueChannel<{|#0:TMessage|}>;
        }
        """,
        Expect("IAnythingChannel", "TMessage", "TMessage",
            "is the type parameter TMessage (declared by Holder<TMessage>), so the type is open here; a codec is generated for each closed type, so every type a message reaches must be concrete where the channel is declared"));

    // A phantom parameter (no member typed by it) is what lets dynamic through to the codec; a member typed dynamic is
    // refused as any dynamic value is.
    [Fact]
    public Task GenericMemberClosedOverDynamicIsReported() => VerifyAsync("""
        public class Page<T> { public int Number { get; set; } }
        public sealed class Report { public Page<dynamic>? Page { get; set; } }

        [Channel("reports")]
        public partial interface IReportChannel : IQueueChannel<{|#0:Report|}>;
        """,
        Expect("IReportChannel", "Report.Page", "Page<dynamic>", DynamicArgument));

    [Fact]
    public Task DynamicDeepInTheTypeArgumentsOfAnElementIsReported() => VerifyAsync("""
        public class Page<T> { public int Number { get; set; } }
        public sealed record Report(System.Collections.Generic.List<Page<dynamic[]>> Pages);

        [Channel("reports")]
        public partial interface IReportChannel : IQueueChannel<{|#0:Report|}>;
        """,
        Expect("IReportChannel", "Report.Pages[]", "Page<dynamic[]>", DynamicArgument));

    [Fact]
    public Task MessageTypeClosedOverDynamicIsReported() => VerifyAsync("""
        public class Envelope<T> { public string Kind { get; set; } = ""; }

        [Channel("envelopes")]
        public partial interface IEnvelopeChannel : {|CS1966:IQueueChannel<{|#0:Envelope<dynamic>|}>|};
        """,
        Expect("IEnvelopeChannel", "Envelope<dynamic>", "Envelope<dynamic>", DynamicArgument));

    [Fact]
    public Task ClosedGenericMessagesAndMembersAreAccepted() => VerifyAsync("""
        public enum Tier { Free, Gold }
        public sealed record Order(int Id, decimal Total);
        public sealed record Envelope<TPayload>(string Kind, TPayload Payload);
        public sealed class Page<T> { public int Number { get; set; } public System.Collections.Generic.List<T> Items { get; set; } = new(); }
        public readonly struct Pair<TKey, TValue>
        {
            public Pair(TKey key, TValue value) { Key = key; Value = value; }
            public TKey Key { get; }
            public TValue Value { get; }
        }
        public sealed class Report
        {
            public System.Collections.Generic.List<Page<Order>> Pages { get; set; } = new();
            public Envelope<User>? Reply { get; set; }
            public System.Collections.Generic.Dictionary<string, Page<Order>> ByName { get; set; } = new();
            public Envelope<Page<Order>>? Nested { get; set; }
            public Pair<int, string?> Counted { get; set; }
            public Envelope<Tier>? Level { get; set; }
            public Envelope<System.Collections.Generic.List<int>>? Numbers { get; set; }
        }

        [Channel("users")]
        public partial interface IUserChannel : IQueueChannel<Envelope<User>>;

        [Channel("reports")]
        public partial interface IReportChannel : IQueueChannel<Report>;
        """);

    [Fact]
    public Task ClosedGenericOverAnUnsupportedTypeIsReportedAtTheMemberItReaches() => VerifyAsync("""
        public sealed class Box<T> { public T? Value { get; set; } }
        public sealed class Crate { public Box<object>? Box { get; set; } }

        [Channel("crates")]
        public partial interface ICrateChannel : IQueueChannel<{|#0:Crate|}>;
        """,
        Expect("ICrateChannel", "Crate.Box.Value", "object", "gives no type to read back; use a concrete type"));

    [Fact]
    public Task GenericKnownTypeStaysRefused() => VerifyAsync(MongoStandIns.Attributes + """
        [MongoDB.Bson.Serialization.Attributes.BsonKnownTypes(typeof(Special<int>))]
        public abstract class Shape { public int Sides { get; set; } }
        public sealed class Special<T> : Shape { public T? Extra { get; set; } }
        public sealed class Drawing { public Shape? Outline { get; set; } }

        [Channel("drawings")]
        public partial interface IDrawingChannel : IQueueChannel<{|#0:Drawing|}>;
        """,
        Expect("IDrawingChannel", "Drawing.Outline", "Shape",
            "lists Special<int> in [BsonKnownTypes], which is generic or not accessible to the generated code"));

    [Fact]
    public Task DictionaryWithNonStringKeysIsReported() => VerifyAsync("""
        public sealed class Stock { public System.Collections.Generic.Dictionary<int, string> ByShelf { get; set; } = new(); }

        [Channel("stock")]
        public partial interface IStockChannel : IQueueChannel<{|#0:Stock|}>;
        """,
        Expect("IStockChannel", "Stock.ByShelf", "System.Collections.Generic.Dictionary<int, string>",
            "is a dictionary whose keys are not strings; keys become element names, so they must be strings"));

    [Fact]
    public Task NullableMessageTypeIsReported() => VerifyAsync("""
        public sealed record Note(string Text);

        [Channel("notes")]
        public partial interface INoteChannel : IQueueChannel<{|#0:Note?|}>;
        """,
        Expect("INoteChannel", "Note", "Note", "is annotated as nullable, but a message is never null; declare the channel without the '?'"));

    [Fact]
    public Task FileLocalMessageTypeIsReported() => VerifyAsync("""
        file sealed record Secret(string Text);

        // C# lets only a file-local interface use a file-local type (BRK0005 reports the interface itself).
        [Channel("secrets")]
        file partial interface ISecretChannel : IQueueChannel<{|#0:Secret|}>;
        """,
        Expect("ISecretChannel", "Secret", "Secret", "is a file-local type, which the generated codec, in another file, cannot name; make it internal or public"));

    [Fact]
    public Task GenericClosedOverAFileLocalTypeIsReported() => VerifyAsync("""
        public sealed record Envelope<TPayload>(TPayload Payload);
        file sealed record Secret(string Text);

        [Channel("secrets")]
        file partial interface ISecretChannel : IQueueChannel<{|#0:Envelope<Secret>|}>;
        """,
        Expect("ISecretChannel", "Envelope<Secret>", "Envelope<Secret>", "is closed over the file-local type Secret, which the generated codec, in another file, cannot name; make it internal or public"));

    [Fact]
    public Task TypeWithoutUsableConstructorIsReported() => VerifyAsync("""
        public sealed class Odd
        {
            public Odd(int unrelated) { }
            public int Value { get; set; }
        }

        [Channel("odd")]
        public partial interface IOddChannel : IQueueChannel<{|#0:Odd|}>;
        """,
        Expect("IOddChannel", "Odd", "Odd",
            "has no constructor the codec can call: the constructor parameter 'unrelated' matches no serialized member of the same name and type"));

    [Fact]
    public Task MemberTypeWithASupportedEquivalentIsAlsoLocatedAtTheMembersTypeAndNamesTheEquivalent() => VerifyAsync("""
        public sealed class Order
        {
            public {|#1:System.Collections.Immutable.ImmutableArray<string>|} Tags { get; set; }
        }

        [Channel("orders")]
        public partial interface IOrderChannel : IQueueChannel<{|#0:Order|}>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.UnsupportedMessageType).WithLocation(0).WithLocation(1).WithMessage(
            "Channel 'IOrderChannel' cannot encode its message type as BSON. Order.Tags: 'System.Collections.Immutable.ImmutableArray<string>' " +
            "is a framework type Broker has no BSON mapping for; declare Tags with System.Collections.Generic.IReadOnlyList<string>, " +
            "which holds the same values and is supported."));

    [Fact]
    public Task ConstructorParameterNearAMemberIsAlsoLocatedAtTheParameterAndNamesTheMember() => VerifyAsync("""
        public sealed class Account
        {
            public Account(int id, string {|#1:usrName|}) => (Id, UserName) = (id, usrName);
            public int Id { get; }
            public string UserName { get; }
        }

        [Channel("accounts")]
        public partial interface IAccountChannel : IQueueChannel<{|#0:Account|}>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.UnsupportedMessageType).WithLocation(0).WithLocation(1).WithMessage(
            "Channel 'IAccountChannel' cannot encode its message type as BSON. Account: 'Account' has no constructor the codec can call: " +
            "the constructor parameter 'usrName' matches no serialized member of the same name and type; rename it 'userName' to bind the member 'UserName'."));

    [Fact]
    public Task ParameterNearAMemberOfAnImmutableClassIsNamedWhenTheParserStoppedAtAnother() => VerifyAsync("""
        public sealed class Account
        {
            public Account(string name, string {|#1:adress|}) => (Name, Address) = (name, adress);
            public string Name { get; }
            public string Address { get; }
        }

        [Channel("accounts")]
        public partial interface IAccountChannel : IQueueChannel<{|#0:Account|}>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.UnsupportedMessageType).WithLocation(0).WithLocation(1).WithMessage(
            "Channel 'IAccountChannel' cannot encode its message type as BSON. Account: 'Account' has no constructor the codec can call: " +
            "the constructor parameter 'name' matches no serialized member of the same name and type; rename 'adress' 'address' to bind the member 'Address'."));

    [Fact]
    public Task RefStructIsReported() => VerifyAsync("""
        public ref struct Lens { public int X { get; set; } }
        public sealed class Camera { public Lens View { get => default; set { } } }

        [Channel("cameras")]
        public partial interface ICameraChannel : IQueueChannel<{|#0:Camera|}>;
        """,
        Expect("ICameraChannel", "Camera.View", "Lens", "is a ref struct, which cannot be stored on the heap or in a collection"));

    [Fact]
    public Task CycleThroughStructsIsReported() => VerifyAsync("""
        public struct Outer { public Inner Inner { get => default; set { } } }
        public struct Inner { public Outer Outer { get => default; set { } } }
        public sealed class Plan { public Outer Shape { get; set; } }

        [Channel("plans")]
        public partial interface IPlanChannel : IQueueChannel<{|#0:Plan|}>;
        """,
        Expect("IPlanChannel", "Plan.Shape", "Outer",
            "is a struct that contains itself (Outer.Inner → Inner.Outer → Outer) with no null or collection in between, so every value would be infinitely deep"));

    [Fact]
    public Task AttributeTheCodecsCannotHonourIsReported() => VerifyAsync(MongoStandIns.Attributes + """
        public sealed class Custom
        {
            [MongoDB.Bson.Serialization.Attributes.BsonSerializer(typeof(object))]
            public string Name { get; set; } = "";
        }

        [Channel("custom")]
        public partial interface ICustomChannel : IQueueChannel<{|#0:Custom|}>;
        """,
        Expect("ICustomChannel", "Custom", "Custom",
            "has an attribute on Custom.Name that the generated codecs cannot honour: [BsonSerializer] changes the mapping in a way the generated codecs do not reproduce"));

    [Fact]
    public Task MessageTypeReachedThroughABaseInterfaceIsReportedAtThatBase() => VerifyAsync("""
        public sealed class Job { public object? Payload { get; set; } }
        public interface IJobs : IQueueChannel<Job>;

        [Channel("jobs")]
        public partial interface IJobChannel : {|#0:IJobs|};
        """,
        Expect("IJobChannel", "Job.Payload", "object", "gives no type to read back; use a concrete type"));

    [Fact]
    public Task EveryCoveredShapeIsAccepted() => VerifyAsync("""
        public enum Priority { Low, High }
        public readonly record struct Money(decimal Amount, string Currency);
        public sealed record Line(string Sku, int Quantity, Money Price);
        public sealed class Order
        {
            public System.Guid Id { get; set; }
            public System.DateTime At { get; set; }
            public System.DateTimeOffset Placed { get; set; }
            public System.DateOnly Day { get; set; }
            public System.TimeOnly Time { get; set; }
            public System.TimeSpan Timeout { get; set; }
            public decimal Total { get; set; }
            public Priority Priority { get; set; }
            public int? Retries { get; set; }
            public byte[]? Signature { get; set; }
            public System.Collections.Generic.IReadOnlyList<Line> Lines { get; set; } = [];
            public System.Collections.Generic.HashSet<string> Tags { get; set; } = [];
            public System.Collections.Generic.IReadOnlyDictionary<string, int>? Counts { get; set; }
            public Order? Previous { get; set; }
        }

        [Channel("orders")]
        public partial interface IOrderChannel : IQueueChannel<Order>;
        """);

    private const string DynamicArgument =
        "is closed over dynamic, which generated code cannot use as a type argument (C# forbids implementing an interface of it); use object, the same type at run time";

    private static string OpenGeneric(string parameter, string declarer) =>
        "is an open generic type: its type parameter " + parameter + " (declared by " + declarer + ") is not known until run time, and a codec is generated only for a closed type; use concrete type arguments";

    private static DiagnosticResult Expect(string channel, string path, string type, string reason) =>
        Verify.Diagnostic(BrokerDiagnostics.UnsupportedMessageType).WithLocation(0).WithArguments(channel, path, type, reason);

    private static Task VerifyAsync(string source, params DiagnosticResult[] expected)
    {
        var test = new MessageTypeAnalyzerTest { TestCode = BrokerAnalyzerTest.Preamble + source };
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }

    /// <summary>Runs <see cref="MessageTypeAnalyzer"/> alone over the sources, compiled like <see cref="BrokerAnalyzerTest"/>'s.</summary>
    private sealed class MessageTypeAnalyzerTest : CSharpAnalyzerTest<MessageTypeAnalyzer, DefaultVerifier>
    {
        public MessageTypeAnalyzerTest()
        {
            ReferenceAssemblies = new ReferenceAssemblies("net10.0");
            TestState.AdditionalReferences.AddRange(RuntimeReferences.All);
            SolutionTransforms.Add((solution, projectId) =>
            {
                var project = solution.GetProject(projectId)!;
                solution = solution.WithProjectParseOptions(projectId, ((CSharpParseOptions)project.ParseOptions!).WithLanguageVersion(LanguageVersion.Latest));
                return solution.WithProjectCompilationOptions(projectId, ((CSharpCompilationOptions)project.CompilationOptions!).WithAllowUnsafe(true));
            });
        }
    }
}
