namespace Broker.Packaging.Tests;

/// <summary>The files of a new application that uses Broker only through its package, as a user would write them.</summary>
internal static class FreshProject
{
    public static string NuGetConfig(string feed, string globalPackages, string userPackages) => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <config>
            <!-- A packages folder of its own: the test's Broker version never lands in the user's cache. -->
            <add key="globalPackagesFolder" value="{globalPackages}" />
          </config>
          <packageSources>
            <!-- Added to the default sources, which still serve Broker's Microsoft.Extensions dependencies. -->
            <add key="broker-under-test" value="{feed}" />
          </packageSources>
          <fallbackPackageFolders>
            <!-- What earlier restores on this machine already downloaded, read in place. -->
            <add key="user-cache" value="{userPackages}" />
          </fallbackPackageFolders>
        </configuration>
        """;

    public static string Project(string brokerVersion) => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
            <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="Broker" Version="{brokerVersion}" />
          </ItemGroup>
        </Project>
        """;

    public const string Channels = """
        using Broker;

        namespace Shop;

        public sealed record Order(int Id, string Customer, List<string> Items);

        [Channel("shop/orders", Process = QueueMessageProcessing.ExactlyOnce, Dedup = "5m")]
        public partial interface IOrderChannel : IQueueChannel<Order>;
        """;

    /// <summary>Uses the three things the generator writes: AddChannels(), the implementation class and the codec.</summary>
    public const string Program = """
        using Broker;
        using Broker.Bson;
        using Microsoft.Extensions.DependencyInjection;
        using Shop;

        var builder = new BrokerBuilder(new Services()).AddChannels();
        Console.WriteLine("channels: " + string.Join(", ", builder.ChannelTypes.Select(t => t.FullName)));

        var definition = IOrderChannel.Implementation.ChannelDefinition;
        Console.WriteLine($"definition: {definition.Name} {definition.Process} {definition.DedupInterval}");

        var copy = BsonCodec.Deserialize<Order>(BsonCodec.ToBson(new Order(7, "Ada", ["tea", "cake"])));
        Console.WriteLine($"round trip: {copy.Id} {copy.Customer} {string.Join("+", copy.Items)}");

        sealed class Services : List<ServiceDescriptor>, IServiceCollection;
        """;

    /// <summary>A channel interface without <c>partial</c>: BRK0001.</summary>
    public const string BadChannel = """
        using Broker;

        namespace Shop;

        [Channel("shop/refunds")]
        public interface IRefundChannel : IQueueChannel<Order>;
        """;
}
