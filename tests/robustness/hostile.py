#!/usr/bin/python3
"""Hostile input for tshark + exmta: captures real stacks would not send.

Builds pcaps with exmta_it.TcpFlow in a temporary folder and runs tshark with
the built plugin (1 pass and -2) on them (the EPM cases in one capture and the
TPKT/COTP cases in another, each case on addresses of its own, 198.18.K.x,
and checked on its own frames):

* DCE/RPC on TCP 135 after an EPM bind copied from sample-pcaps/rpc-epm-lookup-bind.pcap
  (frames 4/6), with ept_map requests/responses built like its frames 8/9:
  tower floor counts 0xffff / 33 / 0, floor lhs/rhs lengths past the end,
  tower_length 0x7fffffff, towers cut inside a floor, actual_count 2^32-1 over
  one tower, num_towers lying, zero-octet towers, a stub cut after num_towers,
  700 towers in one PDU and 3000 towers in one response split into 5 fragments;
* TPKT on TCP 102 with length 0..6 and 65535; COTP LI past the end of the TPDU, LI 0;
* TCP sessions that reuse ports across hosts after a lookup;
* 1,000,000 learned endpoints (HOSTILE_ENDPOINTS): one EPM connection with
  15,625 ept_map request/response pairs of 64 towers (64 = what the plugin keeps
  per response), each tower a distinct (IPv4, port); tshark's peak RSS
  (/usr/bin/time -f %M) with and without the plugin, and bytes per endpoint.

Checks (statements that need no knowledge of the EPM code): tshark exits 0 and
writes nothing to stderr; on 135 the dcerpc and epm layers, and on 102 the tpkt,
cotp and ses layers (and _ws.malformed) are exactly stock's, frame by frame,
in one pass and in two; a session to a host that was never looked up is not an
exmta RPC session.

Usage:  /usr/bin/python3 tests/robustness/hostile.py [-v]    exit 0 / 1 / 77 (no tshark)
        /usr/bin/python3 tests/robustness/hostile.py --write-pcaps DIR   (pcaps only,
        without the 1M-endpoint file; used by sanitizers.sh)
  HOSTILE_ENDPOINTS   endpoints in the memory test (default 1000000; 0 skips it)
"""
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import unittest
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "integration"))
import exmta_it as it  # noqa: E402  (puts tools/ on sys.path too)
import pcapfile  # noqa: E402

NDR_UUID = "8a885d04-1ceb-11c9-9fe8-08002b104860"
MTA_UUID = "9e8ee830-4459-11ce-979b-00aa005ffebe"
EPM_LAYERS = ("dcerpc", "epm", "_ws.malformed")
OSI = ("tpkt", "cotp", "ses", "pres", "_ws.malformed")


# ---- DCE/RPC / EPM PDU builders (NDR32, little-endian) ----

def _uuid_le(s):
    return uuid.UUID(s).bytes_le


def floor(lhs, rhs):
    return struct.pack("<H", len(lhs)) + lhs + struct.pack("<H", len(rhs)) + rhs


def tower(port=1032, ip="0.0.0.0", iface=MTA_UUID, ver=(2, 0), nfloors=None, floors=None):
    """The 5-floor ncacn_ip_tcp tower of the sample (75 octets by default)."""
    if floors is None:
        floors = [
            floor(b"\x0d" + _uuid_le(iface) + struct.pack("<H", ver[0]), struct.pack("<H", ver[1])),
            floor(b"\x0d" + _uuid_le(NDR_UUID) + struct.pack("<H", 2), b"\x00\x00"),
            floor(b"\x0b", b"\x00\x00"),
            floor(b"\x07", struct.pack(">H", port)),
            floor(b"\x09", bytes(int(x) for x in ip.split("."))),
        ]
    n = len(floors) if nfloors is None else nfloors
    return struct.pack("<H", n) + b"".join(floors)


def _pad4(b):
    return b + b"\0" * (-len(b) % 4)


def co_pdu(ptype, call_id, body, flags=0x03, opnum=None):
    """Connection-oriented DCE/RPC request (0) / response (2) PDU."""
    if ptype == 0:
        hdr2 = struct.pack("<IHH", len(body), 0, opnum)
    else:
        hdr2 = struct.pack("<IHBB", len(body), 0, 0, 0)
    frag_len = 16 + len(hdr2) + len(body)
    return struct.pack("<BBBB4sHHI", 5, 0, ptype, flags, b"\x10\0\0\0", frag_len, 0, call_id) + hdr2 + body


def map_request(call_id, twr=None):
    twr = tower(port=0) if twr is None else twr
    stub = struct.pack("<I", 1) + b"\0" * 16            # object: referent + nil uuid
    stub += struct.pack("<III", 2, len(twr), len(twr)) + twr   # map_tower
    stub = _pad4(stub) + b"\0" * 20 + struct.pack("<I", 4)    # entry_handle, max_towers
    return co_pdu(0, call_id, stub, opnum=3)


def map_response_stub(towers, num_towers=None, max_count=None, actual_count=None, status=0,
                      tower_lengths=None, cut=None):
    """ept_map response stub: handle, num_towers, [max, offset, actual] refs, towers, status."""
    n = len(towers)
    s = b"\0" * 20
    s += struct.pack("<I", n if num_towers is None else num_towers)
    s += struct.pack("<III", n if max_count is None else max_count, 0, n if actual_count is None else actual_count)
    s += b"".join(struct.pack("<I", 0x31f2 + 4 * i) for i in range(n))
    for i, t in enumerate(towers):
        tl = len(t) if tower_lengths is None else tower_lengths[i]
        s = _pad4(s) + struct.pack("<II", tl, tl) + t
    s = _pad4(s) + struct.pack("<I", status)
    return s if cut is None else s[:cut]


def fragments(call_id, stub, nfrags):
    """One response stub as nfrags DCE/RPC fragments (first/last flags)."""
    size = -(-len(stub) // nfrags)
    out = []
    for i in range(nfrags):
        part = stub[i * size:(i + 1) * size]
        flags = (0x01 if i == 0 else 0) | (0x02 if i == nfrags - 1 else 0)
        p = co_pdu(2, call_id, part, flags=flags)
        p = p[:16] + struct.pack("<I", len(stub)) + p[20:]      # alloc_hint: the whole stub
        out.append(p)
    return out


_BIND = None


def bind_pdus():
    """The EPM bind and bind_ack of sample-pcaps/rpc-epm-lookup-bind.pcap (frames 4 and 6)."""
    global _BIND
    if _BIND is None:
        _lt, pkts = it.read_pcap(it.sample("rpc-epm-lookup-bind.pcap"))
        _BIND = (it.tcp_payload(pkts[3][2])[2], it.tcp_payload(pkts[5][2])[2])
        assert _BIND[0][2] == 11 and _BIND[1][2] == 12, "frames 4/6 are not bind/bind_ack"
    return _BIND


def send_chunked(flow, from_cli, data, mss=1460):
    for i in range(0, len(data), mss):
        flow.send(from_cli, data[i:i + mss])


def epm_lookup(flow, responses, request=None):
    """Bind to EPM, then for each response (a list of PDUs) one Map request/response."""
    bind, ack = bind_pdus()
    flow.handshake().send(True, bind).send(False, ack)
    for i, pdus in enumerate(responses):
        cid = i + 1
        flow.send(True, map_request(cid, request))
        for p in pdus(cid) if callable(pdus) else pdus:
            send_chunked(flow, False, p)
    return flow.close()


def hostile_epm_cases():
    """name -> list of response builders (call_id -> [PDU, ...])."""
    t = tower()
    five = tower()[2:]           # the floors without the count
    first_floor = tower()[2:2 + 25]

    def one(stub):
        return lambda cid: [co_pdu(2, cid, stub)]

    return {
        "epm_floor_count_ffff": [one(map_response_stub([struct.pack("<H", 0xFFFF) + five]))],
        "epm_floor_count_33": [one(map_response_stub([struct.pack("<H", 33) + five * 7]))],
        "epm_floor_count_0": [one(map_response_stub([struct.pack("<H", 0)]))],
        "epm_lhs_len_past_end": [one(map_response_stub([struct.pack("<HH", 5, 0xFFFF) + b"\x0d" * 20]))],
        "epm_rhs_len_past_end": [one(map_response_stub([t[:-6] + struct.pack("<H", 0xFFF0) + b"\x7f\0"]))],
        "epm_tower_length_past_end": [one(map_response_stub([t], tower_lengths=[0x7FFFFFFF]))],
        "epm_tower_length_short": [one(map_response_stub([t], tower_lengths=[7]))],
        "epm_truncated_floor": [one(map_response_stub([struct.pack("<H", 5) + first_floor + b"\x13\x00\x0d\x04"]))],
        "epm_actual_count_huge": [one(map_response_stub([t], actual_count=0xFFFFFFFF))],
        "epm_max_count_huge": [one(map_response_stub([t], max_count=0x7FFFFFFF))],
        "epm_num_towers_lies": [one(map_response_stub([t], num_towers=0xFFFFFFFF))],
        "epm_zero_octet_towers": [one(map_response_stub([b""] * 50))],
        "epm_stub_cut_after_num_towers": [one(map_response_stub([t], cut=24))],
        "epm_stub_cut_in_tower": [one(map_response_stub([t], cut=60))],
        "epm_700_towers_one_pdu": [one(map_response_stub(
            [tower(port=2000 + i, ip="10.1.%d.%d" % (i // 256, i % 256)) for i in range(700)]))],
        "epm_3000_towers_5_fragments": [lambda cid: fragments(cid, map_response_stub(
            [tower(port=3000 + i, ip="10.2.%d.%d" % (i // 256, i % 256)) for i in range(3000)]), 5)],
        "epm_mixed_good_and_bad": [one(map_response_stub([t, struct.pack("<H", 0xFFFF) + five, b"",
                                                          tower(port=1040)]))],
        "epm_request_tower_floor_count_ffff": None,     # built below: hostile request
    }


def epm_case_frames(name, responses, cli="192.0.2.10", srv="192.0.2.20", t0=1700000000):
    flow = it.TcpFlow(cli, srv, 49900, 135, t0=t0)
    if name == "epm_request_tower_floor_count_ffff":
        epm_lookup(flow, [[]], request=struct.pack("<H", 0xFFFF) + tower()[2:])
        # answer it with a valid response
        flow.send(False, co_pdu(2, 1, map_response_stub([tower()])))
    else:
        epm_lookup(flow, responses)
    return flow.frames


def write_epm_case(path, name, responses):
    it.write_pcap(path, epm_case_frames(name, responses))


def osi_cases():
    """TPKT/COTP payloads on TCP 102 after a handshake."""
    cr = bytes.fromhex("0300001611e0000012340 0c1020001c2020001c0010b".replace(" ", ""))
    cases = {}
    for n in range(0, 7):
        cases["tpkt_len_%d" % n] = [cr, bytes([3, 0, 0, n]) + b"\x02\xf0\x80" + b"\x41" * 8]
    cases["tpkt_len_65535"] = [cr, b"\x03\x00\xff\xff\x02\xf0\x80" + b"\x42" * 40]
    cases["tpkt_len_65535_only"] = [b"\x03\x00\xff\xff" + b"\x43" * 100]
    cases["cotp_li_past_tpdu"] = [b"\x03\x00\x00\x0b\x20\xe0\x00\x00\x12\x34\x00"]
    cases["cotp_li_past_tpdu_after_cr"] = [cr, b"\x03\x00\x00\x0a\xfe\xf0\x80\x01\x02\x03"]
    cases["cotp_li_zero"] = [cr, b"\x03\x00\x00\x07\x00\xf0\x80"]
    cases["tpkt_header_split"] = [b"\x03", b"\x00\x00", b"\x16" + cr[4:]]
    return cases


def osi_case_frames(payloads, cli="192.0.2.10", srv="192.0.2.20", t0=1700000000):
    flow = it.TcpFlow(cli, srv, 49901, 102, t0=t0).handshake()
    for p in payloads:
        flow.send(True, p)
    return flow.close().frames


def write_osi_case(path, payloads):
    it.write_pcap(path, osi_case_frames(payloads))


def write_batch(path, cases, frames_of):
    """Every case of cases ({name: what frames_of(what, cli, srv, t0) builds})
    in one capture: case k (from 1) between 198.18.k.10 and 198.18.k.20,
    a minute after case k-1. Returns {name: (first, end)}, the slice of the
    capture's frames (0-based, end excluded) that is the case's."""
    frames, spans = [], {}
    for k, (name, what) in enumerate(sorted(cases.items()), 1):
        mine = frames_of(name, what, "198.18.%d.10" % k, "198.18.%d.20" % k, 1700000000 + 60 * k)
        spans[name] = (len(frames), len(frames) + len(mine))
        frames += mine
    it.write_pcap(path, frames)
    return spans


def write_port_reuse(path):
    """A lookup of 192.0.2.20 answered 1032; then sessions that reuse ports:
    to 1032 on a host never looked up (192.0.2.30), from client port 1032 of
    another host, and the same client port to both servers."""
    frames = []
    flow = it.TcpFlow("192.0.2.10", "192.0.2.20", 49910, 135)
    epm_lookup(flow, [lambda cid: [co_pdu(2, cid, map_response_stub([tower(port=1032, ip="192.0.2.20")]))]])
    frames += flow.frames
    req = co_pdu(0, 1, b"\0" * 12, opnum=0)
    t = flow.t // 1000000 + 1
    for cli, srv, cport, sport in (("192.0.2.10", "192.0.2.20", 50000, 1032),   # the learned endpoint
                                   ("192.0.2.10", "192.0.2.30", 50000, 1032),   # never looked up
                                   ("192.0.2.40", "192.0.2.30", 1032, 1032),    # client port 1032 too
                                   ("192.0.2.30", "192.0.2.10", 1032, 50001)):  # reversed roles
        f = it.TcpFlow(cli, srv, cport, sport, t0=t)
        f.handshake().send(True, req).send(False, co_pdu(2, 1, b"\0" * 8)).close()
        frames += f.frames
        t += 1
    it.write_pcap(path, frames)


def write_all(d):
    """Every small hostile capture into folder d; returns {name: path}."""
    out = {}
    for name, resp in hostile_epm_cases().items():
        p = os.path.join(d, name + ".pcap")
        write_epm_case(p, name, resp)
        out[name] = p
    for name, payloads in osi_cases().items():
        p = os.path.join(d, name + ".pcap")
        write_osi_case(p, payloads)
        out[name] = p
    p = os.path.join(d, "port_reuse.pcap")
    write_port_reuse(p)
    out["port_reuse"] = p
    return out


# ---- the 1M-endpoint capture, written fast ----

def write_many_endpoints(path, n_endpoints, per_response=64):
    """One EPM connection, n_endpoints / per_response Map request/response pairs;
    endpoint i is 10.0.0.0+i+1 : 1024 + i % 60000 (distinct IPs: distinct keys)."""
    base = tower(port=1024, ip="10.0.0.1")
    port_off, ip_off = len(base) - 11, len(base) - 4      # floor 4 rhs, floor 5 rhs
    bind, ack = bind_pdus()
    flow = it.TcpFlow("192.0.2.10", "192.0.2.20", 49920, 135)
    flow.handshake().send(True, bind).send(False, ack)
    req = None
    n_resp = -(-n_endpoints // per_response)
    with pcapfile.Writer(path) as w:

        def flush():
            for sec, usec, raw, orig in flow.frames:
                w.write(sec, usec, raw, orig)
            flow.frames = []
        i = 0
        for r in range(n_resp):
            cid = r + 1
            req = map_request(cid)
            towers = []
            for _ in range(min(per_response, n_endpoints - i)):
                t = bytearray(base)
                ip = 0x0A000000 + i + 1
                t[port_off:port_off + 2] = struct.pack(">H", 1024 + i % 60000)
                t[ip_off:ip_off + 4] = struct.pack(">I", ip)
                towers.append(bytes(t))
                i += 1
            flow.send(True, req)
            flow.send(False, co_pdu(2, cid, map_response_stub(towers)))
            if len(flow.frames) > 2000:
                flush()
        flow.close()
        flush()
    return it.readable(path)


def peak_rss_kb(args, stock=False):
    """Run tshark (via the wrapper) under /usr/bin/time; return (peak RSS kB, seconds)."""
    tf = tempfile.NamedTemporaryFile(prefix="exmta-time-", delete=False)
    tf.close()
    cmd = ["/usr/bin/time", "-f", "%M %e", "-o", tf.name, it.WRAPPER] + (["--stock"] if stock else []) + args
    env = dict(os.environ, EXMTA_PLUGIN_ROOT=it.PLUGIN_ROOT)
    env.pop("GLIBC_TUNABLES", None)     # run-all.sh's huge-page heap would blur what RSS says
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=1800)
        with open(tf.name) as fh:
            last = fh.read().strip().splitlines()[-1].split()
    finally:
        os.unlink(tf.name)
    if p.returncode != 0 or p.stderr.strip():
        raise AssertionError("tshark %s: exit %d, stderr %r" % (" ".join(args), p.returncode, p.stderr[:500]))
    return int(last[0]), float(last[1]), p.stdout


# ---- the tests ----

_FLOOR_LABEL = re.compile(r"^(Floor \d+ UUID: ).*$")


def normalise(x):
    """Stock labels an interface floor 'Floor 1 UUID: <uuid> Version 2.0' unless the
    interface has a registered name; exmta registers 'MTA' / 'MTA QAdmin', so the
    label (a JSON key) reads 'Floor 1 UUID: MTA'. Only that label is normalised:
    every field value (epm.uuid, epm.uuid_version, ...) is still compared."""
    if isinstance(x, dict):
        return {_FLOOR_LABEL.sub(r"\1<interface>", k): normalise(v) for k, v in x.items()}
    if isinstance(x, list):
        return [normalise(v) for v in x]
    return x


class Hostile(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = it.TempDir()
        cls.pcaps = write_all(cls.tmp.path)
        # the EPM cases in one capture and the OSI cases in another, each case
        # on its own addresses: four tshark runs for each set, not per case
        cls.epm_batch = cls.tmp.file("epm-cases.pcap")
        cls.epm_spans = write_batch(cls.epm_batch, hostile_epm_cases(),
                                    lambda name, resp, cli, srv, t0: epm_case_frames(name, resp, cli, srv, t0))
        cls.osi_batch = cls.tmp.file("osi-cases.pcap")
        cls.osi_spans = write_batch(cls.osi_batch, osi_cases(),
                                    lambda name, payloads, cli, srv, t0: osi_case_frames(payloads, cli, srv, t0))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def _same_as_stock(self, name, protos):
        pcap = self.pcaps[name]
        for two in (False, True):
            extra = ["-2"] if two else []
            with self.subTest(capture=name, two_pass=two):
                stock = normalise(it.layers_json(pcap, protos, extra=extra, stock=True))
                mine = normalise(it.layers_json(pcap, protos, extra=extra))   # asserts exit 0, empty stderr
                self.assertEqual(len(mine), len(stock))
                self.assertEqual(mine, stock)
        return stock

    def _cases_same_as_stock(self, pcap, spans, protos):
        """Each case's frames in pcap (spans: write_batch) as stock decodes
        them, one pass and two; returns stock's one-pass frames."""
        first = None
        for two in (False, True):
            extra = ["-2"] if two else []
            stock = normalise(it.layers_json(pcap, protos, extra=extra, stock=True))
            mine = normalise(it.layers_json(pcap, protos, extra=extra))   # asserts exit 0, empty stderr
            self.assertEqual(len(mine), len(stock))
            self.assertEqual(len(stock), max(end for _first, end in spans.values()))
            for name, (lo, end) in sorted(spans.items()):
                with self.subTest(capture=name, two_pass=two):
                    self.assertEqual(mine[lo:end], stock[lo:end])
            first = stock if first is None else first
        return first

    def test_epm_hostile_same_as_stock(self):
        stock = self._cases_same_as_stock(self.epm_batch, self.epm_spans, EPM_LAYERS)
        self.assertEqual(sorted(self.epm_spans), sorted(hostile_epm_cases()))
        for name, (lo, end) in self.epm_spans.items():
            # the template really reaches stock EPM: every case has EPM frames
            self.assertGreater(sum(1 for f in stock[lo:end] if "epm" in f), 0, name)

    def test_epm_template_is_decoded_as_map_response(self):
        rows = it.fields(self.pcaps["epm_700_towers_one_pdu"], ["frame.number", "epm.num_towers"],
                         filt="epm.num_towers", stock=True)
        self.assertEqual([r[1] for r in rows], ["700"])
        rows = it.fields(self.pcaps["epm_3000_towers_5_fragments"], ["frame.number", "epm.num_towers"],
                         filt="epm.num_towers", stock=True, two_pass=True)
        self.assertEqual([r[1] for r in rows], ["3000"])

    def test_osi_hostile_same_as_stock(self):
        self._cases_same_as_stock(self.osi_batch, self.osi_spans, OSI)
        self.assertEqual(sorted(self.osi_spans), sorted(osi_cases()))

    def test_port_reuse(self):
        pcap = self.pcaps["port_reuse"]
        self._same_as_stock("port_reuse", ("dcerpc", "_ws.malformed"))
        for two in (False, True):
            rows = it.fields(pcap, ["frame.number", "ip.dst", "ip.src", "exmta.rpc.port"],
                             filt="exmta.rpc", two_pass=two)
            # no frame of a session with 192.0.2.30 as server, or of the sessions
            # whose server is 192.0.2.10, is an exmta RPC session: only 192.0.2.20 was looked up
            for r in rows:
                self.assertIn("192.0.2.20", (r[1], r[2]), r)
                self.assertEqual(r[3], "1032", r)
            # control: the session to the learned endpoint is seen at all
            self.assertTrue(any("192.0.2.20" in (r[1], r[2]) for r in rows), rows)

    def test_many_endpoints_memory(self):
        n = int(os.environ.get("HOSTILE_ENDPOINTS", "1000000"))
        if n <= 0:
            self.skipTest("HOSTILE_ENDPOINTS=0")
        d = tempfile.mkdtemp(prefix="exmta-1m-", dir=os.environ.get("TMPDIR", "/var/tmp"))
        os.chmod(d, 0o755)
        try:
            path = os.path.join(d, "many-endpoints.pcap")
            t0 = time.time()
            write_many_endpoints(path, n)
            size = os.path.getsize(path)
            wrote = time.time() - t0
            # -q alone would not dissect at all (tshark only reads): a display filter
            # that matches nothing makes every frame dissected, with and without exmta
            args = ["-r", path, "-q", "-Y", "frame.number == 0"]
            stock_kb, stock_s, _ = peak_rss_kb(args, stock=True)
            mine_kb, mine_s, _ = peak_rss_kb(args)
            # how many the plugin really learned: one exmta.epm.result per learned tower
            out = it.tshark(["-r", path, "-Y", "exmta.epm", "-T", "fields", "-e", "exmta.epm.result"])
            learned = sum(len(l.split(",")) for l in out.splitlines() if l.strip())
            per = (mine_kb - stock_kb) * 1024.0 / max(learned or n, 1)
            print("\nmemory: %d endpoints in %d responses, pcap %.1f MB written in %.1f s; "
                  "tshark -q -Y 'frame.number == 0' peak RSS stock %d kB (%.1f s), with exmta %d kB (%.1f s); "
                  "exmta learned %d endpoints (exmta.epm.result values); %.1f bytes per endpoint"
                  % (n, -(-n // 64), size / 1e6, wrote, stock_kb, stock_s, mine_kb, mine_s, learned, per))
            sys.stdout.flush()
            self.assertEqual(learned, n)
        finally:
            shutil.rmtree(d, ignore_errors=True)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--write-pcaps":
        os.makedirs(sys.argv[2], exist_ok=True)
        for name, p in sorted(write_all(sys.argv[2]).items()):
            print(p)
        return 0
    if not it.have_tshark():
        print("tshark is not installed: hostile tests skipped")
        return 77
    # every check below is about the plugin: prove first that tshark loads it
    try:
        it.require_plugin()
    except AssertionError as e:
        print("hostile: %s" % e)
        return 1
    prog = unittest.main(exit=False, argv=[sys.argv[0]] + sys.argv[1:])
    return 0 if prog.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
