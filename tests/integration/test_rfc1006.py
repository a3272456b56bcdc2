"""RFC1006 for Exchange MTAs (issue 2), with the real tshark and the built plugin.

Every expectation is an exact field value or frame number; "stock" is the
same tshark run without the plugin."""
import html
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import exmta_it as it  # noqa: E402

# detected_by values (exmta.rfc1006.detected_by): a public contract
PORT_PREF, TPKT_PORT, HEURISTIC, CONVERSATION, DECODE_AS = "1", "2", "3", "4", "5"

CR = bytes.fromhex("03000016" "11e000001234 00" "c1020001c2020001c0010b".replace(" ", ""))
CC = bytes.fromhex("0300000b" "06d0123456780 0".replace(" ", ""))


def dr(reason):
    return bytes.fromhex("0300000b06801234567800")[:-1] + bytes([reason])


class PluginLoads(unittest.TestCase):
    def test_listed_and_fields_clean(self):
        plugins = it.tshark(["-G", "plugins"])
        rows = [l.split("\t") for l in plugins.splitlines() if l.startswith("exmta.so")]
        self.assertEqual(len(rows), 1, plugins)
        self.assertEqual(rows[0][1].strip(), "0.1.0")
        self.assertEqual(rows[0][2].strip(), "dissector")
        protos = [l.split("\t")[:3] for l in it.tshark(["-G", "protocols"]).splitlines()]
        self.assertIn(["Exchange MTA", "EXMTA", "exmta"], protos)
        names = {l.split("\t")[2] for l in it.tshark(["-G", "fields"]).splitlines() if l.startswith("F\t")}
        for f in ("exmta.rfc1006.detected_by", "exmta.rfc1006.port", "exmta.rfc1006.default_port",
                  "exmta.rfc1006.session_start", "exmta.rfc1006.mta", "exmta.tcp.refused"):
            self.assertIn(f, names)

    def test_stock_is_really_stock(self):
        # the --stock runs of these tests must not load exmta
        self.assertNotIn("exmta.so", it.tshark(["-G", "plugins"], stock=True))


class Port102(unittest.TestCase):
    """On 102 every OSI layer is what stock decodes; exmta only annotates."""

    CAPS = ("x400-ping-success.pcap", "x400-ping-refuse.pcap", "mms.pcap.gz",
            "s7comm_reading_plc_status.pcap", "s7comm_varservice_libnodavedemo.pcap")

    def test_layers_identical_to_stock(self):
        for name in self.CAPS:
            pcap = it.shared("wiki", name)
            with self.subTest(capture=name):
                mine = it.layers_json(pcap)
                stock = it.layers_json(pcap, stock=True)
                self.assertEqual(len(mine), len(stock))
                self.assertGreater(sum(1 for f in stock if "cotp" in f), 0)
                self.assertEqual(mine, stock)

    def test_x400_success_annotation(self):
        rows = it.fields(it.shared("wiki", "x400-ping-success.pcap"),
                         ["frame.number", "exmta.rfc1006.detected_by", "exmta.rfc1006.port",
                          "exmta.rfc1006.default_port", "exmta.rfc1006.session_start",
                          "exmta.rfc1006.mta", "exmta.rfc1006.mta_since"], filt="exmta.rfc1006")
        self.assertEqual(rows, [
            ["4", PORT_PREF, "102", "1", "4", "0", ""],
            ["5", PORT_PREF, "102", "1", "4", "0", ""],
            ["6", PORT_PREF, "102", "1", "4", "1", "6"],
            ["7", PORT_PREF, "102", "1", "4", "1", "6"],
            ["8", PORT_PREF, "102", "1", "4", "1", "6"],
            ["9", PORT_PREF, "102", "1", "4", "1", "6"],
        ])

    def test_session_label(self):
        pcap = it.shared("wiki", "x400-ping-success.pcap")
        self.assertEqual(column(it.fields(pcap, ["frame.number"], filt="exmta.rfc1006")),
                         ["4", "5", "6", "7", "8", "9"])
        want = ["%d RFC1006 session: TCP port 102, Port preference (exmta.tcp.port, 'RFC1006 Port Number')" % n
                for n in range(4, 10)]
        for extra in ([], ["-2"]):
            with self.subTest(extra=extra):
                self.assertEqual(rfc1006_labels(pcap, extra), want)

    def test_102_given_back_to_stock_tpkt(self):
        # exmta.tcp.port without 102: stock TPKT has 102 again (exmta had
        # taken it over), decodes it as always, and exmta still annotates it
        pcap = it.shared("wiki", "x400-ping-success.pcap")
        extra = ["-o", "exmta.tcp.port:10102"]
        self.assertEqual(it.layers_json(pcap, extra=extra), it.layers_json(pcap, stock=True))
        rows = it.fields(pcap, ["frame.number", "exmta.rfc1006.detected_by"], filt="exmta.rfc1006", extra=extra)
        self.assertEqual(rows, [[str(n), TPKT_PORT] for n in range(4, 10)])

    def test_not_x400_is_not_an_mta(self):
        for name, first in (("mms.pcap.gz", "4"), ("s7comm_reading_plc_status.pcap", "4")):
            pcap = it.shared("wiki", name)
            with self.subTest(capture=name):
                rows = it.fields(pcap, ["frame.number", "exmta.rfc1006.mta"], filt="exmta.rfc1006")
                self.assertGreater(len(rows), 10)
                self.assertEqual({r[1] for r in rows}, {"0"})
                self.assertEqual(it.fields(pcap, ["frame.number"], filt="exmta.rfc1006.mta == 1"), [])


def rfc1006_labels(pcap, extra=()):
    """'frame-number label' of every exmta.rfc1006 item, from -T pdml."""
    out = it.tshark(["-r", pcap, "-Y", "exmta.rfc1006", "-T", "pdml", "-J", "frame exmta"] + list(extra))
    labels, num = [], None
    for m in re.finditer(r'<field name="(frame\.number|exmta\.rfc1006)" showname="([^"]*)"(?: size="\d+")?'
                         r'(?: pos="\d+")?(?: show="([^"]*)")?', out):
        if m.group(1) == "frame.number":
            num = m.group(3)
        else:
            labels.append("%s %s" % (num, html.unescape(m.group(2))))
    return labels


class OtherPort(unittest.TestCase):
    """The same X.400 exchange moved to 10102 ('RFC1006 Port Number' changed)."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = it.TempDir()
        cls.pcap = it.rewrite_ports(it.shared("wiki", "x400-ping-success.pcap"), cls.tmp.file("x400-10102.pcap"),
                                    {102: 10102})

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def stock_tpkt(self):
        return it.layers_json(self.pcap, extra=["-d", "tcp.port==10102,tpkt"], stock=True)

    def test_heuristic_only_equals_stock_decode_as(self):
        stock = self.stock_tpkt()
        self.assertEqual(sum(1 for f in stock if "p1" in f), 2)
        self.assertEqual(it.layers_json(self.pcap), stock)

    def test_preference_only_equals_stock_decode_as(self):
        extra = ["-o", "exmta.tcp.port:10102", "--disable-heuristic", "exmta_tcp"]
        self.assertEqual(it.layers_json(self.pcap, extra=extra), self.stock_tpkt())
        rows = it.fields(self.pcap, ["frame.number", "exmta.rfc1006.detected_by", "exmta.rfc1006.port",
                                     "exmta.rfc1006.default_port"], filt="exmta.rfc1006", extra=extra)
        self.assertEqual(rows[0], ["4", PORT_PREF, "10102", "0"])
        self.assertEqual({r[1] for r in rows}, {PORT_PREF})

    def test_heuristic_annotation_and_expert(self):
        rows = it.fields(self.pcap, ["frame.number", "exmta.rfc1006.detected_by", "exmta.rfc1006.port",
                                     "exmta.rfc1006.default_port", "exmta.rfc1006.session_start",
                                     "exmta.rfc1006.mta"], filt="exmta.rfc1006")
        self.assertEqual(column(rows), ["4", "5", "6", "7", "8", "9"])
        self.assertEqual(rows[0], ["4", HEURISTIC, "10102", "0", "4", "0"])
        self.assertEqual(rows[2], ["6", CONVERSATION, "10102", "0", "4", "1"])
        self.assertEqual({r[1] for r in rows[1:]}, {CONVERSATION})
        exp = it.fields(self.pcap, ["frame.number", "_ws.expert.message"], filt="exmta.expert.nonstandard_port")
        self.assertEqual(exp, [["4", "[RFC1006 Port Number] RFC1006 found by heuristic on TCP port 10102, which is "
                                     "not in exmta.tcp.port (102): every MTA that talks to this one must use the "
                                     "same 'RFC1006 Port Number'"]])

    def test_session_label(self):
        # the exmta.rfc1006 item's text in a shown tree (PDML showname), as
        # the GUI and -V show it: the same on one pass and with -2
        want = ["4 RFC1006 session: TCP port 10102, Heuristic"] + [
            "%d RFC1006 session: TCP port 10102, Conversation (recognised earlier by the heuristic)" % n
            for n in range(5, 10)]
        for extra in ([], ["-2"]):
            with self.subTest(extra=extra):
                self.assertEqual(rfc1006_labels(self.pcap, extra), want)

    def test_heuristic_can_be_disabled(self):
        self.assertEqual(it.fields(self.pcap, ["frame.number"], filt="exmta || cotp",
                                   extra=["--disable-heuristic", "exmta_tcp"]), [])

    def test_decode_as(self):
        rows = it.fields(self.pcap, ["frame.number", "exmta.rfc1006.detected_by"], filt="exmta.rfc1006",
                         extra=["-d", "tcp.port==10102,exmta", "--disable-heuristic", "exmta_tcp"])
        self.assertEqual(rows[0], ["4", DECODE_AS])
        self.assertEqual(len(rows), 6)

    def test_stock_tpkt_port_still_annotated(self):
        extra = ["-o", "tpkt.tcp.port:10102"]
        # one pass and two: the frames share one record, which the second reads
        for two_pass in (False, True):
            with self.subTest(two_pass=two_pass):
                rows = it.fields(self.pcap, ["frame.number", "exmta.rfc1006.detected_by", "exmta.rfc1006.port",
                                             "exmta.rfc1006.session_start"], filt="exmta.rfc1006", extra=extra,
                                 two_pass=two_pass)
                self.assertEqual(column(rows), ["4", "5", "6", "7", "8", "9"])
                self.assertEqual({tuple(r[1:]) for r in rows}, {(TPKT_PORT, "10102", "4")})
        self.assertEqual(it.layers_json(self.pcap, extra=extra), self.stock_tpkt())


def column(rows, i=0):
    return [r[i] for r in rows]


class HeuristicPrecision(unittest.TestCase):
    """Zero frames claimed by the heuristic in captures that are not RFC1006,
    with the heuristic tried before every port dissector."""

    def test_shared_captures_heuristic_first(self):
        caps = it.shared_all()
        self.assertGreater(len(caps), 100)
        # one tshark run over all of them (mergecap keeps each file's link
        # type in its own pcapng interface); frame.interface_id says which file
        tmp = it.TempDir()
        try:
            merged = tmp.file("all.pcapng")
            import subprocess
            subprocess.run(["mergecap", "-a", "-F", "pcapng", "-w", merged] + caps, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            it.readable(merged)
            total = len(it.fields(merged, ["frame.number"], filt="tcp.len > 0"))
            self.assertGreater(total, 2000)
            rows = it.fields(merged, ["frame.number", "exmta.rfc1006.detected_by"],
                             filt="exmta.rfc1006.detected_by == 3 || exmta.rfc1006.detected_by == 4",
                             extra=["-o", "tcp.try_heuristic_first:TRUE"])
        finally:
            tmp.cleanup()
        self.assertEqual(rows, [])

    def test_rdp_stays_stock(self):
        pcap = it.shared("wiki", "RDP-002.pcap.gz")
        for extra in ([], ["-o", "tcp.try_heuristic_first:TRUE"]):
            with self.subTest(extra=extra):
                self.assertEqual(it.fields(pcap, ["frame.number"], filt="exmta", extra=extra), [])
                self.assertEqual(it.layers_json(pcap, extra=extra), it.layers_json(pcap, extra=extra, stock=True))

    def test_lookalike_sample(self):
        pcap = it.sample("tpkt-lookalike.pcap")
        for extra in ([], ["-o", "tcp.try_heuristic_first:TRUE"]):
            self.assertEqual(it.fields(pcap, ["frame.number"], filt="exmta", extra=extra), [])


class HostileInput(unittest.TestCase):
    """Truncated TPKT, lengths 0..6 and 65535, LI past the TPDU, garbage after
    a valid header: never a crash; on 102 the frame is what stock makes of it,
    elsewhere the heuristic leaves it alone."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = it.TempDir()
        bad = []
        for n in range(7):
            bad.append(b"\x03\x00" + n.to_bytes(2, "big") + b"\x02\xf0\x80")
        bad.append(b"\x03\x00\xff\xff" + CR[4:])                 # 65535, truncated capture
        bad.append(CR[:4] + b"\x30" + CR[5:])                      # LI past the TPDU
        bad.append(CC + b"\x03\x00\x00\x0aGARBAGE")                # garbage after a valid CC
        bad.append(b"\x03\x00\x00\x05")                            # header only
        frames = []
        cls.count = len(bad)
        for port in (102, 10102):
            for i, payload in enumerate(bad):
                f = it.TcpFlow("192.0.2.1", "192.0.2.2", 40000 + i + (port % 7) * 100, port).handshake()
                f.send(True, payload).close()
                frames += f.frames
        cls.pcap = it.write_pcap(cls.tmp.file("hostile.pcap"), frames)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_no_crash_and_stock_equal_on_102(self):
        self.assertEqual(it.layers_json(self.pcap), it.layers_json(self.pcap, stock=True))

    def test_heuristic_claims_none(self):
        rows = it.fields(self.pcap, ["frame.number"], filt="exmta.rfc1006 && tcp.port == 10102",
                         extra=["-o", "tcp.try_heuristic_first:TRUE"])
        self.assertEqual(rows, [])

    def test_102_frames_annotated_and_malformed_marked(self):
        rows = it.fields(self.pcap, ["frame.number", "exmta.rfc1006.detected_by"],
                         filt="exmta.rfc1006 && tcp.port == 102")
        self.assertEqual(len(rows), self.count)
        stock_bad = it.fields(self.pcap, ["frame.number"], filt="_ws.malformed || _ws.expert.severity >= 6291456",
                              stock=True)
        mine_bad = it.fields(self.pcap, ["frame.number"], filt="_ws.malformed || _ws.expert.severity >= 6291456")
        self.assertEqual(mine_bad, stock_bad)


class ExpertInfo(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = it.TempDir()
        frames = []
        f = it.TcpFlow("192.0.2.1", "192.0.2.2", 41000, 102).handshake()
        f.send(True, CR).send(False, dr(0x01)).close()            # 1..3, CR 4, DR 5, 6..8
        frames += f.frames
        f = it.TcpFlow("192.0.2.1", "192.0.2.2", 41001, 102, t0=1700000010).refused()   # SYN 9, RST 10
        frames += f.frames
        f = it.TcpFlow("192.0.2.1", "192.0.2.3", 41002, 10102, t0=1700000020).refused()  # SYN 11, RST 12
        frames += f.frames
        f = it.TcpFlow("192.0.2.1", "192.0.2.2", 41003, 102, t0=1700000030).handshake()  # 13..15
        f.send(True, b"\x03\x07" + CR[2:]).send(False, b"\x03\x07" + CC[2:]).close()   # CR 16, CC 17
        frames += f.frames
        f = it.TcpFlow("192.0.2.1", "192.0.2.2", 41004, 20102, t0=1700000040).handshake()  # 21..23
        f.send(True, b"\x03\x01" + CR[2:]).send(False, b"\x03\x01" + CC[2:]).close()    # CR 24, CC 25
        frames += f.frames
        cls.pcap = it.write_pcap(cls.tmp.file("expert.pcap"), frames)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_cotp_disconnect(self):
        rows = it.fields(self.pcap, ["frame.number", "exmta.rfc1006.dr_reason", "_ws.expert.message"],
                         filt="exmta.expert.cotp_disconnect")
        self.assertEqual([r[:2] for r in rows], [["5", "0x01"]])
        self.assertIn("COTP disconnect request on RFC1006 port 102: Congestion at TSAP (0x01)", rows[0][2].split(","))

    def test_connection_refused(self):
        rows = it.fields(self.pcap, ["frame.number", "exmta.tcp.refused"], filt="exmta.expert.rfc1006_refused")
        # the refusal on 10102 is not on an RFC1006 port: nothing to say there
        self.assertEqual(rows, [["10", "102"]])
        rows = it.fields(self.pcap, ["frame.number", "exmta.tcp.refused"], filt="exmta.expert.rfc1006_refused",
                         extra=["-o", "exmta.tcp.port:102,10102"])
        self.assertEqual(rows, [["10", "102"], ["12", "10102"]])

    def test_nothing_when_disabled(self):
        # the refusal is the postdissector's alone: disabling exmta must stop it too
        self.assertEqual(it.fields(self.pcap, ["frame.number"], filt="exmta.tcp.refused"), [["10"]])
        for filt in ("exmta", "exmta.tcp.refused"):
            with self.subTest(filt=filt):
                self.assertEqual(it.fields(self.pcap, ["frame.number"], filt=filt,
                                           extra=["--disable-protocol", "exmta"]), [])

    def test_reserved_byte(self):
        rows = it.fields(self.pcap, ["frame.number", "exmta.rfc1006.tpkt_reserved", "exmta.rfc1006.detected_by"],
                         filt="exmta.expert.tpkt_reserved_nonzero")
        self.assertEqual(rows, [["16", "0x07", PORT_PREF], ["17", "0x07", PORT_PREF],
                                ["24", "0x01", HEURISTIC], ["25", "0x01", CONVERSATION]])


    def test_items_mark_their_bytes(self):
        """tpkt_reserved marks the TPKT's reserved byte and dr_reason the DR's
        reason octet, in the frame's own bytes (PDML pos/size)."""
        out = it.tshark(["-r", self.pcap, "-Y", "exmta.rfc1006.tpkt_reserved || exmta.rfc1006.dr_reason",
                         "-T", "pdml"])
        got = {}
        for frame in re.findall(r"<packet>.*?</packet>", out, re.S):
            num = re.search(r'name="frame.number"[^>]* show="(\d+)"', frame).group(1)
            payload = int(re.search(r'name="tcp.payload"[^>]* pos="(\d+)"', frame).group(1))
            for m in re.finditer(r'<field name="(exmta\.rfc1006\.(?:tpkt_reserved|dr_reason))"([^>]*)>', frame):
                attrs = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2)))
                got.setdefault(num, []).append((m.group(1), int(attrs["pos"]) - payload, attrs["size"],
                                                attrs["value"]))
        # the reserved byte is the TPKT's second octet; a DR's reason follows
        # TPKT (4), LI, code, dst-ref (2) and src-ref (2)
        self.assertEqual(got, {
            "5": [("exmta.rfc1006.dr_reason", 10, "1", "01")],
            "16": [("exmta.rfc1006.tpkt_reserved", 1, "1", "07")],
            "17": [("exmta.rfc1006.tpkt_reserved", 1, "1", "07")],
            "24": [("exmta.rfc1006.tpkt_reserved", 1, "1", "01")],
            "25": [("exmta.rfc1006.tpkt_reserved", 1, "1", "01")],
        })


class X400Bind(unittest.TestCase):
    """The MTA bind is read from stock X.411 on the first pass: a plain
    display filter (no -V, no -T fields, whose trees carry every item)
    selects the bind frames, and a refusal is a warning."""

    MESSAGE = ("[X.400 bind] MTA bind refused on RFC1006 port 102: authentication-error (MTABindError 2): "
               "the local MTA name or password is not what the remote MTA expects (connector Override)")

    def frames_selected(self, pcap, filt, extra=()):
        # the default one-line summary: the frame number leads each line
        out = it.tshark(["-r", pcap, "-Y", filt] + list(extra))
        return [l.split()[0] for l in out.splitlines() if l.strip()]

    def test_plain_filter_selects_bind_frames(self):
        cases = [(it.sample("x400-bind-refused.pcap"), ["6", "7"]),
                 (it.sample("x400-bind-accepted.pcap"), ["6", "7"]),
                 (it.shared("wiki", "x400-ping-refuse.pcap"), ["6", "7"]),
                 (it.shared("wiki", "x400-ping-success.pcap"), ["6", "7"])]
        for pcap, want in cases:
            for extra in ([], ["-2"]):
                with self.subTest(capture=os.path.basename(pcap), extra=extra):
                    self.assertEqual(self.frames_selected(pcap, "exmta.x400.bind", extra), want)
                    self.assertEqual(self.frames_selected(pcap, "exmta.x400.initiator", extra), want[:1])

    def test_refused_bind_is_a_warning(self):
        for name, pcap in (("x400-bind-refused.pcap", it.sample("x400-bind-refused.pcap")),
                           ("x400-ping-refuse.pcap", it.shared("wiki", "x400-ping-refuse.pcap"))):
            for two_pass in (False, True):
                with self.subTest(capture=name, two_pass=two_pass):
                    rows = it.fields(pcap, ["frame.number", "exmta.x400.bind", "exmta.x400.bind_error",
                                            "_ws.expert.message", "_ws.expert.severity"],
                                     filt="exmta.expert.x400_bind_refused", two_pass=two_pass)
                    self.assertEqual(rows, [["7", "3", "2", self.MESSAGE, "6291456"]])
                    self.assertEqual(self.frames_selected(pcap, "exmta.expert.x400_bind_refused",
                                                          ["-2"] if two_pass else []), ["7"])
        # an accepted bind says nothing
        self.assertEqual(self.frames_selected(it.sample("x400-bind-accepted.pcap"),
                                              "exmta.expert.x400_bind_refused"), [])

    def test_expert_tap_without_tree(self):
        out = it.tshark(["-r", it.sample("x400-bind-refused.pcap"), "-q", "-z", "expert,warn"])
        self.assertIn(self.MESSAGE, out)


class PortReuse(unittest.TestCase):
    """A session's ports used again: exmta finds each frame's session through
    a cache that must forget it when TCP sets up the new conversation."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = it.TempDir()
        frames = []
        f = it.TcpFlow("192.0.2.1", "192.0.2.2", 41005, 102).handshake()           # 1..3
        f.send(True, CR).send(False, CC).close()                                  # CR 4, CC 5, 6..8
        frames += f.frames
        # the same ports again, a new initial sequence number: refused
        f = it.TcpFlow("192.0.2.1", "192.0.2.2", 41005, 102, t0=1700000010)
        f.seq = {True: 900000, False: 950000}
        frames += f.refused().frames                                              # SYN 9, RST 10
        # and once more, accepted this time: a new session from frame 14
        f = it.TcpFlow("192.0.2.1", "192.0.2.2", 41005, 102, t0=1700000020)
        f.seq = {True: 1900000, False: 1950000}
        f.handshake().send(True, CR).send(False, CC)                              # 11..13, CR 14, CC 15
        frames += f.frames
        cls.pcap = it.write_pcap(cls.tmp.file("reuse.pcap"), frames)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_stock_sees_three_sessions(self):
        rows = it.fields(self.pcap, ["frame.number", "tcp.stream"], filt="tcp.flags.syn == 1 && tcp.flags.ack == 0",
                         stock=True)
        self.assertEqual(rows, [["1", "0"], ["9", "1"], ["11", "2"]])

    def test_refusal_after_reuse(self):
        for extra in ([], ["-2"]):
            with self.subTest(passes=extra or "one"):
                rows = it.fields(self.pcap, ["frame.number", "exmta.tcp.refused"],
                                 filt="exmta.expert.rfc1006_refused", extra=extra)
                self.assertEqual(rows, [["10", "102"]])

    def test_each_session_starts_where_it_began(self):
        for extra in ([], ["-2"]):
            with self.subTest(passes=extra or "one"):
                rows = it.fields(self.pcap, ["frame.number", "tcp.stream", "exmta.rfc1006.session_start"],
                                 filt="exmta.rfc1006", extra=extra)
                self.assertEqual(rows, [["4", "0", "4"], ["5", "0", "4"], ["14", "2", "14"], ["15", "2", "14"]])


def exmta_trees(pcap, extra=()):
    """Per frame, the lines of exmta's protocol tree in PDML: every item's
    name, label (showname), value, position and size. The run is the one
    test_field_contract makes of the capture (-T pdml, -2 after it), so a
    ctest starts it once for both (exmta_it, EXMTA_IT_CACHE)."""
    out = it.tshark(["-r", pcap, "-T", "pdml"] + list(extra))
    frames = []
    for packet in out.split("<packet>")[1:]:
        tree, inside = [], False
        for line in packet.splitlines():
            if line.startswith('  <proto name="exmta" '):
                inside = True
            if inside:
                tree.append(line)
                if line == "  </proto>":
                    inside = False
        frames.append(tree)
    return frames


class TwoPass(unittest.TestCase):
    """tshark -2 gives the same exmta output as one pass."""

    def test_two_pass_equal(self):
        caps = [it.shared("wiki", n) for n in ("x400-ping-success.pcap", "x400-ping-refuse.pcap", "mms.pcap.gz",
                                                 "s7comm_reading_plc_status.pcap", "mapi.cap",
                                                 "dcerpc_witness.pcapng")]
        if os.path.isdir(it.SAMPLES):
            caps += sorted(os.path.join(it.SAMPLES, f) for f in os.listdir(it.SAMPLES)
                           if f.endswith((".pcap", ".pcapng")))
        for pcap in caps:
            with self.subTest(capture=os.path.basename(pcap)):
                one = exmta_trees(pcap)
                two = exmta_trees(pcap, ["-2"])
                self.assertEqual(one, two)
                self.assertEqual(len(one), len(two))
                self.assertGreater(len(one), 0)


class ExpertInfoProtocol(unittest.TestCase):
    """Every expert info exmta adds is exmta's in Analyze > Expert Information
    and -z expert (its Protocol column), whichever part of exmta adds it: the
    postdissector has no protocol of its own (it would push and pop a layer on
    every frame) and names exmta as the current protocol itself."""

    EXPERT = re.compile(r'<field name="_ws\.expert" [^>]*>\s*<field name="(exmta\.[^"]*)"[^>]*>\s*'
                        r'<field name="_ws\.expert\.message"[^>]*show="([^"]*)"')
    ROW = re.compile(r"^\s*(\d+)\s+(\S+)\s+(\S+)\s+(.*)$")

    def test_every_sample(self):
        kinds, total = set(), 0
        for name in sorted(os.listdir(it.SAMPLES)):
            if not name.endswith(".pcap"):
                continue
            pcap = it.sample(name)
            with self.subTest(capture=name):
                mine = {}
                for m in self.EXPERT.finditer(it.tshark(["-r", pcap, "-T", "pdml"])):
                    kinds.add(m.group(1))
                    msg = html.unescape(m.group(2))
                    mine[msg] = mine.get(msg, 0) + 1
                rows = [self.ROW.match(l) for l in it.tshark(["-r", pcap, "-q", "-z", "expert"]).splitlines()]
                listed = {}
                for m in filter(None, rows):
                    if m.group(4) in mine:
                        self.assertEqual(m.group(3), "EXMTA", m.group(0))
                        listed[m.group(4)] = listed.get(m.group(4), 0) + int(m.group(1))
                self.assertEqual(listed, mine)
                total += sum(mine.values())
        # the samples hold RFC1006, X.400 and endpoint-mapper expert infos
        self.assertGreaterEqual(total, 50)
        for kind in ("exmta.expert.rfc1006_refused", "exmta.expert.x400_refused", "exmta.expert.rpc_first_session",
                     "exmta.expert.epm_without_bind", "exmta.expert.epm_lookup_failed"):
            self.assertIn(kind, kinds)


if __name__ == "__main__":
    it.main()
