using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("Broker.Nats.Tests.Infrastructure.NatsTestFramework", "Broker.Nats.Tests")]

namespace Broker.Nats.Tests.Infrastructure;

/// <summary>Marks a test class whose tests (inherited ones included) need nats-server; see <see cref="NatsTestFramework"/>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresNatsServerAttribute : Attribute;

/// <summary>
/// xunit's framework, plus one rule: the tests of a <see cref="RequiresNatsServerAttribute"/> class are reported as
/// skipped, with the reason, when nats-server is missing and CI is not set. [NatsFact] does the same for tests written
/// here; this covers the conformance suite's inherited [Fact]s, whose attributes this project cannot change.
/// </summary>
public sealed class NatsTestFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkDiscoverer CreateDiscoverer(IAssemblyInfo assemblyInfo) =>
        new Discoverer(assemblyInfo, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Discoverer(IAssemblyInfo assemblyInfo, ISourceInformationProvider sourceProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkDiscoverer(assemblyInfo, sourceProvider, diagnosticMessageSink)
    {
        protected override bool FindTestsForMethod(ITestMethod testMethod, bool includeSourceInformation, IMessageBus messageBus, ITestFrameworkDiscoveryOptions discoveryOptions)
        {
            if (NatsServerBinary.SkipReason is { } reason &&
                testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresNatsServerAttribute)).Any() &&
                testMethod.Method.GetCustomAttributes(typeof(FactAttribute)).Any())
            {
                var skipped = new XunitSkippedDataRowTestCase(
                    DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, reason);
                return ReportDiscoveredTestCase(skipped, includeSourceInformation, messageBus);
            }
            return base.FindTestsForMethod(testMethod, includeSourceInformation, messageBus, discoveryOptions);
        }
    }
}
