using System.Net;
using System.Net.Sockets;

namespace Agentic.Server;

/// <summary>
/// Refuses to start on a port another process listens on. Orleans opens its listeners with address reuse, which on
/// Linux lets a second process bind the same port and share its connections silently; a plain bind, without reuse,
/// fails while anyone listens there.
/// </summary>
public static class PortGuard
{
    public static void EnsureFree(int port, string setting)
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ExclusiveAddressUse = true };
        try
        {
            probe.Bind(new IPEndPoint(IPAddress.Any, port));
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
        {
            throw new InvalidOperationException($"port {port} ({setting}) is already in use by another process (another silo?): give each silo on this machine its own port");
        }
    }
}
