using Broker.Analyzers.Tests.Infrastructure;

namespace Broker.Analyzers.Tests;

/// <summary>
/// In the IDE a referenced project's types are source symbols whose files belong to another compilation: BRK0013 and
/// BRK0018 then carry no additional location (a diagnostic cannot point there, and this project's fix should not edit
/// another project), so they are reported as before and offer no fix.
/// </summary>
public sealed class ReferencedProjectFixSiteTests
{
    [Fact]
    public Task MemberOfAReferencedProjectsTypeGetsNoFixSite() => VerifyAsync("""
        public sealed class Order
        {
            public System.Collections.Immutable.ImmutableArray<string> Tags { get; set; }
        }
        """, """
        [Channel("orders")]
        public partial interface IOrderChannel : IQueueChannel<{|#0:Order|}>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.UnsupportedMessageType).WithLocation(0)
            .WithArguments("IOrderChannel", "Order.Tags", "System.Collections.Immutable.ImmutableArray<string>", "is a framework type Broker has no BSON mapping for"));

    [Fact]
    public Task BaseInAReferencedProjectGetsNoFixSite() => VerifyAsync("""
        public class Pet { public string Name { get; set; } = ""; }
        """, """
        public sealed class {|#0:Dog|} : Pet { public bool Barks { get; set; } }
        public sealed class Adoption { public Pet? Pet { get; set; } }

        [Channel("pets/adopted")]
        public partial interface IAdoptionChannel : IQueueChannel<Adoption>;
        """,
        Verify.Diagnostic(BrokerDiagnostics.UnknownSubtype).WithLocation(0).WithArguments("Dog", "Pet", "IAdoptionChannel"));

    private static Task VerifyAsync(string referenced, string source, params Microsoft.CodeAnalysis.Testing.DiagnosticResult[] expected)
    {
        var test = new BrokerAnalyzerTest { TestCode = BrokerAnalyzerTest.Preamble + source };
        test.TestState.AdditionalProjects["Messages"].Sources.Add(("Messages.cs", referenced));
        test.TestState.AdditionalProjects["Messages"].AdditionalReferences.AddRange(RuntimeReferences.All);
        test.TestState.AdditionalProjectReferences.Add("Messages");
        test.ExpectedDiagnostics.AddRange(expected);
        return test.RunAsync();
    }
}
