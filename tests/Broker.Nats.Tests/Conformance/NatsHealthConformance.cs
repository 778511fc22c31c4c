using Broker.Conformance;
using Broker.Nats.Tests.Infrastructure;

namespace Broker.Nats.Tests.Conformance;

[RequiresNatsServer]
public sealed class NatsHealthConformance(NatsConformanceFixture fixture) : HealthConformance(fixture), IClassFixture<NatsConformanceFixture>;
