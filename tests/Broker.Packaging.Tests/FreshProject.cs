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

    /// <summary>
    /// The project <c>dotnet new worker</c> writes (the Worker SDK and its Microsoft.Extensions.Hosting reference, at
    /// the version this repository uses so the restore needs nothing new), plus the one reference a user adds,
    /// <c>dotnet add package Broker</c>, and strict settings.
    /// </summary>
    public static string Project(string brokerVersion) => $"""
        <Project Sdk="Microsoft.NET.Sdk.Worker">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
            <EmitCompilerGeneratedFiles>true</EmitCompilerGeneratedFiles>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="Microsoft.Extensions.Hosting" Version="10.0.0" />
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

    /// <summary>
    /// A generic host on the embedded durable broker: AddBroker(...).AddChannels(), a hosted consumer and the health
    /// check, all from the Broker package; one produce, awaited until the consumer has it. Also prints what the
    /// generator wrote: the channel's definition and the codec's round trip.
    /// </summary>
    public const string Program = """
        using Broker;
        using Broker.Bson;
        using Microsoft.Extensions.Diagnostics.HealthChecks;
        using Shop;

        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddBroker(b => b.UseEmbedded("broker-data")).AddChannels();
        builder.Services.AddSingleton<Received>();
        builder.Services.AddConsumer<IOrderChannel, OrderConsumer>(o => o.MaxParallel = 2);
        builder.Services.AddHealthChecks().AddBroker();
        using var host = builder.Build();
        await host.StartAsync();

        var definition = IOrderChannel.Implementation.ChannelDefinition;
        Console.WriteLine($"definition: {definition.Name} {definition.Process} {definition.DedupInterval}");
        var copy = BsonCodec.Deserialize<Order>(BsonCodec.ToBson(new Order(7, "Ada", ["tea", "cake"])));
        Console.WriteLine($"round trip: {copy.Id} {copy.Customer} {string.Join("+", copy.Items)}");

        var orders = host.Services.GetRequiredService<IOrderChannel>();
        var produced = await orders.ProduceAsync(new Order(7, "Ada", ["tea", "cake"]));
        Console.WriteLine($"produced: {produced.Status}");
        var consumed = await host.Services.GetRequiredService<Received>().Order.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Console.WriteLine($"consumed: {consumed.Id} {consumed.Customer} {string.Join("+", consumed.Items)}");

        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Console.WriteLine($"health: {health.Status}");
        await host.StopAsync();

        sealed class Received
        {
            public TaskCompletionSource<Order> Order { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        sealed class OrderConsumer(Received received) : IConsumer<Order>
        {
            public ValueTask ConsumeAsync(QueueMessage<Order> message, CancellationToken cancellationToken)
            {
                received.Order.TrySetResult(message.Data);
                return ValueTask.CompletedTask;
            }
        }
        """;

    /// <summary>A second channel for <see cref="PairProgram"/>: each order consumed is answered with a receipt.</summary>
    public const string Receipts = """
        using Broker;

        namespace Shop;

        public sealed record Receipt(int OrderId);

        [Channel("shop/receipts")]
        public partial interface IReceiptChannel : IQueueChannel<Receipt>;
        """;

    /// <summary>
    /// One program that runs as two processes on one data directory, as an app and its worker do: "consume" takes three
    /// orders and answers each with a receipt; "produce" produces the orders and waits for their receipts. Neither can
    /// finish without the other, so both run at once whichever starts first, and the directory serves both.
    /// </summary>
    public const string PairProgram = """
        using Broker;
        using Shop;

        var role = args is ["produce" or "consume"] ? args[0] : throw new ArgumentException("Usage: App produce|consume");
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddBroker(b => b.UseEmbedded("broker-data")).AddChannels();
        builder.Services.AddSingleton<Tally>();
        if (role == "consume")
            builder.Services.AddConsumer<IOrderChannel, OrderConsumer>();
        else
            builder.Services.AddConsumer<IReceiptChannel, ReceiptConsumer>();
        using var host = builder.Build();
        await host.StartAsync();

        if (role == "produce")
        {
            var orders = host.Services.GetRequiredService<IOrderChannel>();
            for (var id = 1; id <= Tally.Count; id++)
                Console.WriteLine($"produced: {id} {(await orders.ProduceAsync(new Order(id, "Ada", ["tea"]))).Status}");
        }
        var ids = await host.Services.GetRequiredService<Tally>().All.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Console.WriteLine($"{role} done: {string.Join(",", ids)}");
        await host.StopAsync();

        sealed class Tally
        {
            public const int Count = 3;
            private readonly SortedSet<int> _ids = [];

            public TaskCompletionSource<int[]> All { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

            public void Add(int id)
            {
                lock (_ids)
                {
                    if (_ids.Add(id) && _ids.Count == Count)
                        All.TrySetResult([.. _ids]);
                }
            }
        }

        sealed class OrderConsumer(Tally tally, IReceiptChannel receipts) : IConsumer<Order>
        {
            public async ValueTask ConsumeAsync(QueueMessage<Order> message, CancellationToken cancellationToken)
            {
                await receipts.ProduceAsync(new Receipt(message.Data.Id), cancellationToken: cancellationToken);
                tally.Add(message.Data.Id);
            }
        }

        sealed class ReceiptConsumer(Tally tally) : IConsumer<Receipt>
        {
            public ValueTask ConsumeAsync(QueueMessage<Receipt> message, CancellationToken cancellationToken)
            {
                tally.Add(message.Data.OrderId);
                return ValueTask.CompletedTask;
            }
        }
        """;

    /// <summary>
    /// An ASP.NET Core app (the Web SDK, as <c>dotnet new webapi</c> makes it) whose one package reference is Broker:
    /// the shared framework brings the host.
    /// </summary>
    public static string WebProject(string brokerVersion) => $"""
        <Project Sdk="Microsoft.NET.Sdk.Web">
          <PropertyGroup>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
            <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="Broker" Version="{brokerVersion}" />
          </ItemGroup>
        </Project>
        """;

    /// <summary>Produces through an HTTP endpoint, consumes in a hosted consumer, and serves the health check.</summary>
    public const string WebProgram = """
        using Broker;
        using Shop;

        var builder = WebApplication.CreateBuilder(args);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddBroker(b => b.UseEmbedded("broker-data")).AddChannels();
        builder.Services.AddSingleton<Received>();
        builder.Services.AddConsumer<IOrderChannel, OrderConsumer>();
        builder.Services.AddHealthChecks().AddBroker();
        var app = builder.Build();
        app.MapHealthChecks("/health");
        app.MapPost("/orders", async (Order order, IOrderChannel orders) => (await orders.ProduceAsync(order)).Status.ToString());
        await app.StartAsync();

        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        var response = await http.PostAsJsonAsync("/orders", new Order(8, "Grace", ["bread"]));
        Console.WriteLine($"produced: {await response.Content.ReadAsStringAsync()}");
        var consumed = await app.Services.GetRequiredService<Received>().Order.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Console.WriteLine($"consumed: {consumed.Id} {consumed.Customer} {string.Join("+", consumed.Items)}");
        Console.WriteLine($"health: {await http.GetStringAsync("/health")}");
        await app.StopAsync();

        sealed class Received
        {
            public TaskCompletionSource<Order> Order { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        sealed class OrderConsumer(Received received) : IConsumer<Order>
        {
            public ValueTask ConsumeAsync(QueueMessage<Order> message, CancellationToken cancellationToken)
            {
                received.Order.TrySetResult(message.Data);
                return ValueTask.CompletedTask;
            }
        }
        """;

    /// <summary>A channel interface without <c>partial</c>: BRK0001.</summary>
    public const string BadChannel = """
        using Broker;

        namespace Shop;

        [Channel("shop/refunds")]
        public interface IRefundChannel : IQueueChannel<Order>;
        """;
}
