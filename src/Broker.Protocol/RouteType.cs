namespace Broker.Protocol;

/// <summary>Who started an exchange. Deepkit's route types 2 and 3 (peer routing) are not used by queues and are refused.</summary>
public enum RouteType : byte
{
    /// <summary>Client-initiated: requests and their replies (which reuse the request's id), and chunks.</summary>
    Client = 0,

    /// <summary>Server-initiated: pushes (deliveries). Their frame id is 0 and ignored.</summary>
    Server = 1,
}
