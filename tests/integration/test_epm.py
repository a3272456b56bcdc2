"""Learning RPC endpoints from the endpoint mapper and flagging the sessions
to them (issue 3), with the real tshark and the built plugin, on real
DCE/RPC captures: the project's impacket captures (sample-pcaps/rpc-*.pcap,
see sample-pcaps/README-rpc.md) and the public mapi.cap / dcerpc_witness."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import exmta_it as it  # noqa: E402

MTA = "9e8ee830-4459-11ce-979b-00aa005ffebe"
QADMIN = "38a94e72-a9bc-11d2-8faf-00c04fa378ff"
GENERIC = "6f2a1e7c-3b5d-4c8e-9a01-5e4d3c2b1a00"
# exmta.rpc.source / exmta.rpc.kind / exmta.epm.result values
SRC_EPM, SRC_STATIC = "1", "2"
KIND_OTHER, KIND_MTA, KIND_QADMIN = "0", "1", "2"
NEW, SAME, PORT_CHANGED = "0", "1", "2"

RPC_FIELDS = ["frame.number", "tcp.stream", "exmta.rpc.interface", "exmta.rpc.interface_name",
              "exmta.rpc.version", "exmta.rpc.kind", "exmta.rpc.ip", "exmta.rpc.port",
              "exmta.rpc.learned_in", "exmta.rpc.request_in", "exmta.rpc.source", "exmta.rpc.session_start"]
EPM_FIELDS = ["frame.number", "exmta.epm.result", "exmta.rpc.interface", "exmta.rpc.kind", "exmta.rpc.ip",
              "exmta.rpc.port", "exmta.rpc.learned_in", "exmta.rpc.request_in", "exmta.epm.lookup_failed",
              "exmta.epm.status"]


def by_stream(rows):
    """stream -> (first frame, last frame, set of distinct endpoint tuples)"""
    out = {}
    for r in rows:
        s = r[1]
        first, last, eps = out.get(s, (int(r[0]), int(r[0]), set()))
        out[s] = (min(first, int(r[0])), max(last, int(r[0])), eps | {tuple(r[2:])})
    return out


def stream_frames(pcap, stream):
    return it.column(it.fields(pcap, ["frame.number"], filt="tcp.stream == %s" % stream, stock=True))


class LookupBind(unittest.TestCase):
    def setUp(self):
        self.pcap = it.sample("rpc-epm-lookup-bind.pcap")

    def test_learned_from_response(self):
        rows = it.fields(self.pcap, EPM_FIELDS, filt="exmta.epm")
        # tower IP 0.0.0.0: the endpoint mapper that was asked (127.10.0.2)
        self.assertEqual(rows, [["9", NEW, MTA, KIND_MTA, "127.10.0.2", "1032", "9", "8", "", "0x00000000"]])

    def test_whole_session_flagged_after_learning(self):
        rows = it.fields(self.pcap, RPC_FIELDS, filt="exmta.rpc")
        streams = by_stream(rows)
        self.assertEqual(list(streams), ["1"])
        self.assertEqual(streams["1"][2], {(MTA, "Exchange MTA", "2.0", KIND_MTA, "127.10.0.2", "1032", "9", "8",
                                            SRC_EPM, "13")})
        self.assertEqual(it.column(rows), stream_frames(self.pcap, 1))
        self.assertEqual(it.column(rows)[0], "13")

    def test_first_session_expert(self):
        rows = it.fields(self.pcap, ["frame.number", "_ws.expert.message"], filt="exmta.expert.rpc_first_session")
        self.assertEqual(rows[0][0], "13")
        self.assertIn("[Endpoint mapper] First session to MTA RPC endpoint 127.10.0.2:1032 (Exchange MTA), "
                      "learned in frame 9", rows[0][1])
        self.assertEqual(len(rows), 1)

    def test_interfaces_named_for_stock_dcerpc(self):
        rows = it.fields(self.pcap, ["frame.number", "_ws.col.Info"], filt="dcerpc.pkt_type == 11 && tcp.stream == 1")
        self.assertEqual(rows, [["16", "Bind: call_id: 1, Fragment: Single, 1 context items: MTA V2.0 (32bit NDR)"]])
        stock = it.fields(self.pcap, ["frame.number", "_ws.col.Info"], filt="dcerpc.pkt_type == 11 && tcp.stream == 1",
                          stock=True)
        self.assertEqual(stock, [["16", "Bind: call_id: 1, Fragment: Single, 1 context items: %s V2.0 (32bit NDR)"
                                  % MTA]])


class LookupNoBind(unittest.TestCase):
    def test_session_without_bind(self):
        pcap = it.sample("rpc-epm-lookup-nobind.pcap")
        rows = it.fields(pcap, RPC_FIELDS, filt="exmta.rpc")
        self.assertEqual(it.column(rows), stream_frames(pcap, 1))
        self.assertEqual(by_stream(rows)["1"][2], {(MTA, "Exchange MTA", "2.0", KIND_MTA, "127.10.0.2", "1032",
                                                    "9", "8", SRC_EPM, "13")})
        # still DCE/RPC, as stock decodes it, and exmta names the interface stock cannot
        req = it.fields(pcap, ["frame.number", "dcerpc.opnum", "exmta.rpc.interface_name", "_ws.expert.message"],
                        filt="dcerpc.pkt_type == 0 && tcp.stream == 1")
        self.assertEqual([r[:3] for r in req], [["16", "0", "Exchange MTA"], ["20", "1", "Exchange MTA"]])
        self.assertIn("No bind info for interface Context ID 0 - capture start too late?", req[0][3])


    def test_decoded_through_the_expected_conversation(self):
        # without stock's DCE/RPC heuristic (EPM on 135 by Decode As), only
        # the conversation exmta expects when it learns the endpoint makes
        # the session on 1032 DCE/RPC
        pcap = it.sample("rpc-epm-lookup-nobind.pcap")
        extra = ["--disable-heuristic", "dcerpc_tcp", "-d", "tcp.port==135,dcerpc"]
        stock = it.fields(pcap, ["frame.number"], filt="dcerpc && tcp.stream == 1", extra=extra, stock=True)
        self.assertEqual(stock, [])
        mine = it.fields(pcap, ["frame.number", "dcerpc.pkt_type"], filt="dcerpc && tcp.stream == 1", extra=extra)
        self.assertEqual(mine, [["16", "0"], ["18", "2"], ["20", "0"], ["21", "2"]])


class LookupFailed(unittest.TestCase):
    def test_not_registered_warning(self):
        pcap = it.sample("rpc-epm-lookup-failed.pcap")
        rows = it.fields(pcap, ["frame.number", "exmta.epm.lookup_failed", "exmta.epm.status", "exmta.epm.requested"],
                         filt="exmta.epm")
        self.assertEqual(rows, [["9", "1", "0x16c9a0d6", MTA]])
        msg = it.fields(pcap, ["_ws.expert.message"], filt="exmta.expert.epm_not_registered")
        self.assertEqual(msg, [["[Endpoint mapper] 127.10.0.2: the Exchange MTA RPC interface is not registered with "
                                "its endpoint mapper (0x16c9a0d6 EPT_S_NOT_REGISTERED, 0 towers): MTA service stopped, "
                                "or on a static port ('TCP/IP port for RPC listens')"]])
        self.assertEqual(it.fields(pcap, ["frame.number"], filt="exmta.rpc"), [])


class StaticPort(unittest.TestCase):
    def test_only_with_preference(self):
        pcap = it.sample("rpc-static-port.pcap")
        self.assertEqual(it.fields(pcap, ["frame.number"], filt="exmta.rpc"), [])
        rows = it.fields(pcap, RPC_FIELDS, filt="exmta.rpc", extra=["-o", "exmta.rpc_static_ports:5001"])
        self.assertEqual(it.column(rows), stream_frames(pcap, 0))
        self.assertEqual(by_stream(rows)["0"][2], {(MTA, "Exchange MTA", "2.0", KIND_MTA, "127.10.0.2", "5001",
                                                    "", "", SRC_STATIC, "1")})
        exp = it.fields(pcap, ["frame.number"], filt="exmta.expert.rpc_static_port",
                        extra=["-o", "exmta.rpc_static_ports:5000-5002"])
        self.assertEqual(exp, [["1"]])


class MultiEndpoints(unittest.TestCase):
    def setUp(self):
        self.pcap = it.sample("rpc-multi-endpoints.pcap")

    def test_learned(self):
        rows = it.fields(self.pcap, EPM_FIELDS, filt="exmta.epm")
        self.assertEqual(rows, [
            ["19", NEW, MTA, KIND_MTA, "127.10.0.2", "1032", "19", "18", "", "0x00000000"],
            ["51", NEW, QADMIN, KIND_QADMIN, "127.10.0.2", "1033", "51", "50", "", "0x00000000"],
            ["77", NEW, MTA, KIND_MTA, "127.10.0.3", "1045", "77", "76", "", "0x00000000"],
            ["103", NEW, GENERIC, KIND_OTHER, "127.10.0.3", "1050", "103", "102", "", "0x00000000"],
            ["141", NEW, MTA, KIND_MTA, "127.10.0.6", "1040", "141", "140", "", "0x00000000"],
        ])

    def test_flagged_sessions(self):
        streams = by_stream(it.fields(self.pcap, RPC_FIELDS, filt="exmta.rpc"))
        self.assertEqual(sorted(streams, key=int), ["2", "4", "6", "8", "11"])
        expect = {
            "2": (MTA, "Exchange MTA", "2.0", KIND_MTA, "127.10.0.2", "1032", "19", "18", SRC_EPM, "29"),
            "4": (QADMIN, "Exchange MTA QAdmin", "1.0", KIND_QADMIN, "127.10.0.2", "1033", "51", "50", SRC_EPM, "55"),
            "6": (MTA, "Exchange MTA", "2.0", KIND_MTA, "127.10.0.3", "1045", "77", "76", SRC_EPM, "81"),
            "8": (GENERIC, "unknown interface", "1.0", KIND_OTHER, "127.10.0.3", "1050", "103", "102", SRC_EPM, "107"),
            "11": (MTA, "Exchange MTA", "2.0", KIND_MTA, "127.10.0.6", "1040", "141", "140", SRC_EPM, "145"),
        }
        for s, ep in expect.items():
            with self.subTest(stream=s):
                self.assertEqual(streams[s][2], {ep})
                self.assertEqual(streams[s][0], int(ep[-1]))
                self.assertGreater(streams[s][0], int(ep[6]))  # only after the frame it was learned in

    def test_not_flagged_before_learning_or_on_other_hosts(self):
        # stream 0 reached 127.10.0.2:1032 before frame 19 taught it, and goes on after it
        self.assertEqual(it.fields(self.pcap, ["frame.number"], filt="exmta.rpc && tcp.stream == 0"), [])
        self.assertIn("23", stream_frames(self.pcap, 0))
        # stream 9 goes to port 1032 on 127.10.0.5, a host that was never looked up
        self.assertEqual(it.fields(self.pcap, ["frame.number"], filt="exmta.rpc && tcp.stream == 9"), [])
        self.assertEqual(it.fields(self.pcap, ["frame.number"], filt="exmta.rpc && frame.number <= 19"), [])

    def test_refused(self):
        rows = it.fields(self.pcap, ["frame.number", "_ws.expert.message"], filt="exmta.expert.rpc_refused")
        self.assertEqual([r[0] for r in rows], ["146"])
        self.assertIn("[Endpoint mapper] Connection to MTA RPC endpoint 127.10.0.6:1040 refused (SYN answered by "
                      "RST): nothing listens on the port the endpoint mapper gave (service stopped or restarted?)",
                      rows[0][1])


class PortChange(unittest.TestCase):
    def test_relearned_with_new_port(self):
        pcap = it.sample("rpc-endpoint-port-change.pcap")
        rows = it.fields(pcap, ["frame.number", "exmta.epm.result", "exmta.rpc.port", "exmta.epm.previous_port",
                                "exmta.epm.previous_learned_in"], filt="exmta.epm")
        self.assertEqual(rows, [["9", NEW, "1032", "", ""], ["35", PORT_CHANGED, "1034", "1032", "9"]])
        msg = it.fields(pcap, ["_ws.expert.message"], filt="exmta.expert.rpc_port_changed")
        self.assertEqual(msg, [["[Endpoint mapper] Exchange MTA on 127.10.0.2 moved from port 1032 (learned in frame 9) "
                                "to port 1034: the service restarted or moved; sessions to the old port will fail"]])
        streams = by_stream(it.fields(pcap, RPC_FIELDS, filt="exmta.rpc"))
        self.assertEqual({s: (v[0], sorted(e[5:7] for e in v[2])) for s, v in streams.items()},
                         {"1": (13, [("1032", "9")]), "3": (39, [("1034", "35")])})


class FlowReuse(unittest.TestCase):
    """exmta remembers, per TCP flow, whether it leads to an endpoint, until TCP
    sets up a new conversation. Built from the real EPM exchange of
    rpc-epm-lookup-nobind.pcap (the tower names no host: the responder's
    address is the endpoint's) replayed with two responders, and the real
    request/response of its session. Port 1032 is learned for 127.10.0.2
    first, so flows to 127.10.0.5:1032 are looked at, and found wanting,
    before 127.10.0.5:1032 is learned."""

    @staticmethod
    def payloads(pcap, port):
        out = []
        for _s, _u, raw, _o in it.read_pcap(pcap)[1]:
            sp, dp, pl = it.tcp_payload(raw)
            if pl and port in (sp, dp):
                out.append((dp == port, pl))
        return out

    @classmethod
    def setUpClass(cls):
        cls.tmp = it.TempDir()
        src = it.sample("rpc-epm-lookup-nobind.pcap")
        epm, rpc = cls.payloads(src, 135), cls.payloads(src, 1032)
        t = [1700000000]

        def flow(srv, cport, sport):
            t[0] += 1
            return it.TcpFlow("127.10.0.1", srv, cport, sport, t0=t[0])

        def replay(f, pdus):
            for from_cli, pl in pdus:
                f.send(from_cli, pl)
            return f

        frames = replay(flow("127.10.0.2", 46001, 135).handshake(), epm).close().frames          # 1..10
        frames += replay(flow("127.10.0.5", 40000, 1032).handshake(), rpc).close().frames        # 11..20
        y = replay(flow("127.10.0.5", 40001, 1032).handshake(), rpc[:2])                         # 21..25
        frames += y.frames
        frames += replay(flow("127.10.0.5", 46002, 135).handshake(), epm).close().frames         # 26..35, 32 learns
        n = len(y.frames)
        frames += replay(y, rpc[2:]).close().frames[n:]                                          # 36..40
        again = flow("127.10.0.5", 40000, 1032)                                                  # 11's ports again
        again.seq = {True: 700000, False: 750000}
        frames += replay(again.handshake(), rpc).close().frames                                  # 41..50
        cls.pcap = it.write_pcap(cls.tmp.file("flow-reuse.pcap"), frames)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_stock_sees_the_ports_reused(self):
        rows = it.fields(self.pcap, ["frame.number", "tcp.stream", "ip.dst", "tcp.dstport"],
                         filt="tcp.flags.syn == 1 && tcp.flags.ack == 0", stock=True)
        self.assertEqual(rows, [["1", "0", "127.10.0.2", "135"], ["11", "1", "127.10.0.5", "1032"],
                                ["21", "2", "127.10.0.5", "1032"], ["26", "3", "127.10.0.5", "135"],
                                ["41", "4", "127.10.0.5", "1032"]])
        self.assertEqual(it.fields(self.pcap, ["frame.number", "dcerpc.pkt_type"], filt="epm.opnum == 3",
                                   stock=True), [["6", "0"], ["7", "2"], ["31", "0"], ["32", "2"]])

    def test_only_the_session_after_learning_is_flagged(self):
        # not stream 1 (nothing learned for 127.10.0.5 yet), nor stream 2 (it
        # began before frame 32 taught 127.10.0.5:1032, and goes on after it),
        # but stream 4, on stream 1's ports again, from its SYN on
        want = [[n, "4", "127.10.0.5", "1032", "32", "41"] for n in stream_frames(self.pcap, 4)]
        self.assertEqual([r[0] for r in want], [str(n) for n in range(41, 51)])
        self.assertEqual(stream_frames(self.pcap, 2)[-5:], ["36", "37", "38", "39", "40"])
        for extra in ([], ["-2"]):
            with self.subTest(passes=extra or "one"):
                rows = it.fields(self.pcap, ["frame.number", "tcp.stream", "exmta.rpc.ip", "exmta.rpc.port",
                                             "exmta.rpc.learned_in", "exmta.rpc.session_start"],
                                 filt="exmta.rpc && !exmta.epm", extra=extra)
                self.assertEqual(rows, want)


class PublicCaptures(unittest.TestCase):
    def test_mapi(self):
        pcap = it.shared("wiki", "mapi.cap")
        rows = it.fields(pcap, ["frame.number", "exmta.epm.result", "exmta.rpc.interface_name", "exmta.rpc.ip",
                                "exmta.rpc.port", "exmta.rpc.request_in"], filt="exmta.epm")
        self.assertEqual(rows, [["400", NEW, "NSPI", "192.168.0.2", "4997", "399"],
                                ["705", NEW, "MAPI", "192.168.0.2", "1032", "704"]])
        streams = by_stream(it.fields(pcap, RPC_FIELDS, filt="exmta.rpc"))
        self.assertEqual({s: (v[0], sorted(e[5:7] for e in v[2])) for s, v in streams.items()},
                         {"16": (405, [("4997", "400")]), "17": (412, [("4997", "400")]),
                          "23": (708, [("1032", "705")])})
        # the EMSMDB sessions on 1032 that began before frame 705 stay unflagged
        early = it.fields(pcap, ["tcp.stream"], filt="tcp.port == 1032 && frame.number < 705", stock=True)
        self.assertGreater(len(early), 0)
        self.assertEqual(it.fields(pcap, ["frame.number"], filt="exmta.rpc && frame.number < 400"), [])

    def test_witness_ndr64_and_samba_zero_ip(self):
        pcap = it.shared("wiki", "dcerpc_witness.pcapng")
        rows = it.fields(pcap, ["frame.number", "ip.src", "exmta.epm.result", "exmta.rpc.ip", "exmta.rpc.port"],
                         filt="exmta.epm")
        self.assertEqual(rows, [
            ["225", "192.168.3.43", NEW, "192.168.3.43", "49302"],      # Windows, NDR64
            ["248", "192.168.3.45", NEW, "192.168.3.45", "53572"],
            ["355", "192.168.122.201", NEW, "192.168.122.201", "1024"],  # Samba, tower IP 0.0.0.0
            ["526", "192.168.3.45", SAME, "192.168.3.45", "53572"],
            ["553", "192.168.3.43", SAME, "192.168.3.43", "49302"],
        ])
        streams = by_stream(it.fields(pcap, RPC_FIELDS, filt="exmta.rpc"))
        self.assertEqual({s: (v[0], sorted(e[5:7] for e in v[2])) for s, v in streams.items()}, {
            "6": (226, [("49302", "225")]), "7": (235, [("49302", "225")]), "18": (554, [("49302", "225")]),
            "9": (249, [("53572", "248")]), "10": (279, [("53572", "248")]), "15": (496, [("53572", "248")]),
            "12": (356, [("1024", "355")]),
        })


class NoTree(unittest.TestCase):
    """The hook sees map requests/responses whether or not a tree is built.
    tshark -2 without -Y/-R dissects its first pass with no protocol tree
    (tshark.c: create_proto_tree is FALSE there), and that first pass is the
    one that learns: the second pass only shows what was stored."""

    def test_learned_on_a_treeless_first_pass(self):
        pcap = it.sample("rpc-multi-endpoints.pcap")
        names = ["frame.number", "exmta.rpc.session_start", "exmta.rpc.learned_in"]
        with_tree = it.fields(pcap, names, filt="exmta.rpc")
        two = it.fields(pcap, names, two_pass=True)
        self.assertEqual([r for r in two if r[1]], with_tree)
        self.assertEqual(len(with_tree), 58)


class Labels(unittest.TestCase):
    """Item texts and string fields are formatted only where somebody can see
    or asked for them: a shown tree (-V, the GUI's details), a filter, a
    column or -e. -T fields of other fields builds a tree that shows nothing,
    and skips that work; what is shown or asked for must not change."""

    def setUp(self):
        self.pcap = it.sample("rpc-epm-lookup-bind.pcap")

    def test_texts_in_shown_tree(self):
        out = it.tshark(["-r", self.pcap, "-V", "-O", "exmta", "-Y", "frame.number == 9 || frame.number == 13"])
        lines = [l.strip() for l in out.splitlines()]
        for want in ["Endpoint mapper lookup: 1 endpoint from the endpoint mapper on 127.10.0.2",
                     "[Requested interface: 9e8ee830-4459-11ce-979b-00aa005ffebe (Exchange MTA v2.0)]",
                     "Learned endpoint: MTA RPC 127.10.0.2:1032 (new endpoint)",
                     "MTA RPC endpoint session: MTA RPC 127.10.0.2:1032, learned in frame 9"]:
            self.assertIn(want, lines)
        # once under frame 9's learned endpoint, once under frame 13's session
        self.assertEqual(lines.count("[Interface name: Exchange MTA]"), 2)
        self.assertEqual(lines.count("[Interface version: 2.0]"), 2)

    def test_string_fields_asked_for(self):
        # asked for by -e alone, and by a filter alone
        rows = it.fields(self.pcap, ["frame.number", "exmta.rpc.version"], filt="exmta.rpc.session_start")
        self.assertEqual(rows[0], ["13", "2.0"])
        rows = it.fields(self.pcap, ["frame.number"],
                         filt='exmta.rpc.interface_name == "Exchange MTA" && exmta.rpc.version == "2.0"')
        self.assertEqual(it.column(rows), ["9"] + stream_frames(self.pcap, 1))


if __name__ == "__main__":
    it.main()
