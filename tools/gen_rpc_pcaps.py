#!/usr/bin/python3
"""Generate the DCE/RPC endpoint-mapper sample captures in sample-pcaps/.

Run as root (TCP 135 + dumpcap on lo) with Debian's python3-impacket:

    sudo /usr/bin/python3 tools/gen_rpc_pcaps.py [--out sample-pcaps] [SCENARIO ...]

Everything runs on loopback with distinct 127.10.0.x addresses as hosts:
an impacket DCERPCServer based endpoint mapper (ept_map, opnum 3) on TCP 135,
small stub "MTA" RPC servers on dynamic ports, and an impacket client doing
hept_map + connect/bind/calls.  Each scenario is captured with
`dumpcap -i lo -f "host A or host B ..."`, stopped with SIGINT, and converted
with `editcap -F pcap`.  Servers are threads with socket timeouts and a
maximum lifetime; dumpcap has an autostop duration; nothing outlives the run.
Scenarios in CUT_BINDS also get a "<name>-nobind.pcap": the same capture
with the bind and bind_ack frames on TCP 135 deleted by editcap, as when the
capture starts after the client's connection to the endpoint mapper was set up.
See sample-pcaps/README-rpc.md for what each capture contains.
"""
import argparse
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from rpc.common import (MTA_UUID, QADMIN_UUID, GENERIC_UUID,  # noqa: E402
                        EPT_S_NOT_REGISTERED, REGDB_E_CLASSNOTREG, check_loopback)
from rpc.servers import EpmServer, StubRpcServer  # noqa: E402
from rpc import client  # noqa: E402

C1 = "127.10.0.1"   # client MTA
S2 = "127.10.0.2"   # server MTA host
S3 = "127.10.0.3"   # another server
C4 = "127.10.0.4"   # another client host
S5 = "127.10.0.5"   # a host never looked up via EPM
S6 = "127.10.0.6"   # EPM answers a port where nothing listens

# Small stubs.  Requests: a few bytes; replies: a few bytes + status 0.
REQ0 = b"\x01\x00\x00\x00EXMTA\x00\x00\x00"
REQ1 = b"\x02\x00\x00\x00\x10\x00\x00\x00"
MTA_REPLIES = {0: b"\x00\x00\x01\x00MTA0\x00\x00\x00\x00",
               1: b"\x00\x00\x02\x00\x00\x00\x00\x00"}
QADMIN_REPLIES = {0: b"QADM\x00\x00\x00\x00", 1: b"\x05\x00\x00\x00\x00\x00\x00\x00"}
GENERIC_REPLIES = {0: b"GEN0\x00\x00\x00\x00", 1: b"GEN1\x00\x00\x00\x00"}
CALLS = [(0, REQ0), (1, REQ1)]

SCENARIO_TIMEOUT = 60.0
PAUSE = 0.3   # between steps, so the capture reads in order


def key(uuidtup):
    return (uuidtup[0].lower(), int(uuidtup[1].split(".")[0]))


def step(msg):
    print("  - " + msg, flush=True)
    time.sleep(PAUSE)


class Servers:
    """Starts servers, and stops all of them whatever happens."""

    def __init__(self):
        self.all = []

    def add(self, srv):
        self.all.append(srv)
        srv.start()
        return srv

    def stop_all(self):
        for srv in self.all:
            srv.stop()
        for srv in self.all:
            if srv.is_alive():
                raise RuntimeError("server %s did not stop" % srv.name)


# ---------------------------------------------------------------- scenarios
def sc_lookup_bind(srv):
    """EPM answers MTA -> 0.0.0.0:1032; bind + 2 calls on 1032."""
    srv.add(EpmServer(S2, {key(MTA_UUID): [(1032, "0.0.0.0")]}))
    srv.add(StubRpcServer(S2, 1032, [(MTA_UUID, MTA_REPLIES)]))
    step("ept_map MTA on %s" % S2)
    port = client.epm_lookup(C1, S2, MTA_UUID)
    assert port == 1032, port
    step("session bind + 2 calls on %s:%d" % (S2, port))
    client.rpc_session(C1, S2, port, MTA_UUID, CALLS, bind=True)


def sc_lookup_nobind(srv):
    """Same as lookup_bind, but the 1032 session sends requests without bind."""
    srv.add(EpmServer(S2, {key(MTA_UUID): [(1032, "0.0.0.0")]}))
    srv.add(StubRpcServer(S2, 1032, [(MTA_UUID, MTA_REPLIES)], allow_unbound=True))
    step("ept_map MTA on %s" % S2)
    port = client.epm_lookup(C1, S2, MTA_UUID)
    assert port == 1032, port
    step("session WITHOUT bind, 2 calls on %s:%d" % (S2, port))
    client.rpc_session(C1, S2, port, MTA_UUID, CALLS, bind=False)


def sc_lookup_failed(srv):
    """EPM has nothing registered: 0 towers, EPT_S_NOT_REGISTERED."""
    srv.add(EpmServer(S2, {}))
    step("ept_map MTA on %s (not registered)" % S2)
    port = client.epm_lookup(C1, S2, MTA_UUID)
    assert port is None, port


def sc_static_port(srv):
    """No EPM: bind + 2 calls on fixed port 5001."""
    srv.add(StubRpcServer(S2, 5001, [(MTA_UUID, MTA_REPLIES)]))
    step("session bind + 2 calls on %s:5001 (static port, no EPM)" % S2)
    client.rpc_session(C1, S2, 5001, MTA_UUID, CALLS, bind=True)


def sc_multi(srv):
    srv.add(EpmServer(S2, {key(MTA_UUID): [(1032, S2)],
                           key(QADMIN_UUID): [(1033, S2)]}, name="epm2"))
    srv.add(EpmServer(S3, {key(MTA_UUID): [(1045, "0.0.0.0")],
                           key(GENERIC_UUID): [(1050, "0.0.0.0")]}, name="epm3"))
    srv.add(EpmServer(S6, {key(MTA_UUID): [(1040, "0.0.0.0")]}, name="epm6"))
    srv.add(StubRpcServer(S2, 1032, [(MTA_UUID, MTA_REPLIES)], name="mta2"))
    srv.add(StubRpcServer(S2, 1033, [(QADMIN_UUID, QADMIN_REPLIES)], name="qadmin2"))
    srv.add(StubRpcServer(S3, 1045, [(MTA_UUID, MTA_REPLIES)], name="mta3"))
    srv.add(StubRpcServer(S3, 1050, [(GENERIC_UUID, GENERIC_REPLIES)], name="gen3"))
    srv.add(StubRpcServer(S5, 1032, [(GENERIC_UUID, GENERIC_REPLIES)], name="gen5",
                          allow_unbound=True))

    step("EARLY session to %s:1032 opened BEFORE the lookup: bind + call 0" % S2)
    early = client.connect(C1, S2, 1032)
    early.bind(client.uuidtup_to_bin(MTA_UUID))
    client.do_calls(early, [(0, REQ0)])
    step("ept_map MTA on %s" % S2)
    assert client.epm_lookup(C1, S2, MTA_UUID) == 1032
    step("EARLY session continues after the lookup: call 1, close")
    client.do_calls(early, [(1, REQ1)])
    early.disconnect()

    step("learned session %s:1032 bind MTA + 2 calls" % S2)
    client.rpc_session(C1, S2, 1032, MTA_UUID, CALLS)
    step("ept_map QAdmin on %s" % S2)
    assert client.epm_lookup(C1, S2, QADMIN_UUID) == 1033
    step("session %s:1033 bind QAdmin + 2 calls" % S2)
    client.rpc_session(C1, S2, 1033, QADMIN_UUID, CALLS)
    step("ept_map MTA on %s" % S3)
    assert client.epm_lookup(C1, S3, MTA_UUID) == 1045
    step("session %s:1045 bind MTA + 2 calls" % S3)
    client.rpc_session(C1, S3, 1045, MTA_UUID, CALLS)
    step("ept_map generic iface on %s" % S3)
    assert client.epm_lookup(C1, S3, GENERIC_UUID) == 1050
    step("session %s:1050 bind generic + 2 calls" % S3)
    client.rpc_session(C1, S3, 1050, GENERIC_UUID, CALLS)
    step("UNLEARNED: %s -> %s:1032 requests without bind (never looked up)" % (C4, S5))
    client.rpc_session(C4, S5, 1032, GENERIC_UUID, CALLS, bind=False)
    step("ept_map MTA on %s -> 1040 where nothing listens" % S6)
    assert client.epm_lookup(C1, S6, MTA_UUID) == 1040
    step("connect %s:1040 -> RST" % S6)
    assert client.try_connect(C1, S6, 1040)


def sc_port_change(srv):
    registry = {key(MTA_UUID): [(1032, S2)]}
    srv.add(EpmServer(S2, registry))
    mta_a = srv.add(StubRpcServer(S2, 1032, [(MTA_UUID, MTA_REPLIES)], name="mtaA"))
    step("ept_map MTA on %s (port A)" % S2)
    assert client.epm_lookup(C1, S2, MTA_UUID) == 1032
    step("session A %s:1032 bind + 2 calls" % S2)
    client.rpc_session(C1, S2, 1032, MTA_UUID, CALLS)
    step("MTA restarts: stop 1032, listen on 1034, re-register")
    mta_a.stop()
    srv.add(StubRpcServer(S2, 1034, [(MTA_UUID, MTA_REPLIES)], name="mtaB"))
    registry[key(MTA_UUID)] = [(1034, S2)]
    step("ept_map MTA on %s (port B)" % S2)
    assert client.epm_lookup(C1, S2, MTA_UUID) == 1034
    step("session B %s:1034 bind + 2 calls" % S2)
    client.rpc_session(C1, S2, 1034, MTA_UUID, CALLS)


def _reuse(srv, ndr64):
    """One client connection to 135 (one bind) carrying four ept_map calls:
    MTA (1 tower), QAdmin (2 towers), the generic interface (not registered),
    MTA again; then sessions to the MTA and QAdmin ports."""
    srv.add(EpmServer(S2, {key(MTA_UUID): [(1032, "0.0.0.0")],
                           key(QADMIN_UUID): [(1033, S2), (1033, S3)]}))
    srv.add(StubRpcServer(S2, 1032, [(MTA_UUID, MTA_REPLIES)], name="mta2"))
    srv.add(StubRpcServer(S2, 1033, [(QADMIN_UUID, QADMIN_REPLIES)], name="qadmin2"))
    step("one %s connection to %s:135, four ept_map calls" % ("NDR64" if ndr64 else "NDR", S2))
    got = client.epm_connection(C1, S2, [(MTA_UUID, 4), (QADMIN_UUID, 4),
                                         (GENERIC_UUID, 4), (MTA_UUID, 4)], ndr64=ndr64)
    assert got == [[(1032, "0.0.0.0")], [(1033, S2), (1033, S3)], EPT_S_NOT_REGISTERED,
                   [(1032, "0.0.0.0")]], got
    step("session %s:1032 bind MTA + 2 calls" % S2)
    client.rpc_session(C1, S2, 1032, MTA_UUID, CALLS)
    step("session %s:1033 bind QAdmin + 2 calls" % S2)
    client.rpc_session(C1, S2, 1033, QADMIN_UUID, CALLS)


def sc_reuse_ndr32(srv):
    _reuse(srv, False)


def sc_reuse_ndr64(srv):
    _reuse(srv, True)


# CLSID of a class the SCM does not know (random): REGDB_E_CLASSNOTREG
DCOM_CLSID = "5c3a1b2e-7d4f-4e6a-9b8c-1d2e3f405162"


def sc_dcom(srv):
    """DCOM activation calls with opnum 3 on 135 around one real ept_map."""
    srv.add(EpmServer(S2, {key(MTA_UUID): [(1032, "0.0.0.0")]}, dcom=True))
    srv.add(StubRpcServer(S2, 1032, [(MTA_UUID, MTA_REPLIES)], name="mta2"))
    step("IRemoteSCMActivator::RemoteGetClassObject (opnum 3) on %s:135" % S2)
    assert client.dcom_remote_get_class_object(C1, S2, DCOM_CLSID) == REGDB_E_CLASSNOTREG
    step("IObjectExporter::ServerAlive (opnum 3) on %s:135" % S2)
    client.dcom_server_alive(C1, S2)
    step("ept_map MTA on %s (one connection, one call)" % S2)
    assert client.epm_connection(C1, S2, [(MTA_UUID, 1)]) == [[(1032, "0.0.0.0")]]
    step("IRemoteSCMActivator::RemoteGetClassObject again")
    assert client.dcom_remote_get_class_object(C1, S2, DCOM_CLSID) == REGDB_E_CLASSNOTREG
    step("session %s:1032 bind MTA + 2 calls" % S2)
    client.rpc_session(C1, S2, 1032, MTA_UUID, CALLS)


SCENARIOS = {
    "rpc-epm-lookup-bind": (sc_lookup_bind, [C1, S2]),
    "rpc-epm-lookup-nobind": (sc_lookup_nobind, [C1, S2]),
    "rpc-epm-lookup-failed": (sc_lookup_failed, [C1, S2]),
    "rpc-static-port": (sc_static_port, [C1, S2]),
    "rpc-multi-endpoints": (sc_multi, [C1, S2, S3, C4, S5, S6]),
    "rpc-endpoint-port-change": (sc_port_change, [C1, S2]),
    "rpc-epm-reuse": (sc_reuse_ndr32, [C1, S2, S3]),
    "rpc-epm-reuse-ndr64": (sc_reuse_ndr64, [C1, S2, S3]),
    "rpc-dcom-activation": (sc_dcom, [C1, S2]),
}
CUT_BINDS = {"rpc-epm-reuse", "rpc-epm-reuse-ndr64", "rpc-dcom-activation"}


# ---------------------------------------------------------------- capture
def start_dumpcap(pcapng, hosts):
    filt = " or ".join("host %s" % check_loopback(h) for h in hosts)
    cmd = ["dumpcap", "-i", "lo", "-w", pcapng, "-f", filt,
           "-a", "duration:%d" % int(SCENARIO_TIMEOUT + 30)]
    print("  $ " + " ".join(cmd[:5]) + ' -f "%s" ' % filt + " ".join(cmd[7:]), flush=True)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    ready = threading.Event()
    lines = []

    def reader():
        for line in proc.stderr:
            lines.append(line)
            if "Capturing on" in line:
                ready.set()
        ready.set()

    threading.Thread(target=reader, daemon=True).start()
    if not ready.wait(10) or proc.poll() is not None:
        proc.kill()
        proc.wait(5)
        raise RuntimeError("dumpcap did not start: %s" % "".join(lines))
    time.sleep(1.0)   # let the BPF filter attach
    return proc, lines


def stop_dumpcap(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def run_scenario(name, outdir):
    func, hosts = SCENARIOS[name]
    print("== %s" % name, flush=True)
    out = os.path.join(outdir, name + ".pcap")
    with tempfile.TemporaryDirectory() as tmp:
        pcapng = os.path.join(tmp, name + ".pcapng")
        os.chmod(tmp, 0o777)   # dumpcap may run with dropped privileges
        srv = Servers()
        proc, _ = start_dumpcap(pcapng, hosts)
        err = []
        try:
            worker = threading.Thread(target=lambda: _guard(func, srv, err), daemon=True)
            worker.start()
            worker.join(SCENARIO_TIMEOUT)
            if worker.is_alive():
                err.append(RuntimeError("scenario timed out"))
            time.sleep(1.0)   # let FIN/ACKs land in the capture
        finally:
            srv.stop_all()
            stop_dumpcap(proc)
        if err:
            raise err[0]
        subprocess.run(["editcap", "-F", "pcap", pcapng, out], check=True, timeout=30)
    print("  wrote %s (%d bytes)" % (out, os.path.getsize(out)), flush=True)
    if name in CUT_BINDS:
        cut_binds(out, os.path.join(outdir, name + "-nobind.pcap"))


def cut_binds(src, dst):
    """dst = src without the bind / bind_ack PDUs on TCP 135 (stock tshark
    finds them; each is one whole frame on loopback)."""
    res = subprocess.run(["tshark", "-n", "-r", src, "-Y",
                          "tcp.port == 135 && (dcerpc.pkt_type == 11 || dcerpc.pkt_type == 12)",
                          "-T", "fields", "-e", "frame.number"],
                         check=True, timeout=60, capture_output=True, text=True)
    frames = res.stdout.split()
    if not frames:
        raise RuntimeError("no bind frames on 135 in %s" % src)
    subprocess.run(["editcap", "-F", "pcap", src, dst] + frames, check=True, timeout=30)
    print("  wrote %s without frames %s" % (dst, " ".join(frames)), flush=True)


def _guard(func, srv, err):
    try:
        func(srv)
    except BaseException as exc:  # noqa: BLE001
        err.append(exc)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "sample-pcaps"))
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("scenarios", nargs="*", metavar="SCENARIO",
                    help="default: all of " + ", ".join(SCENARIOS))
    args = ap.parse_args()
    unknown = [s for s in args.scenarios if s not in SCENARIOS]
    if unknown:
        ap.error("unknown scenario(s): %s" % ", ".join(unknown))
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING)
    if os.geteuid() != 0:
        sys.exit("needs root (TCP 135 and dumpcap on lo)")
    os.makedirs(args.out, exist_ok=True)
    for name in args.scenarios or list(SCENARIOS):
        run_scenario(name, args.out)


if __name__ == "__main__":
    main()
