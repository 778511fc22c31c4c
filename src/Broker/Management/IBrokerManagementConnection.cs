namespace Broker.Management;

/// <summary>
/// A management API with a lifetime of its own, opened for a tool rather than taken from an application's transport:
/// an embedded data directory opened by <c>EmbeddedManagement.OpenAsync</c>, or a connection to a server opened by
/// <c>ServerManagement.ConnectAsync</c>. Disposing it closes the directory or the connection.
/// </summary>
public interface IBrokerManagementConnection : IBrokerManagement, IAsyncDisposable
{
}
