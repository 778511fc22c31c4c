using Broker.Analyzers.Tests.Infrastructure;

namespace Broker.Analyzers.Tests;

/// <summary>
/// BRK0005's fix widens the channel interface and its containing types just enough for the generated code to reach
/// them, and offers nothing for a file-local interface.
/// </summary>
public sealed class AccessibilityCodeFixTests
{
    [Fact]
    public Task PrivateInterfaceBecomesInternal() => Verify.CodeFixAsync("""
        public static partial class Channels
        {
            [Channel("user/registered")]
            private partial interface {|BRK0005:IRegistrationChannel|} : IQueueChannel<User>;
        }
        """, """
        public static partial class Channels
        {
            [Channel("user/registered")]
            internal partial interface IRegistrationChannel : IQueueChannel<User>;
        }
        """);

    [Fact]
    public Task ProtectedContainerBecomesProtectedInternalAndAnUnstatedPrivateOneInternal() => Verify.CodeFixAsync("""
        public partial class Outer
        {
            protected static partial class Channels
            {
                partial class Inner
                {
                    [Channel("user/registered")]
                    public partial interface {|BRK0005:IRegistrationChannel|} : IQueueChannel<User>;
                }
            }
        }
        """, """
        public partial class Outer
        {
            protected internal static partial class Channels
            {
                internal partial class Inner
                {
                    [Channel("user/registered")]
                    public partial interface IRegistrationChannel : IQueueChannel<User>;
                }
            }
        }
        """);

    [Fact]
    public Task EveryPartThatStatesTheAccessibilityChanges() => Verify.CodeFixAsync("""
        public partial class Outer
        {
            private protected static partial class Channels
            {
                [Channel("user/registered")]
                public partial interface {|BRK0005:IRegistrationChannel|} : IQueueChannel<User>;
            }

            private protected static partial class Channels
            {
            }
        }
        """, """
        public partial class Outer
        {
            internal static partial class Channels
            {
                [Channel("user/registered")]
                public partial interface IRegistrationChannel : IQueueChannel<User>;
            }

            internal static partial class Channels
            {
            }
        }
        """);

    [Fact]
    public Task FileLocalInterfaceOffersNoFix() => Verify.CodeFixAsync("""
        [Channel("user/registered")]
        file partial interface {|BRK0005:IRegistrationChannel|} : IQueueChannel<User>;
        """, """
        [Channel("user/registered")]
        file partial interface {|BRK0005:IRegistrationChannel|} : IQueueChannel<User>;
        """);
}
