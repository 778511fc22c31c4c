using Broker.Conformance;

namespace Broker.Server.Tests.Conformance;

public sealed class ServerHealthConformance(ServerConformanceFixture fixture) : HealthConformance(fixture), IClassFixture<ServerConformanceFixture>;
