using System.Net.Sockets;
using Broker.Client;
using Broker.Management;

namespace Broker.Cli.Tests.Unit;

public sealed class ExitCodeMappingTests
{
    [Fact]
    public void EachKindOfFailureHasItsCode()
    {
        Assert.Equal(ExitCodes.NotFound, ExitCodeMapping.For(new CliException(ExitCodes.NotFound, "gone")).ExitCode);
        Assert.Equal(ExitCodes.ReadOnly, ExitCodeMapping.For(new ManagementReadOnlyException("held by pid 7")).ExitCode);
        Assert.Equal(ExitCodes.CannotConnect, ExitCodeMapping.For(new ServerConnectionException("lost")).ExitCode);
        Assert.Equal(ExitCodes.CannotConnect, ExitCodeMapping.For(new SocketException()).ExitCode);
        Assert.Equal(ExitCodes.Interrupted, ExitCodeMapping.For(new OperationCanceledException()).ExitCode);
        Assert.Equal(ExitCodes.Usage, ExitCodeMapping.For(new ArgumentException("bad channel name", "channel")).ExitCode);
        Assert.Equal(ExitCodes.Failure, ExitCodeMapping.For(new BrokerServerException("Internal", "boom")).ExitCode);
        Assert.Equal(ExitCodes.Failure, ExitCodeMapping.For(new InvalidOperationException("bug")).ExitCode);
        // An assembly that fails to load is an IOException, and not a broker that cannot be reached.
        Assert.Equal(ExitCodes.Failure, ExitCodeMapping.For(new FileNotFoundException("Could not load file or assembly 'X'")).ExitCode);
    }

    [Fact]
    public void MessagesAreThePersonsNotTheLibrarys()
    {
        Assert.Equal("held by pid 7", ExitCodeMapping.For(new ManagementReadOnlyException("held by pid 7")).Message);
        Assert.Equal("bad channel name", ExitCodeMapping.For(new ArgumentException("bad channel name", "channel")).Message);
        Assert.Contains("--token", ExitCodeMapping.For(new ServerConnectionException("Check ServerClientOptions.Token, or User and Password, against the server's --token or --user.")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheCodesAreDistinct()
    {
        int[] codes = [ExitCodes.Success, ExitCodes.Failure, ExitCodes.Usage, ExitCodes.NotFound, ExitCodes.ReadOnly, ExitCodes.CannotConnect, ExitCodes.NotConfirmed, ExitCodes.Interrupted];

        Assert.Equal(codes.Length, codes.Distinct().Count());
    }
}
