"""Learning from ept_map lookups whose bind is not in the capture (a capture
started after the client's connection to the endpoint mapper), with the real
tshark and the built plugin.

Captures: sample-pcaps/rpc-epm-reuse[-ndr64][-nobind].pcap and
rpc-dcom-activation[-nobind].pcap (tools/gen_rpc_pcaps.py, real impacket
traffic on loopback; the -nobind files are the same captures with the bind and
bind_ack frames on TCP 135 deleted by editcap; see sample-pcaps/README-rpc.md),
the public mapi.cap and dcerpc_witness.pcapng with their binds cut the same
way at test time, and hostile calls built frame by frame from real PDUs."""
import json
import os
import re
import struct
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import exmta_it as it  # noqa: E402

MTA = "9e8ee830-4459-11ce-979b-00aa005ffebe"
QADMIN = "38a94e72-a9bc-11d2-8faf-00c04fa378ff"
GENERIC = "6f2a1e7c-3b5d-4c8e-9a01-5e4d3c2b1a00"
NOT_REGISTERED = "0x16c9a0d6"
# exmta.epm.without_bind_verdict values
REQ_NOT_MAP, RESP_NOT_MAP, RESP_MISMATCH, FRAGMENTED, AUTHENTICATED, FAULT = "1", "3", "4", "5", "6", "7"

EPM_FIELDS = ["frame.number", "exmta.epm.without_bind", "exmta.epm.result", "exmta.rpc.ip", "exmta.rpc.port",
              "exmta.rpc.learned_in", "exmta.rpc.request_in", "exmta.epm.status", "exmta.epm.lookup_failed",
              "exmta.epm.requested"]
VERDICT_FIELDS = ["frame.number", "exmta.epm.without_bind_verdict", "exmta.epm.without_bind_request_in",
                  "exmta.epm"]
BIND_FILTER = "tcp.port == 135 && (dcerpc.pkt_type == 11 || dcerpc.pkt_type == 12 || " \
              "dcerpc.pkt_type == 14 || dcerpc.pkt_type == 15)"


def bind_frames(pcap):
    """Frames stock decodes as bind / bind_ack / alter_context(_resp) on 135."""
    return [int(x) for x in it.column(it.fields(pcap, ["frame.number"], filt=BIND_FILTER, stock=True))]


def cut(src, dst, frames):
    subprocess.run(["editcap", src, dst] + [str(f) for f in frames], check=True, timeout=120,
                   stdout=subprocess.DEVNULL)
    return it.readable(dst)


def mapper(cut_frames):
    """frame number in the whole capture -> in the capture without cut_frames"""
    cut_frames = sorted(cut_frames)
    return lambda n: n - sum(1 for c in cut_frames if c < n)


def summary(pcap, extra=()):
    out = it.tshark(["-r", pcap, "-q", "-z", "exmta,endpoints,json", "-z", "exmta,sessions,json",
                     "-z", "exmta,endpoints,uat"] + list(extra))
    uat = [l for l in out.splitlines() if l.startswith('"')]
    rest = "\n".join(l for l in out.splitlines() if not l.startswith('"'))
    dec, arrays, pos = json.JSONDecoder(), [], 0
    while rest[pos:].strip():
        while rest[pos].isspace():
            pos += 1
        value, pos = dec.raw_decode(rest, pos)
        arrays.append(value)
    assert len(arrays) == 2, out
    # which array is which: session rows name the client
    sessions, endpoints = arrays
    if any("client_port" in r for r in endpoints) or any("kind" in r for r in sessions):
        sessions, endpoints = endpoints, sessions
    return endpoints, sessions, uat


def mapped_summary(pcap, fmap):
    """summary(pcap) with every frame number passed through fmap."""
    endpoints, sessions, uat = summary(pcap)
    for row in endpoints + sessions:
        for k in ("first_frame", "last_frame"):
            if row.get(k) is not None:
                row[k] = fmap(row[k])
        if "epm_frames" in row:
            row["epm_frames"] = [fmap(n) for n in row["epm_frames"]]
        if "found_by" in row:
            row["found_by"] = re.sub(r"EPM frame (\d+)", lambda m: "EPM frame %d" % fmap(int(m.group(1))),
                                     row["found_by"])
    uat = [re.sub(r'^("[^"]*","[^"]*","[^"]*","[^"]*","[^"]*","[^"]*",)"(\d+)"',
                  lambda m: '%s"%d"' % (m.group(1), fmap(int(m.group(2)))), l) for l in uat]
    return endpoints, sessions, uat


def epm_layers(pcap, extra=()):
    """frame number -> the lines of stock's EPM layer (tshark -O epm), for
    every frame stock decodes as EPM."""
    out = it.tshark(["-r", pcap, "-Y", "epm", "-O", "epm"] + list(extra))
    layers, frame, inside = {}, None, False
    for line in out.splitlines():
        m = re.match(r"Frame (\d+): ", line)
        if m:
            frame, inside = int(m.group(1)), False
            continue
        if not line:
            continue
        if not line[0].isspace():
            inside = line.startswith("DCE/RPC Endpoint Mapper")
        if inside:
            layers.setdefault(frame, []).append(line)
    return layers


class ReuseNobind(unittest.TestCase):
    """One client connection to 135 with four ept_map calls (MTA: 1 tower,
    QAdmin: 2 towers, generic: EPT_S_NOT_REGISTERED, MTA again), bind cut."""

    def check_epm_frames(self, name):
        rows = it.fields(it.sample(name), EPM_FIELDS, filt="exmta.epm")
        self.assertEqual(rows, [
            ["7", "1", "0", "127.10.0.2", "1032", "7", "6", "0x00000000", "", MTA],
            ["9", "1", "0,0", "127.10.0.2,127.10.0.3", "1033,1033", "9,9", "8,8", "0x00000000", "", QADMIN],
            ["11", "1", "", "", "", "", "", NOT_REGISTERED, "1", GENERIC],
            ["13", "1", "1", "127.10.0.2", "1032", "13", "12", "0x00000000", "", MTA],
        ])
        # every pass reads what the first decided
        self.assertEqual(it.fields(it.sample(name), EPM_FIELDS, filt="exmta.epm", two_pass=True), rows)
        # the candidates were all ept_map: nothing is reported as not learned
        self.assertEqual(it.fields(it.sample(name), VERDICT_FIELDS, filt="exmta.epm.without_bind_verdict"), [])

    def check_sessions(self, name):
        rows = it.fields(it.sample(name), ["frame.number", "tcp.stream", "exmta.rpc.port", "exmta.rpc.learned_in",
                                           "exmta.rpc.request_in", "exmta.rpc.source"],
                         filt="exmta.rpc && !exmta.epm")
        by_stream = {}
        for r in rows:
            by_stream.setdefault(r[1], []).append(int(r[0]))
            self.assertEqual(r[2:], {"1": ["1032", "7", "6", "1"], "2": ["1033", "9", "8", "1"]}[r[1]], r)
        self.assertEqual(by_stream, {"1": list(range(17, 31)), "2": list(range(31, 45))})
        first = it.fields(it.sample(name), ["frame.number", "_ws.expert.message"],
                          filt="exmta.expert.rpc_first_session")
        self.assertEqual(first, [
            ["17", "Connection establish request (SYN): server port 1032,[Endpoint mapper] First session to "
                   "MTA RPC endpoint 127.10.0.2:1032 (Exchange MTA), learned in frame 7"],
            ["31", "Connection establish request (SYN): server port 1033,[Endpoint mapper] First session to "
                   "MTA QAdmin RPC endpoint 127.10.0.2:1033 (Exchange MTA QAdmin), learned in frame 9"],
        ])

    def check_same_as_with_bind(self, name):
        whole = it.sample(name + ".pcap")
        nobind = it.sample(name + "-nobind.pcap")
        cut_frames = bind_frames(whole)
        self.assertEqual(cut_frames, [4, 6])
        self.assertEqual(bind_frames(nobind), [])
        self.assertEqual(mapped_summary(whole, mapper(cut_frames)), summary(nobind))
        self.assertEqual(summary(nobind), summary(nobind, extra=["-2"]))
        # with the bind in, stock decodes the lookups and exmta.epm.without_bind is absent
        rows = it.fields(whole, ["frame.number", "exmta.epm.without_bind"], filt="exmta.epm")
        self.assertEqual(rows, [["9", ""], ["11", ""], ["13", ""], ["15", ""]])

    def test_ndr32(self):
        self.check_epm_frames("rpc-epm-reuse-nobind.pcap")
        self.check_sessions("rpc-epm-reuse-nobind.pcap")
        self.check_same_as_with_bind("rpc-epm-reuse")

    def test_ndr64(self):
        self.check_epm_frames("rpc-epm-reuse-ndr64-nobind.pcap")
        self.check_sessions("rpc-epm-reuse-ndr64-nobind.pcap")
        self.check_same_as_with_bind("rpc-epm-reuse-ndr64")

    def test_endpoints_table(self):
        endpoints, sessions, uat = summary(it.sample("rpc-epm-reuse-nobind.pcap"))
        self.assertEqual([(r["host"], r["port"], r["kind"], r["found_by"], r["sessions"], r["outcome"])
                          for r in endpoints], [
            ("127.10.0.2", 1032, "MTA RPC", "EPM frame 7 (+1 more)", 1, "sessions OK"),
            ("127.10.0.2", 1033, "MTA QAdmin RPC", "EPM frame 9", 1, "sessions OK"),
            ("127.10.0.3", 1033, "MTA QAdmin RPC", "EPM frame 9", 0, "learned, no session"),
            ("127.10.0.2", 135, "other EPM-learned interface (%s v1.0)" % GENERIC, "EPM frame 11", 1,
             "EPM lookup failed: EPT_S_NOT_REGISTERED (0x16c9a0d6)"),
        ])
        self.assertEqual([(r["port"], r["stream"], r["first_frame"], r["last_frame"]) for r in sessions],
                         [(1032, 1, 17, 30), (1033, 2, 31, 44)])
        self.assertEqual([l.split(",")[:7] for l in uat], [
            ['"127.10.0.2"', '"1032"', '"%s"' % MTA, '"2.0"', '"MTA RPC"', '""', '"7"'],
            ['"127.10.0.2"', '"1033"', '"%s"' % QADMIN, '"1.0"', '"MTA QAdmin RPC"', '""', '"9"'],
            ['"127.10.0.3"', '"1033"', '"%s"' % QADMIN, '"1.0"', '"MTA QAdmin RPC"', '""', '"9"'],
        ])

    def test_stock_decodes_lookups(self):
        """exmta supplies the missing bind: stock decodes every call on that
        context as EPM exactly as it does with the real bind in, on one pass
        and on -2; the bind it supplied is named on the first request."""
        for name, syntax in (("rpc-epm-reuse", "NDR"), ("rpc-epm-reuse-ndr64", "NDR64")):
            whole, nobind = it.sample(name + ".pcap"), it.sample(name + "-nobind.pcap")
            fmap = mapper(bind_frames(whole))
            # frame numbers named inside the layer move with the cut frames
            def with_bind(extra=()):
                return {fmap(n): [re.sub(r"(?<=[Ff]rame: )(\d+)", lambda m: str(fmap(int(m.group(1)))), l)
                                  for l in layer]
                        for n, layer in epm_layers(whole, extra).items()}
            without = epm_layers(nobind)
            self.assertEqual(sorted(without), list(range(6, 14)), name)
            self.assertEqual(without, with_bind(), name)
            # stock's second pass adds "Response in" to requests, with or without exmta
            self.assertEqual(epm_layers(nobind, ["-2"]), with_bind(["-2"]), name)
            self.assertEqual(it.fields(nobind, ["frame.number", "exmta.epm.without_bind_supplied"],
                                       filt="exmta.epm.without_bind_supplied"), [["6", "0"]])
            self.assertIn("[Bind supplied to DCE/RPC: context 0 = EPM v3.0 in %s (the capture holds no bind "
                          "for it)]" % syntax, it.tshark(["-r", nobind, "-Y", "frame.number == 6", "-V"]))
            # the real bind in: nothing supplied
            self.assertEqual(it.fields(whole, ["frame.number"], filt="exmta.epm.without_bind_supplied"), [])

    def test_stock_unchanged_elsewhere(self):
        """Every frame on 135 outside the supplied context decodes as stock
        alone decodes it: DCOM's opnum-3 calls still say "No bind info"."""
        names = ["frame.number", "frame.protocols", "_ws.col.Protocol", "_ws.col.Info", "dcerpc.cn_call_id",
                 "dcerpc.opnum", "dcerpc.cn_ctx_id", "tcp.len", "_ws.expert.message"]
        for name, supplied in (("rpc-epm-reuse-nobind.pcap", range(6, 14)),
                               ("rpc-epm-reuse-ndr64-nobind.pcap", range(6, 14)),
                               ("rpc-dcom-activation-nobind.pcap", [26, 27])):
            stock = it.fields(it.sample(name), names, filt="tcp.port == 135", stock=True)
            plugin = it.fields(it.sample(name), names, filt="tcp.port == 135")
            self.assertEqual(it.fields(it.sample(name), names, filt="tcp.port == 135", two_pass=True), plugin)
            for r in plugin:
                r[1] = r[1].replace(":exmta", "")
                r[8] = ",".join(m for m in r[8].split(",") if not m.startswith("[Endpoint mapper]"))
            self.assertEqual([int(r[0]) for r in plugin if r[2] == "EPM"], list(supplied), name)
            self.assertEqual([r for r in plugin if int(r[0]) not in supplied],
                             [r for r in stock if int(r[0]) not in supplied], name)
            self.assertIn("No bind info for interface Context ID 0 - capture start too late?", stock[5][8])
            if "dcom" in name:
                self.assertEqual(plugin[5][2], "DCERPC")
                self.assertIn("No bind info for interface Context ID 0", plugin[5][8])

    def test_disabled_and_decode_as(self):
        """exmta disabled: nothing read on 135. Its reader is in the tcp.port
        table without a protocol, so Decode As lists nothing new for 135."""
        self.assertEqual(it.fields(it.sample("rpc-epm-reuse-nobind.pcap"), ["frame.number"], filt="exmta",
                                   extra=["--disable-protocol", "exmta"]), [])
        mine = [l for l in it.tshark(["-G", "decodes"]).splitlines() if l.startswith("tcp.port\t135\t")]
        stock = [l for l in it.tshark(["-G", "decodes"], stock=True).splitlines()
                 if l.startswith("tcp.port\t135\t")]
        self.assertEqual(mine, stock)


class DcomOn135(unittest.TestCase):
    """DCOM activation calls with opnum 3 on 135 (IRemoteSCMActivator::
    RemoteGetClassObject, IObjectExporter::ServerAlive) around one real
    ept_map: only the ept_map teaches an endpoint, with or without binds."""

    NOT_MAP = ("[Endpoint mapper] Opnum 3 on TCP 135 without a bind in the capture (call 1): not learned: the "
               "request is not an ept_map request in NDR or NDR64 (another interface's opnum 3 such as DCOM "
               "activation)")

    def test_nobind(self):
        pcap = it.sample("rpc-dcom-activation-nobind.pcap")
        self.assertEqual(it.fields(pcap, VERDICT_FIELDS, filt="exmta.epm.without_bind_verdict"), [
            ["6", REQ_NOT_MAP, "", ""], ["16", REQ_NOT_MAP, "", ""], ["36", REQ_NOT_MAP, "", ""]])
        msgs = it.fields(pcap, ["frame.number", "_ws.expert.message"], filt="exmta.expert.epm_without_bind")
        self.assertEqual([r[0] for r in msgs], ["6", "16", "36"])
        for r in msgs:
            self.assertIn(self.NOT_MAP, r[1].split(","))
        # the DCOM responses (7, 17, 37) carry nothing of exmta's
        self.assertEqual(it.fields(pcap, ["frame.number"],
                                   filt="exmta && (frame.number == 7 || frame.number == 17 || frame.number == 37)"),
                         [])
        self.assertEqual(it.fields(pcap, EPM_FIELDS, filt="exmta.epm"), [
            ["27", "1", "0", "127.10.0.2", "1032", "27", "26", "0x00000000", "", MTA]])
        endpoints, sessions, uat = summary(pcap)
        self.assertEqual([(r["host"], r["port"], r["found_by"], r["first_frame"]) for r in endpoints],
                         [("127.10.0.2", 1032, "EPM frame 27", 41)])
        self.assertEqual(len(uat), 1)
        self.assertEqual(summary(pcap, extra=["-2"]), (endpoints, sessions, uat))

    def test_with_binds(self):
        whole = it.sample("rpc-dcom-activation.pcap")
        self.assertEqual(it.fields(whole, VERDICT_FIELDS, filt="exmta.epm.without_bind_verdict"), [])
        self.assertEqual(it.fields(whole, ["frame.number", "exmta.epm.without_bind"], filt="exmta.epm"),
                         [["33", ""]])
        cut_frames = bind_frames(whole)
        self.assertEqual(cut_frames, [4, 6, 16, 18, 28, 30, 40, 42])
        self.assertEqual(mapped_summary(whole, mapper(cut_frames)),
                         summary(it.sample("rpc-dcom-activation-nobind.pcap")))


class PublicCaptures(unittest.TestCase):
    """Real Exchange/Outlook (mapi.cap), Windows NDR64 and Samba NDR32
    (dcerpc_witness.pcapng) lookups with their binds cut: the same endpoints."""

    def setUp(self):
        self.tmp = it.TempDir()

    def tearDown(self):
        self.tmp.cleanup()

    def check(self, name, cut_expected, without_bind):
        src = it.shared("wiki", name)
        cut_frames = bind_frames(src)
        self.assertEqual(cut_frames, cut_expected)
        dst = cut(src, self.tmp.file("nobind-" + name.replace(".gz", "")), cut_frames)
        self.assertEqual(mapped_summary(src, mapper(cut_frames)), summary(dst))
        rows = it.fields(dst, ["frame.number", "exmta.epm.without_bind"], filt="exmta.epm")
        self.assertEqual(rows, [[str(f), "1"] for f in without_bind])
        self.assertEqual(it.fields(dst, VERDICT_FIELDS, filt="exmta.epm.without_bind_verdict"), [])

    def test_mapi(self):
        self.check("mapi.cap", [397, 398, 498, 500, 702, 703], [398, 699])

    def test_witness(self):
        self.check("dcerpc_witness.pcapng", [220, 222, 243, 245, 350, 352, 513, 518, 548, 550],
                   [223, 244, 349, 518, 543])


def pdus(name):
    """frame number -> DCE/RPC payload of the TCP 135 frames of a sample"""
    out = {}
    for i, (_s, _u, raw, _o) in enumerate(it.read_pcap(it.sample(name))[1], 1):
        sp, dp, pl = it.tcp_payload(raw)
        if 135 in (sp, dp) and pl:
            out[i] = pl
    return out


def with_len(pdu, stub=None, flags=None, call_id=None, ptype=None, auth=b""):
    """pdu (24-byte request/response header + stub) with its stub, flags,
    call id, type or auth verifier replaced and frag_len / auth_len fixed."""
    hdr = bytearray(pdu[:24])
    body = pdu[24:] if stub is None else stub
    if flags is not None:
        hdr[3] = flags
    if ptype is not None:
        hdr[2] = ptype
    if call_id is not None:
        hdr[12:16] = struct.pack("<I", call_id)
    hdr[8:10] = struct.pack("<H", 24 + len(body) + len(auth))
    hdr[10:12] = struct.pack("<H", max(0, len(auth) - 8))
    return bytes(hdr) + body + auth


SESSION_PDU = b"\x05\x00\x00\x03\x10\x00\x00\x00\x20\x00\x00\x00\x01\x00\x00\x00" + b"\0" * 16
SUPPLIED_FIELDS = ["frame.number", "exmta.epm.without_bind_supplied", "_ws.col.Protocol", "_ws.col.Info",
                   "_ws.expert.message"]
SUPPLIED_FILTER = "tcp.port == 135 && dcerpc"


class Flows:
    """Hostile flows, each one connection 127.10.K.1:40000 -> 127.10.K.2:135
    (handshake, its steps as (from_client, payload), close) and then a
    session to the port the real lookup would teach (1032), K the flow's
    place: all in one capture, read by one tshark per question instead of
    a capture and its runs per flow. Each flow's answers are given back as
    its own capture would give them: its frames numbered from 1, its
    addresses 127.10.0.x (addresses in its payloads, 127.10.0.x, are
    127.10.K.x in the capture). Every row of every answer belongs to
    exactly one flow, or the whole read fails."""

    def __init__(self, tmp, flows):
        frames, self.span, self.index = [], {}, {}
        for k, (name, steps) in enumerate(flows):
            cli, srv = "127.10.%d.1" % k, "127.10.%d.2" % k
            t0 = 1700000000 + 1000 * k
            f = it.TcpFlow(cli, srv, 40000, 135, t0=t0).handshake()
            for from_cli, payload in steps:
                f.send(from_cli, self.place(payload, k))
            f.close()
            s = it.TcpFlow(cli, srv, 40001, 1032, t0=t0 + 100).handshake()
            s.send(True, SESSION_PDU)
            s.close()
            self.span[name] = (len(frames), len(frames) + len(f.frames) + len(s.frames))
            self.index[name] = k
            frames += f.frames + s.frames
        self.pcap = it.write_pcap(tmp.file("hostile-flows.pcap"), frames)

    @staticmethod
    def place(payload, k):
        return payload.replace(b"\x7f\x0a\x00\x02", bytes([127, 10, k, 2])) \
                      .replace(b"\x7f\x0a\x00\x03", bytes([127, 10, k, 3]))

    def flow_of_frame(self, n):
        for name, (lo, hi) in self.span.items():
            if lo < n <= hi:
                return name
        raise AssertionError("frame %d belongs to no flow" % n)

    def flow_of_host(self, host):
        m = re.match(r"^127\.10\.(\d+)\.(\d+)$", str(host))
        if not m:
            raise AssertionError("%s is no flow's address" % host)
        for name, k in self.index.items():
            if k == int(m.group(1)):
                return name, "127.10.0.%s" % m.group(2)
        raise AssertionError("%s is no flow's address" % host)

    def local(self, name, n):
        return n - self.span[name][0]

    def rows(self, rows, frame_cols):
        """Rows of a -T fields read (frame.number first) -> {flow: rows}, the
        frame numbers in frame_cols made the flow's own."""
        out = {name: [] for name in self.span}
        for r in rows:
            name = self.flow_of_frame(int(r[0]))
            r = list(r)
            for c in frame_cols:
                if r[c]:
                    r[c] = ",".join(str(self.local(name, int(v))) for v in r[c].split(","))
            out[name].append(r)
        return out

    def summary(self):
        """{flow: (endpoints, uat)}"""
        endpoints, _sessions, uat = summary(self.pcap)
        out = {name: ([], []) for name in self.span}
        for row in endpoints:
            name, host = self.flow_of_host(row["host"])
            row = dict(row, host=host)
            fmap = lambda n: self.local(name, n)   # noqa: E731
            for k in ("first_frame", "last_frame"):
                if row.get(k) is not None:
                    row[k] = fmap(row[k])
            if "epm_frames" in row:
                row["epm_frames"] = [fmap(n) for n in row["epm_frames"]]
            row["found_by"] = re.sub(r"EPM frame (\d+)", lambda m: "EPM frame %d" % fmap(int(m.group(1))),
                                     row["found_by"])
            out[name][0].append(row)
        for line in uat:
            m = re.match(r'^"([^"]*)"(,"[^"]*","[^"]*","[^"]*","[^"]*","[^"]*",)"(\d+)"(.*)$', line)
            if not m:
                raise AssertionError("UAT line not understood: %s" % line)
            name, host = self.flow_of_host(m.group(1))
            out[name][1].append('"%s"%s"%d"%s' % (host, m.group(2), self.local(name, int(m.group(3))), m.group(4)))
        return out


class Hostile(unittest.TestCase):
    """Calls built from the real NDR32 MTA lookup (rpc-epm-reuse-nobind
    frames 6 and 7) that must not teach an endpoint, nor crash: every flow
    below in one capture (Flows), each test reading its own flows."""

    @classmethod
    def setUpClass(cls):
        p = pdus("rpc-epm-reuse-nobind.pcap")
        cls.req, cls.resp, cls.resp_qadmin = p[6], p[7], p[9]
        cls.dcom = pdus("rpc-dcom-activation.pcap")   # with binds: 4 = bind ISystemActivator
        cls.tmp = it.TempDir()
        cls.flows = Flows(cls.tmp, cls.flow_steps())
        fl = cls.flows
        verdicts = it.fields(fl.pcap, VERDICT_FIELDS, filt="exmta.epm.without_bind_verdict")
        # every pass reads what the first decided
        cls.verdicts_two_pass = it.fields(fl.pcap, VERDICT_FIELDS, filt="exmta.epm.without_bind_verdict",
                                          two_pass=True)
        cls.verdicts_one_pass = verdicts
        cls.verdicts = fl.rows(verdicts, (0, 2))
        cls.summaries = fl.summary()
        cls.flagged = {name: [r[0] for r in rows] for name, rows in
                       fl.rows(it.fields(fl.pcap, ["frame.number"], filt="exmta.rpc || exmta.epm"), (0,)).items()}
        cls.supplied_rows = fl.rows(it.fields(fl.pcap, SUPPLIED_FIELDS, filt=SUPPLIED_FILTER), (0,))
        cls.supplied_two_pass = fl.rows(it.fields(fl.pcap, SUPPLIED_FIELDS, filt=SUPPLIED_FILTER, two_pass=True),
                                        (0,))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def flow_steps(cls):
        req, resp, dcom = cls.req, cls.resp, cls.dcom
        flows = [
            ("control", [(True, req), (False, resp)]),
            ("segments", [(True, req[:40]), (True, req[40:]), (False, resp[:100]), (False, resp[100:])]),
        ]
        for n in (4, 8, 40, 100):
            flows.append(("trunc%d" % n, [(True, req), (False, with_len(resp, stub=resp[24:-n]))]))
        for n in (4, 20, 80):
            flows.append(("rtrunc%d" % n, [(True, with_len(req, stub=req[24:-n])), (False, resp)]))
        flows.append(("noreq", [(False, resp)]))
        flows.append(("callid", [(True, req), (False, with_len(resp, call_id=2))]))
        stub = req[24:]
        flows.append(("frag", [(True, with_len(req, stub=stub[:64], flags=0x01)),
                               (True, with_len(req, stub=stub[64:], flags=0x02)), (False, resp)]))
        flows.append(("rfrag", [(True, req), (False, with_len(resp, stub=resp[24:88], flags=0x01)),
                                (False, with_len(resp, stub=resp[88:], flags=0x02))]))
        fault = with_len(resp, stub=b"\x05\x00\x01\x1c\x00\x00\x00\x00", ptype=3)
        flows.append(("fault", [(True, req), (False, fault)]))
        flows.append(("mismatch", [(True, req), (False, with_len(cls.resp_qadmin, call_id=1))]))
        auth = b"\x0a\x02\x00\x00\x00\x00\x00\x00" + b"\x11" * 16
        flows.append(("auth", [(True, with_len(req, auth=auth)), (False, resp)]))
        flows.append(("bound", [(True, dcom[4]), (False, dcom[6]), (True, req), (False, resp)]))
        flows.append(("two", [(True, req + with_len(req, call_id=2)), (False, resp + with_len(resp, call_id=2))]))

        def on_ctx(pdu, ctx):
            return pdu[:20] + struct.pack("<H", ctx) + pdu[22:]
        for ctx in (5, 70):
            flows.append(("ctx%d" % ctx, [(True, on_ctx(req, ctx)), (False, on_ctx(resp, ctx))]))
        lookup = with_len(req, stub=req[24:], call_id=9)
        lookup = lookup[:22] + struct.pack("<H", 2) + lookup[24:]
        flows.append(("notfirst", [(True, lookup), (True, req), (False, resp)]))
        flows.append(("dcomreq", [(True, dcom[8]), (False, resp)]))
        import random
        rnd = random.Random(7)
        steps = []
        for n in range(0, 200, 7):
            stub = bytes(rnd.getrandbits(8) for _ in range(n))
            steps += [(True, with_len(req, stub=stub, call_id=100 + n)),
                      (False, with_len(resp, stub=bytes(rnd.getrandbits(8) for _ in range(n)), call_id=100 + n))]
        flows.append(("garbage", steps))
        return flows

    def run_flow(self, name):
        """(verdict rows, endpoints, UAT lines, flagged frames) of one flow."""
        endpoints, uat = self.summaries[name]
        return self.verdicts[name], endpoints, uat, self.flagged[name]

    def supplied(self, name):
        return self.supplied_rows[name]

    def assert_nothing_learned(self, endpoints, uat, flagged):
        self.assertEqual(endpoints, [])
        self.assertEqual(uat, [])
        self.assertEqual(flagged, [])

    def test_every_pass_reads_what_the_first_decided(self):
        self.assertEqual(self.verdicts_two_pass, self.verdicts_one_pass)
        # the flows are really there: every one has frames on 135 that stock reads as DCE/RPC
        self.assertEqual(sorted(n for n, rows in self.supplied_rows.items() if rows), sorted(self.flows.span))

    def test_control(self):
        """The same flow untouched teaches 1032 (so the cases below can fail)."""
        verdicts, endpoints, uat, flagged = self.run_flow("control")
        self.assertEqual(verdicts, [])
        self.assertEqual([(r["host"], r["port"], r["found_by"]) for r in endpoints],
                         [("127.10.0.2", 1032, "EPM frame 5")])
        self.assertEqual(flagged, ["5"] + [str(n) for n in range(9, 16)])

    def test_tcp_segments(self):
        """Request and response each cut into two TCP segments: read from
        TCP's reassembled PDU, learned in the frame that completes it."""
        verdicts, endpoints, uat, flagged = self.run_flow("segments")
        self.assertEqual(verdicts, [])
        self.assertEqual([(r["host"], r["port"], r["found_by"]) for r in endpoints],
                         [("127.10.0.2", 1032, "EPM frame 7")])
        self.assertEqual(flagged, ["7"] + [str(n) for n in range(11, 18)])

    def test_truncated_response(self):
        for n in (4, 8, 40, 100):
            verdicts, endpoints, uat, flagged = self.run_flow("trunc%d" % n)
            self.assertEqual(verdicts, [["5", RESP_NOT_MAP, "4", ""]], n)
            self.assert_nothing_learned(endpoints, uat, flagged)

    def test_truncated_request(self):
        for n in (4, 20, 80):
            verdicts, endpoints, uat, flagged = self.run_flow("rtrunc%d" % n)
            self.assertEqual(len(verdicts), 1, n)
            self.assertEqual(verdicts[0][0], "4")
            self.assertIn(verdicts[0][1], (REQ_NOT_MAP, "2"))
            self.assert_nothing_learned(endpoints, uat, flagged)

    def test_response_without_request(self):
        verdicts, endpoints, uat, flagged = self.run_flow("noreq")
        self.assertEqual(verdicts, [])
        self.assert_nothing_learned(endpoints, uat, flagged)

    def test_other_call_id(self):
        verdicts, endpoints, uat, flagged = self.run_flow("callid")
        self.assertEqual(verdicts, [])
        self.assert_nothing_learned(endpoints, uat, flagged)

    def test_fragments(self):
        verdicts, endpoints, uat, flagged = self.run_flow("frag")
        self.assertEqual(verdicts, [["4", FRAGMENTED, "", ""], ["5", FRAGMENTED, "", ""]])
        self.assert_nothing_learned(endpoints, uat, flagged)
        verdicts, endpoints, uat, flagged = self.run_flow("rfrag")
        self.assertEqual(verdicts, [["5", FRAGMENTED, "4", ""]])
        self.assert_nothing_learned(endpoints, uat, flagged)

    def test_fault(self):
        verdicts, endpoints, uat, flagged = self.run_flow("fault")
        self.assertEqual(verdicts, [["5", FAULT, "4", ""]])
        self.assert_nothing_learned(endpoints, uat, flagged)

    def test_mismatch(self):
        verdicts, endpoints, uat, flagged = self.run_flow("mismatch")
        self.assertEqual(verdicts, [["5", RESP_MISMATCH, "4", ""]])
        self.assert_nothing_learned(endpoints, uat, flagged)

    def test_authenticated(self):
        verdicts, endpoints, uat, flagged = self.run_flow("auth")
        self.assertEqual(verdicts, [["4", AUTHENTICATED, "", ""]])
        self.assert_nothing_learned(endpoints, uat, flagged)

    def test_bound_context(self):
        """A bind for another interface (ISystemActivator) on context 0:
        that context is not exmta's to read, whatever its calls look like."""
        verdicts, endpoints, uat, flagged = self.run_flow("bound")
        self.assertEqual(verdicts, [])
        self.assert_nothing_learned(endpoints, uat, flagged)

    def test_two_pdus_in_one_segment(self):
        """request and response of two calls in single segments: both judged."""
        verdicts, endpoints, uat, flagged = self.run_flow("two")
        self.assertEqual(verdicts, [])
        self.assertEqual([(r["port"], r["found_by"]) for r in endpoints], [(1032, "EPM frame 5")])

    def test_supplied_context_ids(self):
        """Context 5 and 70 (above the 64 kept in a bit mask): learned, the
        bind supplied for that context, stock's decode as clean as on
        context 0 (no "multiple PDUs" note, no " # " in Info)."""
        for ctx in (5, 70):
            verdicts, endpoints, uat, flagged = self.run_flow("ctx%d" % ctx)
            self.assertEqual(verdicts, [])
            self.assertEqual([(r["port"], r["found_by"]) for r in endpoints], [(1032, "EPM frame 5")], ctx)
            rows = self.supplied("ctx%d" % ctx)
            self.assertEqual([r[:4] for r in rows], [["4", str(ctx), "EPM", "Map request, MTA, 32bit NDR"],
                                                     ["5", "", "EPM", "Map response, MTA, 32bit NDR"]], ctx)
            self.assertEqual([r[4] for r in rows], ["", ""], ctx)
            self.assertEqual(self.supplied_two_pass["ctx%d" % ctx], rows)

    def test_not_first_call_on_context(self):
        """An earlier call on the context (opnum 2, ept_lookup): stock would
        decode it as EPM only on a second pass, so no bind is supplied, and
        exmta still learns."""
        verdicts, endpoints, uat, flagged = self.run_flow("notfirst")
        self.assertEqual(verdicts, [])
        self.assertEqual([(r["port"], r["found_by"]) for r in endpoints], [(1032, "EPM frame 6")])
        rows = self.supplied("notfirst")
        self.assertEqual([r[1:3] for r in rows], [["", "DCERPC"]] * 3)

    def test_rejected_request_supplies_nothing(self):
        """DCOM's opnum 3 on an unbound context: no bind supplied, stock
        still says "No bind info"."""
        verdicts, endpoints, uat, flagged = self.run_flow("dcomreq")
        self.assertEqual([v[:2] for v in verdicts], [["4", REQ_NOT_MAP]])
        rows = self.supplied("dcomreq")
        self.assertEqual([r[1:3] for r in rows], [["", "DCERPC"]] * 2)
        self.assertIn("No bind info", rows[0][4])

    def test_garbage(self):
        """Random bytes after a valid header, in every length: no crash, nothing learned."""
        verdicts, endpoints, uat, flagged = self.run_flow("garbage")
        self.assertTrue(all(v[1] in (REQ_NOT_MAP, "2") for v in verdicts), verdicts)
        self.assert_nothing_learned(endpoints, uat, flagged)

    def test_stock_assertion_behind_supplied_bind(self):
        """An NDR64 ept_map response whose tower array claims 2^32 + 4 towers
        trips an assertion in stock's NDR array code (Wireshark 4.0 to 4.6).
        With the bind in the capture stock names it on that frame ("Dissector
        bug, protocol EPM") and goes on. With no bind, the response stock
        decodes through exmta's supplied bind shows the same item, tshark
        exits 0 on one pass and on -2, and nothing is learned."""
        ndr64 = pdus("rpc-epm-reuse-ndr64.pcap")
        bind, ack, req, resp = ndr64[4], ndr64[6], ndr64[8], ndr64[9]
        self.assertEqual(resp[24 + 24:24 + 32], struct.pack("<Q", 4))   # the array's max count
        big = resp[:24 + 28] + struct.pack("<I", 1) + resp[24 + 32:]

        def flow(name, steps):
            f = it.TcpFlow("127.10.0.1", "127.10.0.2", 40000, 135).handshake()
            for from_cli, payload in steps:
                f.send(from_cli, payload)
            f.close()
            return it.write_pcap(self.tmp.file(name + ".pcap"), f.frames)

        def run(pcap, stock, two_pass=False):
            cols = ["frame.number", "_ws.col.Protocol", "_ws.expert.message"]
            if not stock:
                cols += ["exmta.epm.without_bind_supplied", "exmta.rpc.port", "exmta.epm.without_bind_verdict"]
            args = ["-r", pcap, "-Y", "tcp.port == 135 && dcerpc", "-T", "fields", "-E", "separator=\t"]
            for c in cols:
                args += ["-e", c]
            rc, out, err = it.tshark_run(args + (["-2"] if two_pass else []), stock=stock)
            self.assertEqual(rc, 0, err)
            self.assertTrue(all("Dissector bug, protocol EPM" in l for l in err.splitlines()), err)
            return [l.split("\t") for l in out.splitlines()]

        stock = run(flow("big-bind", [(True, bind), (False, ack), (True, req), (False, big)]), stock=True)
        self.assertEqual([r[:2] for r in stock], [["4", "DCERPC"], ["5", "DCERPC"], ["6", "EPM"], ["7", "EPM"]])
        bug = stock[3][2]
        self.assertRegex(bug, r'^\S*packet-dcerpc\.c:\d+: failed assertion "val <= ')
        nobind = flow("big-nobind", [(True, req), (False, big)])
        for two_pass in (False, True):
            rows = run(nobind, stock=False, two_pass=two_pass)
            self.assertEqual([r[0:2] + r[3:] for r in rows], [["4", "EPM", "0", "", ""],
                                                              ["5", "EPM", "", "", RESP_NOT_MAP]])
            self.assertIn(bug, rows[1][2].split(","))


if __name__ == "__main__":
    it.main()
