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
  * bind() accepts only the NDR transfer syntax; ours also accepts NDR64 and
    remembers per connection which one was bound (self.ndr64).
"""
import logging
import socket
import struct
import threading
import time

from impacket.dcerpc.v5 import epm
from impacket.dcerpc.v5.rpcrt import (
    DCERPCServer, MSRPCHeader, MSRPCBind, MSRPCBindAck, MSRPCRequestHeader,
    MSRPCRespHeader, CtxItem, CtxItemResult, MSRPC_BIND, MSRPC_BINDACK,
    MSRPC_REQUEST, MSRPC_RESPONSE, MSRPC_FAULT, MSRPC_CONT_RESULT_ACCEPT,
    MSRPC_CONT_RESULT_USER_REJECT, PFC_FIRST_FRAG, PFC_LAST_FRAG)
from impacket.uuid import uuidtup_to_bin, bin_to_uuidtup, string_to_bin

from .common import (EPM_UUID, NDR_SYNTAX, NDR64_SYNTAX, EPT_S_NOT_REGISTERED,
                     SCM_ACTIVATOR_UUID, OBJECT_EXPORTER_UUID, REGDB_E_CLASSNOTREG,
                     SOCK_TIMEOUT, SERVER_MAX_LIFETIME, check_loopback)

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
        self.ndr64 = False

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
        self.ndr64 = False
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
    def bind(self, packet, bind):
        """impacket's bind, accepting NDR64 as well as NDR (per context)."""
        syntaxes = {uuidtup_to_bin(NDR_SYNTAX): False, uuidtup_to_bin(NDR64_SYNTAX): True}
        resp = MSRPCBindAck()
        resp["type"] = MSRPC_BINDACK
        resp["flags"] = packet["flags"]
        resp["frag_len"] = 0
        resp["auth_len"] = 0
        resp["auth_data"] = b""
        resp["call_id"] = packet["call_id"]
        resp["max_tfrag"] = bind["max_tfrag"]
        resp["max_rfrag"] = bind["max_rfrag"]
        resp["assoc_group"] = 0x1234
        resp["ctx_num"] = 0
        resp["SecondaryAddrLen"] = 0
        data = bind["ctx_items"]
        ctx_items = b""
        for _ in range(bind["ctx_num"]):
            item = CtxItem(data)
            data = data[len(item):]
            result, reason = MSRPC_CONT_RESULT_USER_REJECT, 2   # transfer syntax not supported
            if item["TransferSyntax"] in syntaxes:
                reason = 1                                      # abstract syntax not supported
                if item["AbstractSyntax"] in self._listenUUIDS:
                    resp["SecondaryAddr"] = self._listenUUIDS[item["AbstractSyntax"]]["SecondaryAddr"]
                    resp["SecondaryAddrLen"] = len(resp["SecondaryAddr"]) + 1
                    result, reason = MSRPC_CONT_RESULT_ACCEPT, 0
                    self._boundUUID = item["AbstractSyntax"]
                    self.ndr64 = syntaxes[item["TransferSyntax"]]
            resp["ctx_num"] += 1
            res = CtxItemResult()
            res["Result"] = result
            res["Reason"] = reason
            res["TransferSyntax"] = item["TransferSyntax"] if reason == 0 else uuidtup_to_bin(NDR_SYNTAX)
            ctx_items += res.getData()
        resp["Pad"] = "A" * ((4 - ((resp["SecondaryAddrLen"] + MSRPCBindAck._SIZE) % 4)) % 4)
        resp["ctx_items"] = ctx_items
        resp["frag_len"] = len(resp.getData())
        self._clientSock.send(resp.getData())
        return None

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

    def __init__(self, addr, registry, port=135, name="epm", dcom=False,
                 allow_unbound=False):
        """dcom: also serve the DCOM activation interfaces that share TCP 135
        (IRemoteSCMActivator opnum 3 RemoteGetClassObject, IObjectExporter
        opnum 3 ServerAlive): their opnum 3 is not ept_map."""
        BoundedDCERPCServer.__init__(self, addr, port, name=name,
                                     allow_unbound_uuid=EPM_UUID if allow_unbound else None)
        self.registry = registry
        self.lookups = []
        self.addCallbacks(EPM_UUID, str(port), {3: self.ept_map})
        if dcom:
            self.addCallbacks(SCM_ACTIVATOR_UUID, str(port), {3: self.remote_get_class_object})
            self.addCallbacks(OBJECT_EXPORTER_UUID, str(port), {3: self.server_alive})

    def remote_get_class_object(self, stub):
        """The answer of an SCM that does not know the class: ORPCTHAT
        (flags 0, no extensions), ppActProperties NULL, REGDB_E_CLASSNOTREG."""
        if self.ndr64:
            return struct.pack("<LLQQL", 0, 0, 0, 0, REGDB_E_CLASSNOTREG)
        return struct.pack("<LLLL", 0, 0, 0, REGDB_E_CLASSNOTREG)

    def server_alive(self, stub):
        return struct.pack("<L", 0)

    def ept_map(self, stub):
        req = epm.ept_map(stub, isNDR64=self.ndr64)
        tower = epm.EPMTower(b"".join(req["map_tower"]["tower_octet_string"]))
        itf = tower["Floors"][0]
        uuid_str = bin_to_uuidtup(itf["InterfaceUUID"] + b"\x00" * 4)[0].lower()
        key = (uuid_str, itf["MajorVersion"])
        max_towers = req["max_towers"]
        entries = list(self.registry.get(key, []))[:max_towers]
        self.lookups.append((key, entries))
        resp = epm.ept_mapResponse(isNDR64=self.ndr64)
        # entry_handle: impacket default is an all-zero context handle
        resp["num_towers"] = len(entries)
        for port, ip in entries:
            data = build_tower((uuid_str, "%d.%d" % (itf["MajorVersion"],
                                                     itf["MinorVersion"])), port, ip)
            tw = epm.twr_p_t(isNDR64=self.ndr64)
            tw["tower_length"] = len(data)
            tw["tower_octet_string"] = data
            resp["ITowers"].append(tw)
        resp["status"] = 0 if entries else EPT_S_NOT_REGISTERED
        out = resp.getData()
        # impacket encodes the conformant-varying array's max_count as the
        # number of elements; Windows puts max_towers there.  Patch it.
        # Layout: handle(20) num_towers(4) max_count offset actual (4 bytes
        # each in NDR, 8 in NDR64, where 24 is already 8-aligned)
        if self.ndr64:
            out = out[:24] + struct.pack("<Q", max_towers) + out[32:]
        else:
            out = out[:24] + struct.pack("<L", max_towers) + out[28:]
        return out
