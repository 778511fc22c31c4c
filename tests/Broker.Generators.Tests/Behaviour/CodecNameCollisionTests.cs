using System.Reflection;
using System.Runtime.Loader;
using Broker.Bson;
using Broker.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Broker.Generators.Tests.Behaviour;

/// <summary>
/// Two types whose codecs the naming scheme would give one name (a class literally named like a closed generic's
/// codec, or like a nested class, or two classes whose names differ in case only, which share a hint name) still get a
/// codec each: the one whose type name sorts later gets a hash of its type name added. Both compile and round-trip.
/// </summary>
public sealed class CodecNameCollisionTests
{
    [Fact]
    public void AClassNamedLikeAClosedGenericsCodecGetsAnotherName()
    {
        var run = GeneratorHarness.Run(GeneratorHarness.Compile("Collisions", [], """
            using Broker;

            namespace Shop;

            public sealed class Envelope<T>
            {
                public T Value { get; set; } = default!;
            }

            public sealed class Envelope_Of_int_
            {
                public string Label { get; set; } = "";
            }

            [Channel("shop/numbers")]
            public partial interface INumberChannel : IQueueChannel<Envelope<int>>;

            [Channel("shop/labels")]
            public partial interface ILabelChannel : IQueueChannel<Envelope_Of_int_>;
            """));

        GeneratorHarness.AssertCompilesCleanly(run.Output);
        Assert.Contains("Shop.Envelope_Of_int_Codec.g.cs", run.HintNames);
        Assert.Equal(2, run.HintNames.Count(h => h.StartsWith("Shop.Envelope_Of_int_", StringComparison.Ordinal)));
        var loaded = new Loaded(run.Output);
        var number = Activator.CreateInstance(loaded.Type("Shop.Envelope`1").MakeGenericType(typeof(int)))!;
        number.GetType().GetProperty("Value")!.SetValue(number, 42);
        var label = Activator.CreateInstance(loaded.Type("Shop.Envelope_Of_int_"))!;
        label.GetType().GetProperty("Label")!.SetValue(label, "parcel");

        Assert.Equal(42, number.GetType().GetProperty("Value")!.GetValue(RoundTrip(number)));
        Assert.Equal("parcel", label.GetType().GetProperty("Label")!.GetValue(RoundTrip(label)));
    }

    [Theory]
    // Outer_InnerCodec both: '_' joins a nested type to its container.
    [InlineData("a class named like a nested one", "Outer_Inner", "Outer.Inner", "Shop.Outer_InnerCodec.g.cs", "Shop.Outer_Inner", "Shop.Outer+Inner")]
    // UserCodec and userCodec are two classes, but hint names are compared ignoring case, as file names are.
    [InlineData("two classes whose names differ in case only", "user", "User", "Shop.UserCodec.g.cs", "Shop.user", "Shop.User")]
    public void TwoTypesWhoseCodecsWouldShareANameGetACodecEach(string problem, string first, string second, string kept, string firstType, string secondType)
    {
        var run = GeneratorHarness.Run(GeneratorHarness.Compile("Collisions", [], """
            using Broker;

            namespace Shop;

            public sealed class Outer_Inner { public int Number { get; set; } }

            public static class Outer
            {
                public sealed class Inner { public string Text { get; set; } = ""; }
            }

            #pragma warning disable CS8981 // A lowercase type name, on purpose.
            public sealed class user { public int Number { get; set; } }
            #pragma warning restore CS8981

            public sealed class User { public string Text { get; set; } = ""; }

            [Channel("shop/first")]
            public partial interface IFirstChannel : IQueueChannel<
            """ + first + """
            >;

            [Channel("shop/second")]
            public partial interface ISecondChannel : IQueueChannel<
            """ + second + """
            >;
            """));

        GeneratorHarness.AssertCompilesCleanly(run.Output);
        Assert.True(run.HintNames.Contains(kept), problem + ": " + string.Join(", ", run.HintNames));
        var loaded = new Loaded(run.Output);
        var one = Activator.CreateInstance(loaded.Type(firstType))!;
        one.GetType().GetProperty("Number")!.SetValue(one, 7);
        var other = Activator.CreateInstance(loaded.Type(secondType))!;
        other.GetType().GetProperty("Text")!.SetValue(other, "seven");

        Assert.Equal(7, one.GetType().GetProperty("Number")!.GetValue(RoundTrip(one)));
        Assert.Equal("seven", other.GetType().GetProperty("Text")!.GetValue(RoundTrip(other)));
    }

    // Through the codec the application registered for the value's type.
    private static object RoundTrip(object value) =>
        typeof(CodecNameCollisionTests).GetMethod(nameof(RoundTripAs), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(value.GetType()).Invoke(null, [value])!;

    private static object RoundTripAs<T>(object value) => BsonCodec.Deserialize<T>(BsonCodec.ToBson((T)value))!;

    /// <summary>The application, in a load context of its own that shares Broker's runtime.</summary>
    private sealed class Loaded : AssemblyLoadContext
    {
        private readonly Assembly _application;

        public Loaded(Compilation application)
            : base(application.AssemblyName)
        {
            _application = Add(application);
            // Runs the module initializer that registers the application's codecs.
            System.Runtime.CompilerServices.RuntimeHelpers.RunModuleConstructor(_application.ManifestModule.ModuleHandle);
        }

        public Type Type(string name) => _application.GetType(name, throwOnError: true)!;

        protected override Assembly? Load(AssemblyName assemblyName) => null;

        private Assembly Add(Compilation compilation)
        {
            using var image = new MemoryStream();
            var result = compilation.Emit(image);
            Assert.True(result.Success, string.Join("\n", result.Diagnostics));
            image.Position = 0;
            return LoadFromStream(image);
        }
    }
}
