using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Broker.Server.Tests.Infrastructure;

/// <summary>
/// A TCP proxy between a client and the server that can lose the server's replies and cut every connection, to
/// test what the client adapter does when a connection dies at the worst moment.
/// </summary>
public sealed class ChaosProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentDictionary<Socket, byte> _sockets = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly int _targetPort;
    private readonly Task _accepting;
    private volatile bool _dropReplies;

    public ChaosProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _accepting = Task.Run(AcceptAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public string Address => $"127.0.0.1:{Port}";

    /// <summary>While true, whatever the server sends is thrown away: requests arrive and are handled, their replies are lost.</summary>
    public bool DropReplies
    {
        get => _dropReplies;
        set => _dropReplies = value;
    }

    /// <summary>Cuts every proxied connection, on both sides.</summary>
    public void CutAll()
    {
        foreach (var socket in _sockets.Keys)
        {
            try
            {
                socket.Close(0);
            }
            catch (SocketException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        CutAll();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }
            var server = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            client.NoDelay = true;
            try
            {
                await server.ConnectAsync(IPAddress.Loopback, _targetPort);
            }
            catch (SocketException)
            {
                client.Close(0);
                server.Dispose();
                continue;
            }
            _sockets[client] = 0;
            _sockets[server] = 0;
            _ = PumpAsync(client, server, replies: false);
            _ = PumpAsync(server, client, replies: true);
        }
    }

    private async Task PumpAsync(Socket from, Socket to, bool replies)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0) break;
                if (replies && _dropReplies) continue;
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            _sockets.TryRemove(from, out _);
            _sockets.TryRemove(to, out _);
            from.Close(0);
            to.Close(0);
        }
    }
}
