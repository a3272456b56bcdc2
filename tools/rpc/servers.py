"""Minimal, bounded DCE/RPC servers built on impacket's DCERPCServer.

impacket 0.10 DCERPCServer quirks worked around here:
  * __init__ binds a socket to 127.0.0.1:0 and the listen address is fixed;
    we close that socket and bind our own (given 127.x address, SO_REUSEADDR,
    listening immediately so clients never race the thread start).
  * run() loops forever with blocking sockets; ours uses timeouts, a stop
    event and a maximum lifetime, so servers stop by themselves.
  * processRequest() builds the response header by re-parsing the *request*
    bytes (alloc_hint and the opnum bytes leak into alloc_hint/cancel_count);
    ours builds a clean response PDU (alloc_hint = stub length, cancel 0).
  * _boundUUID survives across connections; we reset it per connection, and
    optionally allow requests without a bind (default interface).
"""
import logging
import socket
import struct
import threading
import time

from impacket.dcerpc.v5 import epm
from impacket.dcerpc.v5.rpcrt import (
    DCERPCServer, MSRPCHeader, MSRPCBind, MSRPCRequestHeader, MSRPCRespHeader,
    MSRPC_BIND, MSRPC_REQUEST, MSRPC_RESPONSE, MSRPC_FAULT, PFC_FIRST_FRAG,
    PFC_LAST_FRAG)
from impacket.uuid import uuidtup_to_bin, bin_to_uuidtup, string_to_bin

from .common import (EPM_UUID, NDR_SYNTAX, EPT_S_NOT_REGISTERED, SOCK_TIMEOUT,
                     SERVER_MAX_LIFETIME, check_loopback)

LOG = logging.getLogger("rpcsrv")


class BoundedDCERPCServer(DCERPCServer):
    """DCERPCServer listening on (addr, port), serving one connection at a time."""

    def __init__(self, addr, port, name="rpc", allow_unbound_uuid=None,
                 max_lifetime=SERVER_MAX_LIFETIME):
        DCERPCServer.__init__(self)
        self.daemon = True
        self.name = name
        # Drop the socket impacket bound to 127.0.0.1:0 in its __init__.
        try:
            self._sock.close()
        except OSError:
            pass
        self._listenAddress = check_loopback(addr)
        self._listenPort = port
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((addr, port))
        self._sock.listen(5)
        self._sock.settimeout(0.2)
        self._stop_ev = threading.Event()
        self._deadline = time.monotonic() + max_lifetime
        self._default_uuid = (uuidtup_to_bin(allow_unbound_uuid)
                              if allow_unbound_uuid else b"")
        self.connections = 0

    # -- lifecycle ---------------------------------------------------------
    def stop(self, timeout=5.0):
        self._stop_ev.set()
        if self.is_alive():
            self.join(timeout)
        try:
            self._sock.close()
        except OSError:
            pass

    def run(self):
        try:
            while not self._stop_ev.is_set() and time.monotonic() < self._deadline:
                try:
                    conn, peer = self._sock.accept()
                except socket.timeout:
                    continue
                except OSError:
                    break
                self.connections += 1
                self._serve(conn, peer)
        finally:
            try:
                self._sock.close()
            except OSError:
                pass

    def _serve(self, conn, peer):
        conn.settimeout(2 * SOCK_TIMEOUT)
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._clientSock = conn
        self._boundUUID = self._default_uuid
        try:
            while not self._stop_ev.is_set():
                data = self.recv()
                if data is None:
                    break
                answer = self.processRequest(data)
                if answer is not None:
                    self.send(answer)
        except Exception as exc:  # noqa: BLE001 - log and drop the connection
            LOG.debug("%s: connection from %s ended: %r", self.name, peer, exc)
        finally:
            try:
                conn.close()
            except OSError:
                pass
            self._clientSock = None

    # -- PDU handling --------------------------------------------------------
    def processRequest(self, data):
        packet = MSRPCHeader(data)
        if packet["type"] == MSRPC_BIND:
            self.bind(packet, MSRPCBind(packet["pduData"]))
            return None
        if packet["type"] != MSRPC_REQUEST:
            return None
        request = MSRPCRequestHeader(data)
        response = MSRPCRespHeader()
        response["type"] = MSRPC_RESPONSE
        response["flags"] = PFC_FIRST_FRAG | PFC_LAST_FRAG
        response["call_id"] = request["call_id"]
        response["ctx_id"] = request["ctx_id"]
        iface = self._listenUUIDS.get(self._boundUUID)
        callbacks = iface["CallBacks"] if iface else {}
        if request["op_num"] in callbacks:
            stub = callbacks[request["op_num"]](request["pduData"])
        else:
            LOG.info("%s: unsupported opnum %d -> fault", self.name, request["op_num"])
            response["type"] = MSRPC_FAULT
            stub = struct.pack("<L", 0x000006E4)   # nca_s_op_rng_error-ish
        response["pduData"] = stub
        response["alloc_hint"] = len(stub)
        return response


class StubRpcServer(BoundedDCERPCServer):
    """An 'MTA' style server: answers the given opnums with a fixed stub."""

    def __init__(self, addr, port, interfaces, name="mta", allow_unbound=True):
        """interfaces: list of (uuidtup, {opnum: reply_bytes})."""
        default = interfaces[0][0] if allow_unbound else None
        BoundedDCERPCServer.__init__(self, addr, port, name=name,
                                     allow_unbound_uuid=default)
        for uuidtup, replies in interfaces:
            cbs = {op: (lambda stub, r=reply: r) for op, reply in replies.items()}
            # secondary address in bind_ack = the port as a string (like Windows)
            self.addCallbacks(uuidtup, str(port), cbs)


def build_tower(iface_uuidtup, port, ip):
    """5-floor ncacn_ip_tcp tower: iface, NDR, RPC CO (0x0b), TCP port, IPv4."""
    itf = epm.EPMRPCInterface()
    itf["InterfaceUUID"] = string_to_bin(iface_uuidtup[0])
    major, minor = (int(x) for x in iface_uuidtup[1].split("."))
    itf["MajorVersion"] = major
    itf["MinorVersion"] = minor
    drep = epm.EPMRPCDataRepresentation()
    drep["DataRepUuid"] = string_to_bin(NDR_SYNTAX[0])
    drep["MajorVersion"] = 2
    drep["MinorVersion"] = 0
    prot = epm.EPMProtocolIdentifier()
    prot["ProtIdentifier"] = epm.FLOOR_RPCV5_IDENTIFIER
    porta = epm.EPMPortAddr()
    porta["IpPort"] = port
    host = epm.EPMHostAddr()
    host["Ip4addr"] = socket.inet_aton(ip)
    tower = epm.EPMTower()
    tower["NumberOfFloors"] = 5
    tower["Floors"] = (itf.getData() + drep.getData() + prot.getData()
                       + porta.getData() + host.getData())
    return tower.getData()


class EpmServer(BoundedDCERPCServer):
    """Endpoint mapper on TCP 135 answering ept_map (opnum 3) from a registry.

    registry: dict {(uuid_lower, major_version): [(port, ip_string), ...]}.
    ip_string '0.0.0.0' means "the address you asked".  The dict may be
    mutated between lookups (e.g. to simulate an MTA restart).
    """

    def __init__(self, addr, registry, port=135, name="epm"):
        BoundedDCERPCServer.__init__(self, addr, port, name=name)
        self.registry = registry
        self.lookups = []
        self.addCallbacks(EPM_UUID, str(port), {3: self.ept_map})

    def ept_map(self, stub):
        req = epm.ept_map(stub)
        tower = epm.EPMTower(b"".join(req["map_tower"]["tower_octet_string"]))
        itf = tower["Floors"][0]
        uuid_str = bin_to_uuidtup(itf["InterfaceUUID"] + b"\x00" * 4)[0].lower()
        key = (uuid_str, itf["MajorVersion"])
        max_towers = req["max_towers"]
        entries = list(self.registry.get(key, []))[:max_towers]
        self.lookups.append((key, entries))
        resp = epm.ept_mapResponse()
        # entry_handle: impacket default is an all-zero context handle
        resp["num_towers"] = len(entries)
        for port, ip in entries:
            data = build_tower((uuid_str, "%d.%d" % (itf["MajorVersion"],
                                                     itf["MinorVersion"])), port, ip)
            tw = epm.twr_p_t()
            tw["tower_length"] = len(data)
            tw["tower_octet_string"] = data
            resp["ITowers"].append(tw)
        resp["status"] = 0 if entries else EPT_S_NOT_REGISTERED
        out = resp.getData()
        # impacket encodes the conformant-varying array's max_count as the
        # number of elements; Windows puts max_towers there.  Patch it.
        # Layout: handle(20) num_towers(4) max_count(4) offset(4) actual(4)
        out = out[:24] + struct.pack("<L", max_towers) + out[28:]
        return out
