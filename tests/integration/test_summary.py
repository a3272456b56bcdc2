"""The endpoint summary (-z exmta,endpoints and the Statistics table
-z exmta,table) with the real tshark and the built plugin: exact rows for
every sample capture and for the public X.400 / MMS / MAPI captures, in text,
CSV and JSON (parsed and compared as data), one pass and two passes, and the
UAT lines (-z exmta,endpoints,uat)."""
import csv
import datetime
import io
import json
import os
import struct
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import exmta_it as it  # noqa: E402

COLUMNS = ["host", "port", "kind", "found_by", "sessions", "frames", "bytes", "first_frame", "last_frame", "outcome"]
# JSON only: every ept_map response frame, and the ways of finding as tokens
JSON_EXTRA = ["epm_frames", "found_by_methods"]
TOKENS = {"port preference": "port_preference", "tpkt.tcp.port": "tpkt_port", "heuristic": "heuristic",
          "Decode As": "decode_as", "static port preference": "static_port", "known endpoints table": "known_table"}
MTA = "9e8ee830-4459-11ce-979b-00aa005ffebe"
OK_AB = "X.400 bind accepted (EXCH-MTA-A -> EXCH-MTA-B)"

# (capture, extra tshark args) -> rows
# (host, port, kind, found by, sessions, frames, bytes, first frame, last frame, outcome)
SAMPLES = [
    ("conn-refused-10102.pcap", [], []),
    ("conn-refused-10102.pcap", ["-o", "exmta.tcp.port:102,10102"], [
        ("192.0.2.20", 10102, "RFC1006 (not X.400)", "port preference", 1, 1, 54, 2, 2, "connection refused")]),
    ("conn-refused-102.pcap", [], [
        ("192.0.2.20", 102, "RFC1006 (not X.400)", "port preference", 2, 2, 108, 2, 4, "connection refused")]),
    ("cotp-disconnect.pcap", [], [
        ("192.0.2.20", 102, "RFC1006 (not X.400)", "port preference", 1, 2, 154, 4, 5,
         "COTP disconnect: Address unknown (0x03)")]),
    ("exchange40-reserved-byte.pcap", [], [
        ("192.0.2.20", 102, "X.400 over RFC1006", "port preference", 1, 6, 804, 4, 9, OK_AB)]),
    ("rpc-endpoint-port-change.pcap", [], [
        ("127.10.0.2", 1032, "MTA RPC", "EPM frame 9", 1, 14, 1208, 13, 26, "sessions OK"),
        ("127.10.0.2", 1034, "MTA RPC", "EPM frame 35", 1, 14, 1208, 39, 52, "sessions OK")]),
    ("rpc-epm-lookup-bind.pcap", [], [
        ("127.10.0.2", 1032, "MTA RPC", "EPM frame 9", 1, 14, 1208, 13, 26, "sessions OK")]),
    ("rpc-epm-lookup-failed.pcap", [], [
        ("127.10.0.2", 135, "MTA RPC", "EPM frame 9", 1, 1, 130, 9, 9,
         "EPM lookup failed: EPT_S_NOT_REGISTERED (0x16c9a0d6)")]),
    ("rpc-epm-lookup-nobind.pcap", [], [
        ("127.10.0.2", 1032, "MTA RPC", "EPM frame 9", 1, 12, 944, 13, 24, "sessions OK")]),
    ("rpc-multi-endpoints.pcap", [], [
        ("127.10.0.2", 1032, "MTA RPC", "EPM frame 19", 1, 14, 1208, 29, 42, "sessions OK"),
        ("127.10.0.2", 1033, "MTA QAdmin RPC", "EPM frame 51", 1, 14, 1204, 55, 68, "sessions OK"),
        ("127.10.0.3", 1045, "MTA RPC", "EPM frame 77", 1, 14, 1208, 81, 94, "sessions OK"),
        ("127.10.0.3", 1050, "other EPM-learned interface (6f2a1e7c-3b5d-4c8e-9a01-5e4d3c2b1a00 v1.0)",
         "EPM frame 103", 1, 14, 1204, 107, 120, "sessions OK"),
        ("127.10.0.6", 1040, "MTA RPC", "EPM frame 141", 1, 2, 128, 145, 146, "connection refused")]),
    ("rpc-static-port.pcap", [], []),
    ("rpc-static-port.pcap", ["-o", "exmta.rpc_static_ports:5001"], [
        ("127.10.0.2", 5001, "MTA RPC", "static port preference", 1, 14, 1208, 1, 14, "sessions OK")]),
    ("tpkt-lookalike.pcap", [], []),
    ("x400-bind-accepted-10102.pcap", [], [
        ("192.0.2.20", 10102, "X.400 over RFC1006", "heuristic", 1, 6, 804, 4, 9, OK_AB)]),
    ("x400-bind-accepted-10102.pcap", ["-o", "exmta.tcp.port:10102"], [
        ("192.0.2.20", 10102, "X.400 over RFC1006", "port preference", 1, 6, 804, 4, 9, OK_AB)]),
    ("x400-bind-accepted.pcap", [], [
        ("192.0.2.20", 102, "X.400 over RFC1006", "port preference", 1, 6, 804, 4, 9, OK_AB)]),
    ("x400-bind-refused.pcap", [], [
        ("192.0.2.20", 102, "X.400 over RFC1006", "port preference", 1, 4, 599, 4, 7,
         "X.400 bind refused: authentication-error")]),
    # refused below the MTA bind: the layer that answered, as the
    # association table's result says it
    ("x400-refused-session-ssel.pcap", [], [
        ("192.0.2.20", 102, "X.400 over RFC1006", "port preference", 1, 4, 520, 4, 7,
         "X.400 association refused by session: called SSAP not recognised (0x81)")]),
    ("x400-refused-presentation.pcap", [], [
        ("192.0.2.20", 102, "X.400 over RFC1006", "port preference", 1, 4, 529, 4, 7,
         "X.400 association refused by presentation: called-presentation-address-unknown (3)")]),
    ("x400-refused-acse-context.pcap", [], [
        ("192.0.2.20", 102, "X.400 over RFC1006", "port preference", 1, 4, 590, 4, 7,
         "X.400 association refused by ACSE: rejected-permanent (1)")]),
    ("x400-refused-rtse-busy.pcap", [], [
        ("192.0.2.20", 102, "X.400 over RFC1006", "port preference", 1, 4, 608, 4, 7,
         "X.400 association refused by RTSE: busy (0)")]),
    ("x400-refused-rtse-dialogue.pcap", [], [
        ("192.0.2.20", 102, "X.400 over RFC1006", "port preference", 1, 4, 608, 4, 7,
         "X.400 association refused by RTSE: unacceptable-dialogue-mode (3)")]),
    ("x400-transfer-segmented.pcap", [], [
        ("192.0.2.20", 102, "X.400 over RFC1006", "port preference", 1, 25, 25179, 4, 43, OK_AB)]),
]

SHARED = [
    ("x400-ping-success.pcap", [
        ("192.168.0.4", 102, "X.400 over RFC1006", "port preference", 1, 6, 808, 4, 9,
         "X.400 bind accepted (percival.smhs.co.uk -> guinevere.smhs.co.uk)")]),
    ("x400-ping-refuse.pcap", [
        ("192.168.0.4", 102, "X.400 over RFC1006", "port preference", 1, 4, 585, 4, 7,
         "X.400 bind refused: authentication-error")]),
    ("mms.pcap.gz", [
        ("10.101.1.3", 102, "RFC1006 (not X.400)", "port preference", 1, 330, 36211, 4, 497, "sessions OK")]),
    ("mapi.cap", [
        ("192.168.0.2", 4997, "other EPM-learned interface (NSPI)", "EPM frame 400", 2, 18, 2005, 405, 563,
         "sessions OK"),
        ("192.168.0.2", 1032, "other EPM-learned interface (MAPI)", "EPM frame 705", 1, 20, 5029, 708, 800,
         "sessions OK")]),
    # two lookups of each of two endpoints: the first response and a count
    ("dcerpc_witness.pcapng", [
        ("192.168.3.43", 49302, "other EPM-learned interface (WITNESS)", "EPM frame 225 (+1 more)", 3, 40, 7589,
         226, 578, "sessions OK"),
        ("192.168.3.45", 53572, "other EPM-learned interface (WITNESS)", "EPM frame 248 (+1 more)", 3, 58, 11640,
         249, 575, "sessions OK"),
        ("192.168.122.201", 1024, "other EPM-learned interface (WITNESS)", "EPM frame 355", 1, 20, 4431, 356, 454,
         "sessions OK")]),
]
# the JSON's list of every ept_map response of a row whose text says "(+N more)"
EPM_FRAMES = {("192.168.3.43", 49302): [225, 553], ("192.168.3.45", 53572): [248, 526]}


def summary(pcap, extra=(), fmt="csv", two_pass=False):
    args = (["-2"] if two_pass else []) + list(extra) + ["-r", pcap, "-q", "-z", "exmta,endpoints," + fmt]
    return it.tshark(args)


def rows_from_csv(out):
    """CSV -> list of tuples typed like the expectations (RFC 4180: CRLF)."""
    assert out.endswith("\r\n"), repr(out[-10:])
    recs = list(csv.reader(io.StringIO(out, newline="")))
    assert recs[0] == COLUMNS, recs[0]
    rows = []
    for r in recs[1:]:
        rows.append((r[0], int(r[1]), r[2], r[3], int(r[4]), int(r[5]), int(r[6]),
                     int(r[7]) if r[7] else None, int(r[8]) if r[8] else None, r[9]))
    return rows


def rows_from_json(out, extra=False):
    """The rows as tuples of the columns; with extra, the tuple ends with
    epm_frames and found_by_methods."""
    data = json.loads(out)
    assert isinstance(data, list)
    for o in data:
        assert list(o.keys()) == COLUMNS + JSON_EXTRA, list(o.keys())
    return [tuple(o[k] for k in COLUMNS + (JSON_EXTRA if extra else [])) for o in data]


def json_extra(row):
    """epm_frames and found_by_methods that an expected row's found by column
    implies: "EPM frame N" alone is [N]; "(+K more)" rows are in EPM_FRAMES."""
    frames, tokens = [], []
    for part in row[3].split("; "):
        if part.startswith("EPM frame "):
            tokens.append("epm")
            first = int(part.split()[2])
            frames = EPM_FRAMES[(row[0], row[1])] if "more)" in part else [first]
            assert frames[0] == first and "(+%d more)" % (len(frames) - 1) in part + "(+0 more)", (part, frames)
        else:
            tokens.append(TOKENS[part])
    return tuple(row) + (frames, tokens)


def rows_from_text(out):
    """The aligned table: columns are separated by two or more spaces and only
    the last column (outcome) may contain a run of single spaces."""
    lines = out.splitlines()
    assert lines[0].startswith("=====") and lines[-1].startswith("====="), out
    n = int(lines[1].rsplit(":", 1)[1])
    header = lines[2]
    starts = [header.index(h) for h in ["host", "port", "kind", "found by", "sessions", "frames", "bytes",
                                        "first frame", "last frame", "outcome"]]
    rows = []
    for line in lines[3:-1]:
        # numeric columns are right-aligned: cut on the header's column starts,
        # widened to the left for right-aligned numbers
        cells = []
        parts = [p for p in line.split("  ") if p.strip()]
        cells = [p.strip() for p in parts[:9]] + ["  ".join(parts[9:]).strip()]
        rows.append(tuple(cells))
    assert len(rows) == n, (n, rows)
    assert starts == sorted(starts)
    return rows


def as_text_cells(rows):
    return [tuple("-" if v is None else str(v) for v in r) for r in rows]


def all_forms(pcap, extra=(), two_pass=False):
    """One tshark run with -z exmta,endpoints,csv, ...,json and the plain
    -z exmta,endpoints (text): the three outputs, told apart by their first
    lines (CSV header, "[" ... "]", "=====" ... "=====")."""
    args = (["-2"] if two_pass else []) + list(extra) + ["-r", pcap, "-q", "-z", "exmta,endpoints,csv",
                                                          "-z", "exmta,endpoints,json", "-z", "exmta,endpoints"]
    lines = it.tshark(args).split("\n")
    a = next(i for i, l in enumerate(lines) if l in ("[", "[]"))
    b = a if lines[a] == "[]" else lines.index("]", a)
    t0 = next(i for i, l in enumerate(lines) if l.startswith("====="))
    t1 = next(i for i in range(t0 + 1, len(lines)) if lines[i].startswith("====="))
    c0 = next(i for i, l in enumerate(lines) if l.startswith(",".join(COLUMNS)))
    c1 = next((i for i in range(c0 + 1, len(lines)) if i in (a, t0) or not lines[i]), len(lines))
    return {"json": "\n".join(lines[a:b + 1]) + "\n", "text": "\n".join(lines[t0:t1 + 1]) + "\n",
            "csv": "\n".join(lines[c0:c1]) + "\n"}


class SummaryRows(unittest.TestCase):
    def check(self, pcap, extra, expected):
        label = "%s %s" % (os.path.basename(pcap), " ".join(extra))
        forms = all_forms(pcap, extra)
        got = rows_from_csv(forms["csv"])
        self.assertEqual(got, expected, label + " (csv)")
        self.assertEqual(rows_from_json(forms["json"]), expected, label + " (json)")
        self.assertEqual(rows_from_json(forms["json"], extra=True), [json_extra(r) for r in expected],
                         label + " (json epm_frames, found_by_methods)")
        # plain "-z exmta,endpoints" is the text form
        self.assertEqual(rows_from_text(forms["text"]), as_text_cells(expected), label + " (text)")
        self.assertEqual(rows_from_csv(all_forms(pcap, extra, two_pass=True)["csv"]), expected, label + " (-2)")

    def test_samples(self):
        for name, extra, expected in SAMPLES:
            with self.subTest(capture=name, extra=extra):
                self.check(it.sample(name), extra, expected)

    def test_public_captures(self):
        for name, expected in SHARED:
            with self.subTest(capture=name):
                self.check(it.shared("wiki", name), [], expected)

    def test_refusals_as_the_association_table_says(self):
        """Every X.400 capture: each association refused by the session,
        presentation, ACSE or RTSE shows in its endpoint's outcome as
        "X.400 association" and the association table's result, and no
        other outcome says so."""
        seen = 0
        for pcap in it.x400_captures():
            out = it.tshark(["-r", pcap, "-q", "-z", "exmta,associations,csv", "-z", "exmta,endpoints,csv"])
            # the two tables, in the order tshark draws them: each from its header on
            tables, cur = {}, None
            for line in out.splitlines():
                if line.startswith("assoc,stream,") or line == ",".join(COLUMNS):
                    cur = tables.setdefault(line.split(",")[0], [])
                if cur is not None and line:
                    cur.append(line)
            assocs, ends = list(csv.DictReader(tables["assoc"])), list(csv.DictReader(tables["host"]))
            want = {}
            for a in assocs:
                if a.get("result", "").startswith(("refused by session", "refused by presentation",
                                                   "refused by ACSE", "refused by RTSE")):
                    want.setdefault((a["server"], a["port"]), set()).add("X.400 association " + a["result"])
            got = {}
            for e in ends:
                said = {o for o in e["outcome"].split("; ") if o.startswith("X.400 association ")}
                if said:
                    got[(e["host"], e["port"])] = said
            with self.subTest(capture=os.path.basename(pcap)):
                self.assertEqual(got, want)
            seen += len(want)
        self.assertGreaterEqual(seen, 5)

    def test_bind_names_without_q_and_without_tree_options(self):
        # the listener asks for the tree and primes the P1 fields itself:
        # no -V / -O / -Y is needed for the MTA names
        out = it.tshark(["-r", it.shared("wiki", "x400-ping-success.pcap"), "-z", "exmta,endpoints,csv"])
        self.assertIn("X.400 bind accepted (percival.smhs.co.uk -> guinevere.smhs.co.uk)", out)

    def test_user_filter(self):
        pcap = it.sample("conn-refused-102.pcap")
        want = [("192.0.2.20", 102, "RFC1006 (not X.400)", "port preference", 1, 1, 54, 4, 4, "connection refused")]
        self.assertEqual(rows_from_csv(summary(pcap, (), "csv,tcp.stream == 1")), want)
        # a filter without a format: text
        self.assertEqual(rows_from_text(it.tshark(["-r", pcap, "-q", "-z", "exmta,endpoints,tcp.stream == 1"])),
                         as_text_cells(want))

    def test_bad_argument(self):
        out = it.tshark(["-r", it.sample("conn-refused-102.pcap"), "-q", "-z", "exmta,endpointsX"], check=False)
        self.assertNotIn("Exchange MTA endpoints", out)

    def test_statistics_table_same_rows(self):
        """-z exmta,table is the GUI's table (Statistics > Exchange MTA
        Endpoints) printed by tshark's generic simple-table printer."""
        for name, extra, expected in SAMPLES:
            if not expected:
                continue
            with self.subTest(capture=name, extra=extra):
                out = it.tshark(list(extra) + ["-r", it.sample(name), "-q", "-z", "exmta,table"])
                lines = out.splitlines()
                i = lines.index("Exchange MTA Endpoints")
                body = [l for l in lines[i + 1:] if l and not l.startswith("=====")]
                got = [tuple(c.strip() for c in l.split("|")[:-1]) for l in body]
                want = [tuple("0" if v is None else str(v) for v in r) for r in expected]
                self.assertEqual(got, want)


class SummaryUat(unittest.TestCase):
    def test_uat_lines(self):
        pcap = it.sample("rpc-multi-endpoints.pcap")
        times = {}
        for fr, t in it.fields(pcap, ["frame.number", "frame.time_epoch"], stock=True):
            times[int(fr)] = t
        out = it.tshark(["-o", "exmta.capture_name:site a, \"x\".pcap", "-r", pcap, "-q",
                         "-z", "exmta,endpoints,uat"])

        def iso(frame):
            secs, frac = times[frame].split(".")
            base = datetime.datetime.fromtimestamp(int(secs), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
            return "%s.%sZ" % (base, frac[:6])

        name = "site a, \\x22x\\x22.pcap"
        want = [
            ["127.10.0.2", "1032", MTA, "2.0", "MTA RPC", name, "19", iso(19)],
            ["127.10.0.2", "1033", "38a94e72-a9bc-11d2-8faf-00c04fa378ff", "1.0", "MTA QAdmin RPC", name, "51",
             iso(51)],
            ["127.10.0.3", "1045", MTA, "2.0", "MTA RPC", name, "77", iso(77)],
            ["127.10.0.3", "1050", "6f2a1e7c-3b5d-4c8e-9a01-5e4d3c2b1a00", "1.0", "other EPM-learned interface",
             name, "103", iso(103)],
            ["127.10.0.6", "1040", MTA, "2.0", "MTA RPC", name, "141", iso(141)],
        ]
        lines = out.splitlines()
        self.assertEqual(len(lines), len(want), out)
        for line, w in zip(lines, want):
            self.assertEqual(line, ",".join('"%s"' % v for v in w))

    def test_uat_without_capture_name_and_only_epm_rows(self):
        # the static port and the RFC1006 rows are not learned from EPM: no line
        out = it.tshark(["-o", "exmta.rpc_static_ports:5001", "-r", it.sample("rpc-static-port.pcap"), "-q",
                         "-z", "exmta,endpoints,uat"])
        self.assertEqual(out, "")
        out = it.tshark(["-r", it.sample("rpc-epm-lookup-bind.pcap"), "-q", "-z", "exmta,endpoints,uat"])
        self.assertRegex(out, r'^"127\.10\.0\.2","1032","%s","2\.0","MTA RPC","","9","\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z"\n$'
                         % MTA)
        out = it.tshark(["-r", it.sample("rpc-epm-lookup-failed.pcap"), "-q", "-z", "exmta,endpoints,uat"])
        self.assertEqual(out, "")


class ManyLookups(unittest.TestCase):
    """21 ept_map lookups of one endpoint, then one session to it: the
    nobind sample's EPM connection (frames 1-12, response in 9) 21 times
    from other client ports, then its session (13-24). Text and CSV say the
    first response and how many more; JSON lists all 21."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = it.TempDir()
        _lt, frames = it.read_pcap(it.sample("rpc-epm-lookup-nobind.pcap"))
        t0 = frames[0][0]
        pkts = []

        def at(frame, sec_offset, raw=None):
            sec, usec, old, orig = frame
            return (sec - t0 + 1700000000 + sec_offset, usec, raw if raw is not None else old, orig)
        for k in range(21):
            for f in frames[:12]:
                b = bytearray(f[2])
                t = 14 + (b[14] & 0x0F) * 4
                sp, dp = struct.unpack(">HH", b[t:t + 4])
                b[t:t + 4] = struct.pack(">HH", sp + k if sp == 46493 else sp, dp + k if dp == 46493 else dp)
                pkts.append(at(f, k, bytes(b)))
        pkts += [at(f, 21) for f in frames[12:24]]
        cls.pcap = it.write_pcap(cls.tmp.file("epm-21-lookups.pcap"), pkts)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_found_by_summarised(self):
        responses = [int(r[0]) for r in it.fields(self.pcap, ["frame.number"], filt="exmta.epm")]
        self.assertEqual(responses, [9 + 12 * k for k in range(21)])
        row = ("127.10.0.2", 1032, "MTA RPC", "EPM frame 9 (+20 more)", 1, 12, 944, 253, 264, "sessions OK")
        forms = all_forms(self.pcap)
        self.assertEqual(rows_from_csv(forms["csv"]), [row])
        self.assertEqual(rows_from_text(forms["text"]), as_text_cells([row]))
        self.assertEqual(rows_from_json(forms["json"], extra=True), [row + (responses, ["epm"])])
        self.assertEqual(rows_from_csv(all_forms(self.pcap, two_pass=True)["csv"]), [row])
        # the UAT line keeps the first response
        uat = it.tshark(["-r", self.pcap, "-q", "-z", "exmta,endpoints,uat"])
        self.assertEqual(uat.split(",")[6], '"9"')


class Sessions(unittest.TestCase):
    """-z exmta,sessions: one line per TCP session of an RFC1006/RPC row.
    Expected from per-frame fields: the frames exmta marks (its own items),
    and for their streams what stock TCP decodes (addresses, ports, SYN)."""
    CASES = [("x400-transfer-segmented.pcap", []), ("x400-bind-refused.pcap", []),
             ("conn-refused-102.pcap", []), ("x400-bind-accepted-10102.pcap", ["-o", "exmta.tcp.port:102,10102"]),
             ("rpc-epm-lookup-nobind.pcap", []), ("rpc-multi-endpoints.pcap", []),
             ("rpc-endpoint-port-change.pcap", [])]

    def expected(self, pcap, extra):
        marked = it.fields(pcap, ["frame.number", "tcp.stream", "exmta.rfc1006.port", "exmta.tcp.refused",
                                  "exmta.rpc.ip", "exmta.rpc.port"],
                           filt="exmta.rfc1006 || exmta.tcp.refused || exmta.rpc", extra=extra)
        stock = {int(r[0]): r[1:] for r in it.fields(pcap, ["frame.number", "tcp.stream", "ip.src", "tcp.srcport",
                                                            "ip.dst", "tcp.dstport", "tcp.flags.syn"], stock=True)}
        syn_streams = {v[0] for v in stock.values() if v[5] == "1"}
        sess = {}
        for num, stream, rport, refused, rip, rpport in marked:
            num = int(num)
            _s, src, sport, dst, dport, _syn = stock[num]
            port = rpport or rport or refused
            group = "RPC" if rpport else "RFC1006"
            host = rip if rip else (dst if dport == port else src)
            client = (src, sport) if dport == port else (dst, dport)
            key = (host, port, group, stream)
            e = sess.setdefault(key, {"client": client, "first": num, "last": num, "frames": 0})
            e["last"] = num
            e["frames"] += 1
        return sorted([h, p, g, s, e["client"][0], e["client"][1], "1" if s in syn_streams else "0",
                       str(e["first"]), str(e["last"]), str(e["frames"])] for (h, p, g, s), e in sess.items())

    def test_sessions_match_per_frame_fields(self):
        for name, extra in self.CASES:
            pcap = it.sample(name)
            with self.subTest(capture=name):
                out = it.tshark(["-r", pcap, "-q", "-z", "exmta,sessions,csv"] + extra)
                rows = list(csv.reader(io.StringIO(out)))
                self.assertEqual(rows[0], ["host", "port", "group", "stream", "client", "client_port",
                                           "syn_in_file", "first_frame", "last_frame", "frames"])
                want = self.expected(pcap, extra)
                self.assertTrue(want, name)
                self.assertEqual(sorted(rows[1:]), want)
                # the same sessions as JSON, and on two passes
                js = json.loads(it.tshark(["-r", pcap, "-2", "-q", "-z", "exmta,sessions,json"] + extra))
                self.assertEqual(sorted([str(j[k]) if not isinstance(j[k], bool) else str(int(j[k]))
                                         for k in rows[0]] for j in js), want)

    def test_cut_session_has_no_syn(self):
        # the second half of a cut X.400 session: no SYN in that piece
        d = it.TempDir()
        self.addCleanup(d.cleanup)
        part = d.file("part2.pcap")
        subprocess.run(["editcap", "-r", it.sample("x400-transfer-segmented.pcap"), part, "20-1000"], check=True)
        it.readable(part)
        out = it.tshark(["-r", part, "-q", "-z", "exmta,sessions,csv"])
        rows = list(csv.reader(io.StringIO(out)))[1:]
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0][6], "0")
        whole = list(csv.reader(io.StringIO(it.tshark(["-r", it.sample("x400-transfer-segmented.pcap"), "-q",
                                                       "-z", "exmta,sessions,csv"]))))[1:]
        self.assertEqual(whole[0][6], "1")

    def test_bad_format(self):
        out = it.tshark(["-r", it.sample("x400-bind-refused.pcap"), "-q", "-z", "exmta,sessionsx"], check=False)
        self.assertNotIn("Exchange MTA sessions", out)


class EpmOverUdp(unittest.TestCase):
    """An ept_map exchange over connectionless DCE/RPC (UDP 135) that fails,
    then an unrelated TCP session. The request and response stubs are the
    real ones of rpc-epm-lookup-failed.pcap (impacket over TCP), carried in
    connectionless headers: impacket has no connectionless client.
    exmta shows and taps the failure as it does over TCP, and the summary's
    tap must not give the UDP exchange a tcp.stream (TCP would then number
    every later TCP session one higher than stock)."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = it.TempDir()
        stubs = it.epm_map_stubs(it.sample("rpc-epm-lookup-failed.pcap"))
        t0 = 1700000000 * 1000000
        pkts = [it.udp_frame("127.10.0.1", "127.10.0.2", 50135, 135, it.epm_cl_pdu(0, 0x20, stubs[0]), t0),
                it.udp_frame("127.10.0.2", "127.10.0.1", 135, 50135, it.epm_cl_pdu(2, 0x08, stubs[2]), t0 + 500)]
        flow = it.TcpFlow("127.10.0.1", "127.10.0.7", 40001, 8080, t0=1700000001)
        pkts += flow.handshake().send(True, b"hello").close().frames
        cls.pcap = it.write_pcap(cls.tmp.file("epm-udp.pcap"), pkts)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_failure_learned_over_udp(self):
        rows = it.fields(self.pcap, ["frame.number", "udp.srcport", "dcerpc.ver", "exmta.epm.status"],
                         filt="exmta.epm")
        self.assertEqual(rows, [["2", "135", "4", "0x16c9a0d6"]])
        # the row of the TCP sample's failure (test_samples), but no TCP session: 0 sessions
        self.assertEqual(rows_from_csv(summary(self.pcap)), [
            ("127.10.0.2", 135, "MTA RPC", "EPM frame 2", 0, 1, 162, 2, 2,
             "EPM lookup failed: EPT_S_NOT_REGISTERED (0x16c9a0d6)")])
        self.assertEqual(rows_from_csv(summary(self.pcap, two_pass=True)), rows_from_csv(summary(self.pcap)))

    def test_tcp_streams_numbered_as_stock_with_the_summary(self):
        want = it.fields(self.pcap, ["frame.number", "tcp.stream"], filt="tcp", stock=True)
        self.assertEqual(it.column(want, 1), ["0"] * 7)
        for two_pass in (False, True):
            out = it.tshark((["-2"] if two_pass else []) +
                            ["-r", self.pcap, "-Y", "tcp", "-T", "fields", "-e", "frame.number", "-e", "tcp.stream",
                             "-z", "exmta,endpoints,csv", "-z", "exmta,sessions,csv"])
            got = [l.split("\t") for l in out.splitlines() if l[:1].isdigit() and "\t" in l]
            self.assertEqual(got, want, "-2" if two_pass else "one pass")


if __name__ == "__main__":
    it.main()
