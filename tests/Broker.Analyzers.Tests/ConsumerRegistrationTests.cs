using Broker.Analyzers.Tests.Infrastructure;

namespace Broker.Analyzers.Tests;

/// <summary>BRK0014: AddConsumer&lt;TChannel, TConsumer&gt; pairs a channel with a consumer of its message type.</summary>
public sealed class ConsumerRegistrationTests
{
    private const string Declarations = """
        global using System.Threading;
        global using System.Threading.Tasks;
        global using Microsoft.Extensions.DependencyInjection;

        public sealed record Order(int Id);

        [Channel("user/registered")]
        public partial interface IRegistrationChannel : IQueueChannel<User>;

        [Channel("orders/created")]
        public partial interface IOrderChannel : IQueueChannel<Order>;

        public sealed class WelcomeMailer : IConsumer<User>
        {
            public ValueTask ConsumeAsync(QueueMessage<User> message, CancellationToken cancellationToken) => ValueTask.CompletedTask;
        }

        public sealed class Auditor
        {
            public ValueTask ConsumeAsync(QueueMessage<User> message, CancellationToken cancellationToken) => ValueTask.CompletedTask;
        }

        """;

    // The declarations are a file of their own, which can start with the usings every test needs.
    private static string[] WithDeclarations(string source) => [Declarations, source];

    [Fact]
    public Task ConsumerOfAnotherMessageTypeIsReportedAtItsTypeArgument() => Verify.AnalyzerAsync(WithDeclarations("""
        public static class Setup
        {
            public static void Configure(IServiceCollection services) =>
                services.AddConsumer<IOrderChannel, {|#0:WelcomeMailer|}>();
        }
        """),
        Verify.Diagnostic(BrokerDiagnostics.ConsumerMessageTypeMismatch).WithLocation(0).WithMessage(
            "'WelcomeMailer' cannot consume 'IOrderChannel', whose message type is 'Order': it implements IConsumer<User> instead; " +
            "implement IConsumer<Order>, or register it for a channel of the type it consumes"));

    [Fact]
    public Task ClassThatIsNoConsumerAtAllIsReported() => Verify.AnalyzerAsync(WithDeclarations("""
        public static class Setup
        {
            public static void Configure(IServiceCollection services) =>
                services.AddConsumer<IRegistrationChannel, {|#0:Auditor|}>(o => o.MaxParallel = 2);
        }
        """),
        Verify.Diagnostic(BrokerDiagnostics.ConsumerMessageTypeMismatch).WithLocation(0)
            .WithArguments("Auditor", "IRegistrationChannel", "User", "implements no IConsumer<T>"));

    [Fact]
    public Task StaticCallFormIsReportedAtItsTypeArgumentToo() => Verify.AnalyzerAsync(WithDeclarations("""
        public static class Setup
        {
            public static void Configure(IServiceCollection services) =>
                BrokerServiceCollectionExtensions.AddConsumer<IOrderChannel, {|BRK0014:WelcomeMailer|}>(services);
        }
        """));

    [Fact]
    public Task ConsumerImplementingSeveralOtherTypesNamesThemAll() => Verify.AnalyzerAsync(WithDeclarations("""
        public sealed record Invoice(int Id);

        public sealed class Bookkeeper : IConsumer<User>, IConsumer<Invoice>
        {
            ValueTask IConsumer<User>.ConsumeAsync(QueueMessage<User> message, CancellationToken cancellationToken) => ValueTask.CompletedTask;
            ValueTask IConsumer<Invoice>.ConsumeAsync(QueueMessage<Invoice> message, CancellationToken cancellationToken) => ValueTask.CompletedTask;
        }

        public static class Setup
        {
            public static void Configure(IServiceCollection services) =>
                services.AddConsumer<IOrderChannel, {|#0:Bookkeeper|}>();
        }
        """),
        Verify.Diagnostic(BrokerDiagnostics.ConsumerMessageTypeMismatch).WithLocation(0)
            .WithArguments("Bookkeeper", "IOrderChannel", "Order", "implements IConsumer<User> and IConsumer<Invoice> instead"));

    [Fact]
    public Task ConsumerOfABaseTypeIsReportedBecauseIConsumerIsInvariant() => Verify.AnalyzerAsync(WithDeclarations("""
        public class Animal;
        public sealed class Cat : Animal;

        [Channel("animals/cats")]
        public partial interface ICatChannel : IQueueChannel<Cat>;

        public sealed class Vet : IConsumer<Animal>
        {
            public ValueTask ConsumeAsync(QueueMessage<Animal> message, CancellationToken cancellationToken) => ValueTask.CompletedTask;
        }

        public static class Setup
        {
            public static void Configure(IServiceCollection services) =>
                services.AddConsumer<ICatChannel, {|BRK0014:Vet|}>();
        }
        """));

    [Fact]
    public Task MatchingConsumersAreValidHoweverTheyImplementIConsumer() => Verify.AnalyzerAsync(WithDeclarations("""
        public abstract class UserConsumerBase : IConsumer<User>
        {
            public abstract ValueTask ConsumeAsync(QueueMessage<User> message, CancellationToken cancellationToken);
        }

        public sealed class InheritedMailer : UserConsumerBase
        {
            public override ValueTask ConsumeAsync(QueueMessage<User> message, CancellationToken cancellationToken) => ValueTask.CompletedTask;
        }

        public sealed class NullableMailer : IConsumer<User?>
        {
            public ValueTask ConsumeAsync(QueueMessage<User?> message, CancellationToken cancellationToken) => ValueTask.CompletedTask;
        }

        public interface IUserChannel : IQueueChannel<User>;

        [Channel("user/deleted")]
        public partial interface IDeletionChannel : IUserChannel;

        public static class Setup
        {
            public static void Configure(IServiceCollection services)
            {
                services.AddConsumer<IRegistrationChannel, WelcomeMailer>();
                services.AddConsumer<IRegistrationChannel, InheritedMailer>();
                services.AddConsumer<IRegistrationChannel, NullableMailer>();
                services.AddConsumer<IDeletionChannel, WelcomeMailer>();
            }
        }
        """));

    [Fact]
    public Task GenericCodeIsCheckedWhereItIsUsedNotWhereItIsWritten() => Verify.AnalyzerAsync(WithDeclarations("""
        public static class Setup
        {
            public static IServiceCollection AddPair<TChannel, TConsumer>(IServiceCollection services)
                where TChannel : class, IQueueChannel
                where TConsumer : class =>
                services.AddConsumer<TChannel, TConsumer>();
        }
        """));

    [Fact]
    public Task ChannelWithoutAMessageTypeIsLeftToTheDeclarationRules() => Verify.AnalyzerAsync(WithDeclarations("""
        [Channel("broken")]
        public partial interface {|BRK0002:IBrokenChannel|} : IQueueChannel;

        public static class Setup
        {
            public static void Configure(IServiceCollection services) =>
                services.AddConsumer<IBrokenChannel, WelcomeMailer>();
        }
        """));

    [Fact]
    public Task OtherMethodsNamedAddConsumerAreIgnored() => Verify.AnalyzerAsync(WithDeclarations("""
        public static class Registry
        {
            public static void AddConsumer<TChannel, TConsumer>() { }

            public static void Configure() => AddConsumer<IOrderChannel, WelcomeMailer>();
        }
        """));
}
