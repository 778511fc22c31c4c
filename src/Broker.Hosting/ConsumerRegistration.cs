namespace Broker.Hosting;

/// <summary>
/// One <c>AddConsumer</c> call, registered so that the check of Broker's configuration section knows which channels
/// this application consumes, however its channels were registered.
/// </summary>
internal sealed record ConsumerRegistration(string Channel, Type Consumer);
