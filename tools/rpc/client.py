"""Loopback DCE/RPC client helpers (impacket), with a bindable source address.

impacket 0.10 quirks worked around here:
  * TCPTransport.connect() cannot choose the local address (on lo the kernel
    would pick 127.0.0.1); LoopbackTCPTransport binds the given 127.x source.
  * DCERPC_v5.send() needs the private __max_xmit_size that only bind() sets;
    for bind-less sessions we set it by hand.
  * TCPTransport.recv(count=N) loops forever when the peer closes; ours
    raises instead.
  * hept_map() returns only "ncacn_ip_tcp:HOST[PORT]" (the tower IP is
    dropped) and raises DCERPCException for EPT_S_NOT_REGISTERED.
"""
import re
import socket

from impacket.dcerpc.v5 import epm, transport
from impacket.dcerpc.v5.rpcrt import DCERPCException
from impacket.uuid import uuidtup_to_bin

from .common import SOCK_TIMEOUT, check_loopback


class LoopbackTCPTransport(transport.TCPTransport):
    def __init__(self, local_ip, remote_ip, port):
        transport.TCPTransport.__init__(self, check_loopback(remote_ip), port)
        self.local_ip = check_loopback(local_ip)
        self.set_connect_timeout(SOCK_TIMEOUT)

    def connect(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(SOCK_TIMEOUT)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            s.bind((self.local_ip, 0))
            s.connect((self.getRemoteHost(), self.get_dport()))
        except OSError as msg:
            s.close()
            raise DCERPCException("Could not connect: %s" % msg)
        self._TCPTransport__socket = s   # name-mangled attribute of the base
        return 1

    def recv(self, forceRecv=0, count=0):
        # impacket's TCPTransport.recv(count=N) spins forever on EOF.
        s = self.get_socket()
        if not count:
            data = s.recv(8192)
            if not data:
                raise DCERPCException("connection closed by peer")
            return data
        buf = b""
        while len(buf) < count:
            chunk = s.recv(count - len(buf))
            if not chunk:
                raise DCERPCException("connection closed by peer")
            buf += chunk
        return buf


def connect(local_ip, remote_ip, port):
    t = LoopbackTCPTransport(local_ip, remote_ip, port)
    dce = t.get_dce_rpc()
    dce.connect()
    return dce


def epm_lookup(local_ip, server_ip, iface):
    """ept_map over TCP 135 via impacket's hept_map.  Returns port or None."""
    dce = connect(local_ip, server_ip, 135)
    try:
        binding = epm.hept_map(server_ip, uuidtup_to_bin(iface),
                               protocol="ncacn_ip_tcp", dce=dce)
    except DCERPCException as exc:
        print("    ept_map %s on %s failed: %s" % (iface[0], server_ip, exc))
        return None
    finally:
        dce.disconnect()
    m = re.search(r"\[(\d+)\]", binding or "")
    port = int(m.group(1)) if m else None
    print("    ept_map %s on %s -> %s" % (iface[0], server_ip, binding))
    return port


def do_calls(dce, calls):
    out = []
    for opnum, stub in calls:
        dce.call(opnum, stub)
        out.append(dce.recv())
    return out


def rpc_session(local_ip, server_ip, port, iface, calls, bind=True):
    """connect, [bind], call each (opnum, stub), close."""
    dce = connect(local_ip, server_ip, port)
    try:
        if bind:
            dce.bind(uuidtup_to_bin(iface))
        else:
            dce._DCERPC_v5__max_xmit_size = 4280
        return do_calls(dce, calls)
    finally:
        dce.disconnect()


def try_connect(local_ip, server_ip, port):
    """A TCP connect expected to be refused (RST).  Returns True if refused."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(SOCK_TIMEOUT)
    try:
        s.bind((check_loopback(local_ip), 0))
        s.connect((check_loopback(server_ip), port))
    except ConnectionRefusedError:
        return True
    finally:
        s.close()
    return False
