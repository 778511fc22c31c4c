using System.Diagnostics.CodeAnalysis;

// The client's health tests resolve the transport and the health check, never a channel, so AddChannels() has nothing
// to do there; BRK0019 keeps applying to every other test in the project.
[assembly: SuppressMessage("Broker.Usage", "BRK0019", Scope = "type", Target = "~T:Broker.Server.Tests.Client.HealthTests", Justification = "No channel is resolved: the health check needs only the transport.")]
