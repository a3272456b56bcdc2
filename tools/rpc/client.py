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
  * hept_map() binds on every call and asks for one tower; epm_connection()
    binds once (NDR or NDR64) and sends several ept_map calls with any
    max_towers, as a long-lived client connection to 135 does.
"""
import re
import socket

from impacket.dcerpc.v5 import epm, transport, dcomrt
from impacket.dcerpc.v5.rpcrt import DCERPCException
from impacket.uuid import uuidtup_to_bin, string_to_bin

from .common import SOCK_TIMEOUT, NDR_SYNTAX, NDR64_SYNTAX, check_loopback
from .servers import build_tower


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


def _map_request(iface, max_towers):
    """An ept_map request for iface over ncacn_ip_tcp, as hept_map builds it:
    the map tower asks for any port at 0.0.0.0."""
    tower = build_tower(iface, 0, "0.0.0.0")
    request = epm.ept_map()
    request["max_towers"] = max_towers
    request["map_tower"]["tower_length"] = len(tower)
    request["map_tower"]["tower_octet_string"] = tower
    request.fields["obj"].fields["ReferentID"] = 1
    request.fields["map_tower"].fields["ReferentID"] = 2
    return request


def _towers_of(resp):
    out = []
    for tw in resp["ITowers"]:
        tower = epm.EPMTower(b"".join(tw["Data"]["tower_octet_string"]))
        port = epm.EPMPortAddr(tower["Floors"][3].getData())["IpPort"]
        ip = socket.inet_ntoa(epm.EPMHostAddr(tower["Floors"][4].getData())["Ip4addr"])
        out.append((port, ip))
    return out


def epm_connection(local_ip, server_ip, lookups, ndr64=False):
    """One connection to TCP 135, one bind (NDR or NDR64), then one ept_map
    call per (iface, max_towers) in lookups.  Returns, per lookup, the list of
    (port, tower ip) answered, or the error status."""
    dce = connect(local_ip, server_ip, 135)
    results = []
    try:
        dce.bind(epm.MSRPC_UUID_PORTMAP,
                 transfer_syntax=NDR64_SYNTAX if ndr64 else NDR_SYNTAX)
        for iface, max_towers in lookups:
            try:
                resp = dce.request(_map_request(iface, max_towers))
            except DCERPCException as exc:
                code = exc.get_error_code()
                print("    ept_map %s on %s failed: 0x%08x" % (iface[0], server_ip, code))
                results.append(code)
                continue
            towers = _towers_of(resp)
            print("    ept_map %s on %s -> %s" % (iface[0], server_ip, towers))
            results.append(towers)
    finally:
        dce.disconnect()
    return results


def dcom_remote_get_class_object(local_ip, server_ip, clsid):
    """IRemoteSCMActivator::RemoteGetClassObject (opnum 3) on TCP 135 with
    impacket's DCOM client (it binds itself).  Returns the HRESULT."""
    dce = connect(local_ip, server_ip, 135)
    try:
        dcomrt.IRemoteSCMActivator(dce).RemoteGetClassObject(
            string_to_bin(clsid), dcomrt.IID_IClassFactory)
    except DCERPCException as exc:
        print("    RemoteGetClassObject %s on %s: 0x%08x" % (clsid, server_ip, exc.get_error_code()))
        return exc.get_error_code()
    finally:
        dce.disconnect()
    return 0


def dcom_server_alive(local_ip, server_ip):
    """IObjectExporter::ServerAlive (opnum 3, empty stub) with impacket's DCOM
    client, which connects and binds itself."""
    t = LoopbackTCPTransport(local_ip, server_ip, 135)
    dce = t.get_dce_rpc()
    try:
        dcomrt.IObjectExporter(dce).ServerAlive()
    finally:
        dce.disconnect()
    print("    ServerAlive on %s: ok" % server_ip)
