using Broker.Conformance;

namespace Broker.Engine.Tests.Conformance;

public sealed class InMemoryHealthConformance(InMemoryFixture fixture) : HealthConformance(fixture), IClassFixture<InMemoryFixture>;

public sealed class EmbeddedHealthConformance(EmbeddedFixture fixture) : HealthConformance(fixture), IClassFixture<EmbeddedFixture>;
