using System.Diagnostics.CodeAnalysis;

// These tests exercise AddBroker itself (its checks, its health check) and resolve no channel, so AddChannels() has
// nothing to do in them; BRK0019 keeps applying to every other test in the project.
[assembly: SuppressMessage("Broker.Usage", "BRK0019", Scope = "type", Target = "~T:Broker.Hosting.Tests.AddBrokerTests", Justification = "No channel is resolved: these tests check AddBroker itself.")]
[assembly: SuppressMessage("Broker.Usage", "BRK0019", Scope = "type", Target = "~T:Broker.Hosting.Tests.HealthCheckTests", Justification = "No channel is resolved: the health check needs only the transport.")]
