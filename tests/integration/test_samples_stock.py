#!/usr/bin/python3
"""Sample captures vs. the generator and vs. STOCK tshark (no exmta plugin).

Run:  EXMTA_SOURCE_DIR=<repo> /usr/bin/python3 tests/integration/test_samples_stock.py -v
Exit status 77 (ctest "skipped") when tshark is not installed.

(a) tools/gen_x400_pcaps.py is the source of truth: regenerating into a temp
    directory must give files byte-identical to sample-pcaps/.
(b) stock tshark must decode every capture exactly as documented in
    sample-pcaps/README.md (frame numbers, field values) without malformed
    packets or expert errors.
"""

import filecmp
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

SRC = os.environ.get("EXMTA_SOURCE_DIR") or os.path.dirname(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLES = os.path.join(SRC, "sample-pcaps")
TOOLS = os.path.join(SRC, "tools")
GEN = os.path.join(TOOLS, "gen_x400_pcaps.py")
NEARMISS = os.path.join(TOOLS, "gen_nearmiss.py")
PY = sys.executable or "/usr/bin/python3"
TSHARK = shutil.which("tshark")

EXPECTED_FILES = [
    "x400-bind-accepted.pcap",
    "x400-bind-refused.pcap",
    "x400-bind-accepted-10102.pcap",
    "cotp-disconnect.pcap",
    "conn-refused-102.pcap",
    "conn-refused-10102.pcap",
    "tpkt-lookalike.pcap",
    "exchange40-reserved-byte.pcap",
    "x400-transfer-segmented.pcap",
    "x400-refused-session-ssel.pcap",
    "x400-refused-presentation.pcap",
    "x400-refused-acse-context.pcap",
    "x400-refused-rtse-busy.pcap",
    "x400-refused-rtse-dialogue.pcap",
    "x400-x410-mode.pcap",
    "x400-twa-transfers.pcap",
    "x400-two-associations.pcap",
    "x400-abort-user.pcap",
    "x400-abort-provider.pcap",
    "x400-tcp-reset.pcap",
    "x400-left-open.pcap",
    "x400-midstream.pcap",
]

# Presentation contexts of the generated associations, for captures that
# start after the CP/CPA (stock's "PRES Users Context List" UAT).
PRES_CONTEXTS = ["-o", 'uat:pres_context_list:"1","2.2.1.0.1"',
                 "-o", 'uat:pres_context_list:"3","2.6.0.2.12"',
                 "-o", 'uat:pres_context_list:"5","2.6.0.2.7"']

_tmp = None
_env = None


def setUpModule():
    global _tmp, _env
    _tmp = tempfile.mkdtemp(prefix="exmta-samples-")
    cfg = os.path.join(_tmp, "config")
    os.makedirs(cfg)
    _env = dict(os.environ)
    _env.update({"TZ": "UTC", "HOME": cfg, "WIRESHARK_CONFIG_DIR": cfg,
                 "XDG_CONFIG_HOME": cfg, "LC_ALL": "C.UTF-8"})
    _env.pop("WIRESHARK_PLUGIN_DIR", None)


def tearDownModule():
    if _tmp:
        shutil.rmtree(_tmp, ignore_errors=True)


def sample(name):
    return os.path.join(SAMPLES, name)


def tshark(path, *args, decode_10102=False):
    cmd = [TSHARK, "-n", "-r", path]
    if decode_10102:
        cmd += ["-d", "tcp.port==10102,tpkt"]
    cmd += list(args)
    res = subprocess.run(cmd, env=_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         universal_newlines=True, check=False)
    if res.returncode != 0:
        raise AssertionError("tshark failed (%d): %s\n%s" % (res.returncode, " ".join(cmd), res.stderr))
    return res.stdout


def fields(path, names, display_filter=None, decode_10102=False, extra=()):
    """{frame.number: {field: value}} for frames matching display_filter;
    repeated occurrences are joined with ','."""
    args = list(extra) + ["-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,",
            "-e", "frame.number"]
    for n in names:
        args += ["-e", n]
    if display_filter:
        args += ["-Y", display_filter]
    out = {}
    for line in tshark(path, *args, decode_10102=decode_10102).splitlines():
        cols = line.split("\t")
        cols += [""] * (len(names) + 1 - len(cols))
        out[int(cols[0])] = dict(zip(names, cols[1:]))
    return out


def frames(path, display_filter, decode_10102=False):
    return sorted(fields(path, [], display_filter, decode_10102).keys())


def field_by_frame(path, name, display_filter=None, decode_10102=False):
    flt = display_filter or name
    return {k: v[name] for k, v in fields(path, [name], flt, decode_10102).items()}


class Reproducible(unittest.TestCase):
    def test_generator_matches_committed_samples(self):
        out = os.path.join(_tmp, "regen")
        subprocess.run([PY, GEN, out], check=True)
        self.assertEqual(sorted(os.listdir(out)), sorted(EXPECTED_FILES))
        committed = set(os.listdir(SAMPLES))   # other generators share the directory
        self.assertEqual(sorted(set(EXPECTED_FILES) - committed), [])
        for name in EXPECTED_FILES:
            with self.subTest(name=name):
                self.assertTrue(filecmp.cmp(os.path.join(out, name), sample(name), shallow=False),
                                "%s differs from the generator output; rerun tools/gen_x400_pcaps.py" % name)

    def test_nearmiss_is_deterministic_and_valid(self):
        a = os.path.join(_tmp, "nm-a.pcap")
        b = os.path.join(_tmp, "nm-b.pcap")
        c = os.path.join(_tmp, "nm-c.pcap")
        subprocess.run([PY, NEARMISS, a, "25", "1006"], check=True)
        subprocess.run([PY, NEARMISS, b, "25", "1006"], check=True)
        subprocess.run([PY, NEARMISS, c, "25", "1007"], check=True)
        self.assertTrue(filecmp.cmp(a, b, shallow=False))
        self.assertFalse(filecmp.cmp(a, c, shallow=False))
        # parse the pcap ourselves: 4 frames per session, data frame payload is
        # 03 00 <len> with len == TCP payload length
        with open(a, "rb") as f:
            data = f.read()
        off, frames_ = 24, []
        while off < len(data):
            _, _, incl, _ = struct.unpack_from("<IIII", data, off)
            frames_.append(data[off + 16:off + 16 + incl])
            off += 16 + incl
        self.assertEqual(len(frames_), 100)
        for i in range(3, 100, 4):
            payload = frames_[i][14 + 20 + 20:]
            self.assertEqual(payload[:2], b"\x03\x00")
            self.assertEqual(struct.unpack(">H", payload[2:4])[0], len(payload))


@unittest.skipUnless(TSHARK, "tshark not installed")
class StockDecode(unittest.TestCase):
    maxDiff = None

    # -- generic checks ---------------------------------------------------

    def test_no_malformed_or_expert_errors(self):
        # stock cannot decode an X.410-1984 mode S-DATA (its presentation
        # dissector expects a PPDU there): one expert error of the Malformed
        # group (no "[Malformed Packet]" in the Info column), documented
        expected = {"x400-x410-mode.pcap": [9]}
        for name in EXPECTED_FILES:
            with self.subTest(name=name):
                bad = frames(sample(name), "_ws.malformed || _ws.expert.severity == error",
                             decode_10102=True)
                self.assertEqual(bad, expected.get(name, []))
        self.assertEqual(field_by_frame(sample("x400-x410-mode.pcap"), "_ws.expert.message",
                                        "_ws.expert.severity == error"),
                         {9: "Internal error:can't get spdu type from session dissector"})
        self.assertEqual(frames(sample("x400-x410-mode.pcap"), "_ws.expert.group == 0x07000000"), [9])

    def test_expert_warnings_are_only_the_expected_resets(self):
        expected = {"conn-refused-102.pcap": [2, 4], "conn-refused-10102.pcap": [2],
                    "x400-tcp-reset.pcap": [11]}
        undecoded = {"x400-midstream.pcap": [2, 6, 9, 10]}   # no CP: presentation contexts unknown
        for name in EXPECTED_FILES:
            with self.subTest(name=name):
                got = field_by_frame(sample(name), "_ws.expert.message",
                                     "_ws.expert.severity == warning", decode_10102=True)
                self.assertEqual(sorted(got), sorted(expected.get(name, []) + undecoded.get(name, [])))
                for k, msg in got.items():
                    self.assertEqual(msg, "Dissector is not available" if k in undecoded.get(name, [])
                                     else "Connection reset (RST)")

    # -- bind accepted (file 1, and its variants 3 and 7) -----------------

    def check_bind_accepted(self, path, decode_10102=False, reserved=None):
        d = decode_10102
        self.assertEqual(field_by_frame(path, "tcp.flags.str", "tcp", d)[1], "··········S·")
        self.assertEqual(field_by_frame(path, "cotp.type", decode_10102=d),
                         {4: "0x0e", 5: "0x0d", 6: "0x0f", 7: "0x0f", 8: "0x0f", 9: "0x0f"})
        cr = fields(path, ["cotp.srcref", "cotp.destref", "cotp.class", "cotp.src-tsap",
                           "cotp.dst-tsap", "cotp.tpdu_size"], "cotp.type == 0x0e", d)
        self.assertEqual(cr, {4: {"cotp.srcref": "0x4a01", "cotp.destref": "0x0000", "cotp.class": "0",
                                  "cotp.src-tsap": "MTA-A", "cotp.dst-tsap": "X400",
                                  "cotp.tpdu_size": "2048"}})
        cc = fields(path, ["cotp.srcref", "cotp.destref", "cotp.class"], "cotp.type == 0x0d", d)
        self.assertEqual(cc, {5: {"cotp.srcref": "0x7c02", "cotp.destref": "0x4a01", "cotp.class": "0"}})
        self.assertEqual(field_by_frame(path, "ses.type", decode_10102=d),
                         {6: "13", 7: "14", 8: "9", 9: "10"})
        bind = fields(path, ["acse.aSO_context_name", "p1.MTABindArgument",
                             "p1.authenticated.initiator-name", "p1.initiator_credentials",
                             "p1.ia5_string", "rtse.checkpointSize", "rtse.dialogueMode"],
                      "rtse.rtorq_apdu_element && ros", d)
        self.assertEqual(bind, {6: {"acse.aSO_context_name": "2.6.0.1.6", "p1.MTABindArgument": "1",
                                    "p1.authenticated.initiator-name": "EXCH-MTA-A",
                                    "p1.initiator_credentials": "0", "p1.ia5_string": "tr4nsfer-A",
                                    "rtse.checkpointSize": "32", "rtse.dialogueMode": "0"}})
        res = fields(path, ["acse.result", "p1.MTABindResult", "p1.authenticated.responder-name",
                            "p1.ia5_string"],
                     "acse.aare_element && rtse.rtoac_apdu_element && ros", d)
        self.assertEqual(res, {7: {"acse.result": "0", "p1.MTABindResult": "1",
                                   "p1.authenticated.responder-name": "EXCH-MTA-B",
                                   "p1.ia5_string": "tr4nsfer-B"}})
        self.assertEqual(field_by_frame(path, "acse.reason", "acse.rlrq_element", d), {8: "0"})
        self.assertEqual(field_by_frame(path, "acse.reason", "acse.rlre_element", d), {9: "0"})
        self.assertEqual(frames(path, "tcp.flags.fin == 1", d), [10, 11])
        self.assertEqual(frames(path, "tcp.flags.reset == 1 || cotp.type == 0x08", d), [])
        self.assertEqual(len(frames(path, "frame", d)), 12)
        got_reserved = field_by_frame(path, "tpkt.reserved", decode_10102=d)
        if reserved is None:
            self.assertEqual(set(got_reserved.values()), {"0"})
        else:
            self.assertEqual(got_reserved, reserved)

    def test_bind_accepted(self):
        self.check_bind_accepted(sample("x400-bind-accepted.pcap"))
        self.assertEqual(set(field_by_frame(sample("x400-bind-accepted.pcap"), "tcp.dstport",
                                            "tcp.srcport == 49731").values()), {"102"})

    def test_bind_accepted_10102(self):
        path = sample("x400-bind-accepted-10102.pcap")
        # stock does not know port 10102: no TPKT without Decode As
        self.assertEqual(frames(path, "tpkt || cotp"), [])
        self.assertEqual(set(field_by_frame(path, "tcp.dstport", "tcp.srcport == 49734").values()),
                         {"10102"})
        self.check_bind_accepted(path, decode_10102=True)

    def test_exchange40_reserved_byte(self):
        self.check_bind_accepted(sample("exchange40-reserved-byte.pcap"),
                                 reserved={4: "90", 5: "1", 6: "200", 7: "51", 8: "127", 9: "16"})

    # -- bind refused (file 2) --------------------------------------------

    def test_bind_refused(self):
        path = sample("x400-bind-refused.pcap")
        self.assertEqual(field_by_frame(path, "cotp.type"),
                         {4: "0x0e", 5: "0x0d", 6: "0x0f", 7: "0x0f"})
        self.assertEqual(field_by_frame(path, "ses.type"), {6: "13", 7: "12"})
        self.assertEqual(field_by_frame(path, "p1.authenticated.initiator-name"), {6: "EXCH-MTA-A"})
        rj = fields(path, ["ses.reason_code", "acse.result", "acse.service_user", "p1.MTABindError"],
                    "acse.aare_element && rtse.rtorj_apdu_element && ros")
        self.assertEqual(rj, {7: {"ses.reason_code": "2", "acse.result": "1", "acse.service_user": "1",
                                  "p1.MTABindError": "2"}})
        self.assertEqual(frames(path, "p1.MTABindError == 2"), [7])   # authentication-error
        self.assertEqual(frames(path, "tcp.flags.fin == 1"), [8, 9])
        self.assertEqual(len(frames(path, "frame")), 10)

    # -- COTP DR (file 4) -------------------------------------------------

    def test_cotp_disconnect(self):
        path = sample("cotp-disconnect.pcap")
        self.assertEqual(field_by_frame(path, "cotp.type"), {4: "0x0e", 5: "0x08"})
        self.assertEqual(field_by_frame(path, "cotp.dst-tsap"), {4: "NO-SUCH-TSAP"})
        dr = fields(path, ["cotp.destref", "cotp.srcref", "cotp.cause"], "cotp.type == 0x08")
        self.assertEqual(dr, {5: {"cotp.destref": "0x4a01", "cotp.srcref": "0x0000", "cotp.cause": "3"}})
        self.assertEqual(frames(path, "tcp.flags.fin == 1"), [6, 7])
        self.assertEqual(frames(path, "ses || pres"), [])

    # -- refused TCP connections (file 5) ---------------------------------

    def test_conn_refused_102(self):
        path = sample("conn-refused-102.pcap")
        self.assertEqual(frames(path, "tcp.flags == 0x002 && tcp.dstport == 102"), [1, 3])
        self.assertEqual(frames(path, "tcp.flags == 0x014 && tcp.srcport == 102"), [2, 4])
        self.assertEqual(len(frames(path, "frame")), 4)

    def test_conn_refused_10102(self):
        path = sample("conn-refused-10102.pcap")
        self.assertEqual(frames(path, "tcp.flags == 0x002 && tcp.dstport == 10102"), [1])
        self.assertEqual(frames(path, "tcp.flags == 0x014 && tcp.srcport == 10102"), [2])
        self.assertEqual(len(frames(path, "frame")), 2)

    # -- negatives (file 6) -----------------------------------------------

    def test_tpkt_lookalike(self):
        path = sample("tpkt-lookalike.pcap")
        self.assertEqual(frames(path, "tpkt || cotp || ses || pres || acse"), [])
        self.assertEqual(frames(path, "http.request.method == \"GET\""), [4])
        self.assertEqual(frames(path, "http.response.code == 200"), [5])
        self.assertEqual(frames(path, "dns.id == 0x0302"), [12, 13])
        pay = fields(path, ["tcp.dstport", "tcp.srcport", "tcp.len", "tcp.payload"], "tcp.len > 0")
        self.assertEqual(sorted(pay), [4, 5, 12, 13, 20, 21, 28, 35, 42])
        starts_0300 = sorted(k for k, v in pay.items() if v["tcp.payload"].startswith("0300"))
        self.assertEqual(starts_0300, [13, 20, 21, 28, 35, 42])
        tpkt_len_ok = sorted(k for k in starts_0300
                             if int(pay[k]["tcp.payload"][4:8], 16) == int(pay[k]["tcp.len"]))
        self.assertEqual(tpkt_len_ok, [13, 28, 35, 42])   # 5001 lengths do not match
        ports = {pay[k]["tcp.srcport"] if pay[k]["tcp.srcport"] in ("53", "5001") else pay[k]["tcp.dstport"]
                 for k in starts_0300}
        self.assertEqual(ports, {"53", "5001", "8443", "7001", "9102"})
        # the class-4 CR on 9102
        self.assertTrue(pay[42]["tcp.payload"].startswith("0300001b16e00000123442"))

    # -- segmented P1 transfer (file 8) -----------------------------------

    def test_transfer_segmented(self):
        path = sample("x400-transfer-segmented.pcap")
        self.assertEqual(frames(path, "p1.authenticated.initiator-name == \"EXCH-MTA-A\""), [6])
        self.assertEqual(frames(path, "p1.authenticated.responder-name == \"EXCH-MTA-B\""), [7])
        self.assertEqual(field_by_frame(path, "ses.type"),
                         {6: "13", 7: "14", 8: "1,45", 39: "1,1", 40: "1,41", 41: "2,42",
                          42: "9", 43: "10"})
        more = [10, 12, 15, 16, 19, 21, 22, 25, 27, 30, 31, 33, 36, 37]
        self.assertEqual(frames(path, "cotp.type == 0x0f && cotp.eot == 0"), more)
        self.assertEqual(field_by_frame(path, "cotp.reassembled.length"), {39: "30499"})
        # TCP segments that carry no TPKT header start (mid-TPKT segments)
        mid = frames(path, "tcp.len > 0 && !tpkt")
        self.assertEqual(mid, [9, 13, 18, 24, 28, 34])
        self.assertEqual(field_by_frame(path, "rtse.reassembled.length"), {40: "30476"})
        msg = fields(path, ["p1.MTS_APDU", "p1.content_type", "p1.local_identifier",
                            "p1.content_identifier", "p22.subject"], "p1.MTS_APDU")
        self.assertEqual(msg, {40: {"p1.MTS_APDU": "0", "p1.content_type": "0",
                                    "p1.local_identifier": "EXMTA-MSG-0001",
                                    "p1.content_identifier": "exmta-sample",
                                    "p22.subject": "exmta segmented transfer sample"}})
        self.assertEqual(frames(path, "p1.built_in == 22"), [40])
        self.assertEqual(frames(path, "acse.rlrq_element"), [42])
        self.assertEqual(frames(path, "acse.rlre_element"), [43])
        self.assertEqual(frames(path, "tcp.flags.fin == 1"), [44, 45])

    # -- associations and messages (files 10-22) ---------------------------

    OFFER = {"ses.calling_session_selector": "532d41",            # S-A
             "pres.calling_presentation_selector": "502d41",      # P-A
             "pres.mode_value": "1", "p1.MTABindArgument": "1"}

    def check_offer(self, path, frame=6, **over):
        """The CN/CP/AARQ/RTORQ/bind of the newer captures: OSI addresses,
        application context, RTSE dialogue mode."""
        names = ["ses.type", "cotp.src-tsap", "cotp.dst-tsap", "ses.calling_session_selector",
                 "ses.called_session_selector", "pres.mode_value", "pres.calling_presentation_selector",
                 "pres.called_presentation_selector", "acse.aSO_context_name", "rtse.dialogueMode",
                 "p1.MTABindArgument"]
        want = dict(self.OFFER, **{"ses.type": "13", "ses.called_session_selector": "532d42",
                                   "pres.called_presentation_selector": "502d42",
                                   "acse.aSO_context_name": "2.6.0.1.6", "rtse.dialogueMode": "0"})
        want.update(over)
        got = fields(path, names, "ses.type == 13")
        self.assertIn(frame, got)
        self.assertEqual({k: v for k, v in got[frame].items() if v and not k.startswith("cotp")},
                         {k: v for k, v in want.items() if v})
        self.assertEqual(fields(path, ["cotp.src-tsap", "cotp.dst-tsap"], "cotp.type == 0x0e"),
                         {4: {"cotp.src-tsap": "MTA-A", "cotp.dst-tsap": "X400"}})

    def check_refused(self, path, answer):
        names = ["ses.type", "ses.reason_code", "ses.transport_flags", "pres.provider_reason",
                 "acse.result", "acse.service_user", "rtse.refuseReason", "p1.MTABindError"]
        got = fields(path, names, "frame.number == 7")[7]
        self.assertEqual({k: v for k, v in got.items() if v}, answer)
        self.assertEqual(frames(path, "tcp.flags.fin == 1"), [8, 9])
        self.assertEqual(len(frames(path, "frame")), 10)

    def test_refused_session_ssel(self):
        path = sample("x400-refused-session-ssel.pcap")
        self.check_offer(path, **{"ses.called_session_selector": "532d58"})     # S-X
        self.check_refused(path, {"ses.type": "12", "ses.reason_code": "129",     # Session Selector unknown
                                  "ses.transport_flags": "0x01"})
        self.assertEqual(frames(path, "pres && frame.number == 7"), [])

    def test_refused_presentation(self):
        path = sample("x400-refused-presentation.pcap")
        self.check_offer(path, **{"pres.called_presentation_selector": "502d58"})  # P-X
        self.check_refused(path, {"ses.type": "12", "ses.reason_code": "2", "ses.transport_flags": "0x01",
                                  "pres.provider_reason": "3"})   # called-presentation-address-unknown
        self.assertEqual(frames(path, "acse && frame.number == 7"), [])

    def test_refused_acse_context(self):
        path = sample("x400-refused-acse-context.pcap")
        self.check_offer(path, **{"acse.aSO_context_name": "2.6.0.1.7"})
        self.check_refused(path, {"ses.type": "12", "ses.reason_code": "2", "ses.transport_flags": "0x01",
                                  "acse.result": "1",             # rejected-permanent
                                  "acse.service_user": "2"})      # application-context-name-not-supported
        self.assertEqual(field_by_frame(path, "acse.aSO_context_name", "frame.number == 7"), {7: "2.6.0.1.6"})
        self.assertEqual(frames(path, "rtse && frame.number == 7"), [])

    def test_refused_rtse_busy(self):
        path = sample("x400-refused-rtse-busy.pcap")
        self.check_offer(path)
        self.check_refused(path, {"ses.type": "12", "ses.reason_code": "2", "ses.transport_flags": "0x01",
                                  "acse.result": "2", "acse.service_user": "1",   # rejected-transient
                                  "rtse.refuseReason": "0"})                      # rtsBusy
        self.assertEqual(frames(path, "rtse.rtorj_apdu_element"), [7])

    def test_refused_rtse_dialogue(self):
        path = sample("x400-refused-rtse-dialogue.pcap")
        self.check_offer(path, **{"rtse.dialogueMode": "1"})                          # twa asked
        self.check_refused(path, {"ses.type": "12", "ses.reason_code": "2", "ses.transport_flags": "0x01",
                                  "acse.result": "1", "acse.service_user": "1",
                                  "rtse.refuseReason": "3"})      # unacceptableDialogueMode

    def test_x410_mode(self):
        path = sample("x400-x410-mode.pcap")
        self.check_offer(path, **{"pres.mode_value": "0", "pres.calling_presentation_selector": "",
                                  "pres.called_presentation_selector": "", "acse.aSO_context_name": ""})
        # no ACSE and no RTSE PDU element: the RTSE connection APDUs are
        # presentation's x410-mode-parameters, holding the rtse.* and p1 fields
        self.assertEqual(frames(path, "acse || rtse.rtorq_apdu_element || rtse.rtoac_apdu_element"), [])
        cp = fields(path, ["pres.mode_value", "rtse.checkpointSize", "rtse.windowSize", "rtse.dialogueMode",
                           "rtse.applicationProtocol", "p1.authenticated.initiator-name",
                           "p1.authenticated.responder-name"], "pres.x410_mode_parameters_element")
        self.assertEqual(cp, {6: {"pres.mode_value": "0", "rtse.checkpointSize": "32", "rtse.windowSize": "3",
                                  "rtse.dialogueMode": "0", "rtse.applicationProtocol": "1",
                                  "p1.authenticated.initiator-name": "EXCH-MTA-A",
                                  "p1.authenticated.responder-name": ""},
                              7: {"pres.mode_value": "0", "rtse.checkpointSize": "32", "rtse.windowSize": "3",
                                  "rtse.dialogueMode": "", "rtse.applicationProtocol": "",
                                  "p1.authenticated.initiator-name": "",
                                  "p1.authenticated.responder-name": "EXCH-MTA-B"}})
        self.assertEqual(field_by_frame(path, "ses.type"),
                         {6: "13", 7: "14", 8: "1,45", 9: "1,1", 10: "1,41", 11: "2,42", 12: "9", 13: "10"})
        # the message in frame 9 is not decoded: no P1 transfer, no RTSE reassembly
        self.assertEqual(frames(path, "p1.MTS_APDU || rtse.reassembled.length || rtse"), [])
        self.assertEqual(frames(path, "tcp.flags.fin == 1"), [14, 15])

    TRANSFER = ["p1.MTS_APDU", "p1.local_identifier", "p1.content_identifier", "p1.priority", "p1.built_in",
                "p1.content_length", "p1.originally_specified_recipient_number", "p1.report_type",
                "p1.non_delivery_reason_code", "p1.non_delivery_diagnostic_code",
                "p1.supplementary_information", "rtse.reassembled.length", "p22.subject"]

    def transfers(self, path, extra=()):
        got = fields(path, self.TRANSFER, "p1.MTS_APDU", extra=extra)
        return {k: {n: v for n, v in row.items() if v} for k, row in got.items()}

    def test_twa_transfers(self):
        path = sample("x400-twa-transfers.pcap")
        self.check_offer(path, **{"rtse.dialogueMode": "1"})
        self.assertEqual(fields(path, ["acse.result", "p1.MTABindResult"], "ses.type == 14"),
                         {7: {"acse.result": "0", "p1.MTABindResult": "1"}})
        msg1 = {"p1.MTS_APDU": "0", "p1.local_identifier": "EXMTA-MSG-0101", "p1.content_identifier": "twa-1",
                "p1.priority": "2", "p1.built_in": "22", "p1.originally_specified_recipient_number": "1,2,3",
                "rtse.reassembled.length": "1209", "p22.subject": "exmta twa message 1"}
        probe = {"p1.MTS_APDU": "2", "p1.local_identifier": "EXMTA-PRB-0102", "p1.built_in": "22",
                 "p1.content_length": "1024", "p1.originally_specified_recipient_number": "1,2",
                 "rtse.reassembled.length": "319"}
        rep1 = {"p1.MTS_APDU": "1", "p1.local_identifier": "EXMTA-REP-0201,EXMTA-MSG-0101", "p1.built_in": "22",
                "p1.originally_specified_recipient_number": "1,2,3", "p1.report_type": "0,0,1",
                "p1.non_delivery_reason_code": "1", "p1.non_delivery_diagnostic_code": "0",
                "p1.supplementary_information": "no such mailbox at SITE-B", "rtse.reassembled.length": "563"}
        rep2 = {"p1.MTS_APDU": "1", "p1.local_identifier": "EXMTA-REP-0202,EXMTA-PRB-0102", "p1.built_in": "22",
                "p1.originally_specified_recipient_number": "1,2", "p1.report_type": "0,0",
                "rtse.reassembled.length": "436"}
        msg2 = {"p1.MTS_APDU": "0", "p1.local_identifier": "EXMTA-MSG-0203", "p1.content_identifier": "twa-2",
                "p1.priority": "1", "p1.built_in": "22", "p1.originally_specified_recipient_number": "1,2",
                "rtse.reassembled.length": "1136", "p22.subject": "exmta twa message 2"}
        rep3 = {"p1.MTS_APDU": "1", "p1.local_identifier": "EXMTA-REP-0103,EXMTA-MSG-0203", "p1.built_in": "22",
                "p1.originally_specified_recipient_number": "2", "p1.report_type": "1",
                "p1.non_delivery_reason_code": "1", "p1.non_delivery_diagnostic_code": "0",
                "rtse.reassembled.length": "309"}
        self.assertEqual(self.transfers(path), {10: msg1, 14: probe, 20: rep1, 24: rep2, 28: msg2, 33: rep3})
        # direction: 10, 14, 33 from the initiator; 20, 24, 28 from the responder
        self.assertEqual(frames(path, "p1.MTS_APDU && tcp.srcport == 49746"), [10, 14, 33])
        # the data arrives in the S-DATA before the MAP that decodes it (a
        # one-pass read shows no rtse.reassembled.in in the S-DATA frames)
        self.assertEqual(frames(path, "rtse.segment"), [9, 13, 19, 23, 27, 32])
        self.assertEqual(frames(path, "rtse.reassembled.in"), [])
        self.assertEqual(field_by_frame(path, "rtse.rttp_apdu"), {16: "0"})     # turn please from B
        self.assertEqual(field_by_frame(path, "ses.type", "ses.type == 1 && !ses.length > 0 && frame.len < 64"),
                         {17: "1", 30: "1"})                                     # give tokens
        self.assertEqual(frames(path, "acse.rlrq_element"), [35])
        self.assertEqual(frames(path, "tcp.flags.fin == 1"), [37, 38])

    def test_two_associations(self):
        path = sample("x400-two-associations.pcap")
        self.assertEqual(frames(path, "cotp.type == 0x0e"), [4])                 # one transport connection
        self.assertEqual(len(set(field_by_frame(path, "tcp.stream", "tcp").values())), 1)
        self.check_offer(path, frame=6)
        self.check_offer(path, frame=14)
        self.assertEqual(frames(path, "p1.MTABindResult == 1"), [7, 15])
        self.assertEqual(fields(path, ["ses.transport_flags", "acse.reason"], "ses.type == 9"),
                         {12: {"ses.transport_flags": "0x00", "acse.reason": "0"},    # transport kept
                          20: {"ses.transport_flags": "0x01", "acse.reason": "0"}})   # released
        self.assertEqual(frames(path, "acse.rlre_element"), [13, 21])
        self.assertEqual({k: v["p1.local_identifier"] for k, v in self.transfers(path).items()},
                         {10: "EXMTA-MSG-0301", 18: "EXMTA-MSG-0302"})
        self.assertEqual(frames(path, "tcp.flags.fin == 1"), [22, 23])

    def test_abort_user(self):
        path = sample("x400-abort-user.pcap")
        self.check_offer(path)
        ab = fields(path, ["ses.type", "ses.transport_flags", "pres.aru_ppdu", "acse.abort_source",
                           "rtse.abortReason"], "ses.type == 25")
        self.assertEqual(ab, {10: {"ses.type": "25", "ses.transport_flags": "0x03", "pres.aru_ppdu": "1",
                                   "acse.abort_source": "0", "rtse.abortReason": "5"}})   # permanentProblem
        self.assertEqual(frames(path, "rtse.rtab_apdu_element && acse.abrt_element"), [10])
        self.assertEqual(frames(path, "p1.MTS_APDU"), [])             # the transfer never completed
        self.assertEqual(frames(path, "tcp.flags.fin == 1"), [11, 12])
        self.assertEqual(field_by_frame(path, "ip.src", "tcp.flags.fin == 1")[11], "192.0.2.20")

    def test_abort_provider(self):
        path = sample("x400-abort-provider.pcap")
        self.check_offer(path)
        self.assertEqual(self.transfers(path)[10]["p1.local_identifier"], "EXMTA-MSG-0501")
        ab = fields(path, ["ses.transport_flags", "pres.provider_reason", "pres.event_identifier"],
                    "pres.arp_ppdu_element")
        self.assertEqual(ab, {12: {"ses.transport_flags": "0x03", "pres.provider_reason": "2",   # unexpected-ppdu
                                   "pres.event_identifier": "7"}})                               # td-PPDU
        self.assertEqual(frames(path, "acse.abrt_element || rtse.rtab_apdu_element"), [])
        self.assertEqual(frames(path, "tcp.flags.fin == 1"), [13, 14])

    def test_tcp_reset(self):
        path = sample("x400-tcp-reset.pcap")
        self.check_offer(path)
        self.assertEqual(frames(path, "p1.MTABindResult == 1"), [7])
        self.assertEqual(frames(path, "ses.type == 45"), [8])
        self.assertEqual(frames(path, "cotp.type == 0x0f && cotp.eot == 0"), [10])
        self.assertEqual(frames(path, "tcp.flags.reset == 1"), [11])
        self.assertEqual(frames(path, "p1.MTS_APDU || tcp.flags.fin == 1 || ses.type == 9"), [])
        self.assertEqual(len(frames(path, "frame")), 11)

    def test_left_open(self):
        path = sample("x400-left-open.pcap")
        self.check_offer(path)
        got = self.transfers(path)
        self.assertEqual({k: (v["p1.local_identifier"], v["p1.originally_specified_recipient_number"])
                          for k, v in got.items()},
                         {10: ("EXMTA-MSG-0701", "1,2"), 14: ("EXMTA-MSG-0702", "1")})
        self.assertEqual(frames(path, "ses.type == 9 || ses.type == 25 || tcp.flags.fin == 1 "
                                      "|| tcp.flags.reset == 1 || cotp.type == 0x08"), [])
        self.assertEqual(len(frames(path, "frame")), 15)

    def test_midstream(self):
        path = sample("x400-midstream.pcap")
        self.assertEqual(frames(path, "tcp.flags.syn == 1 || cotp.type == 0x0e || ses.type == 13"), [])
        self.assertEqual(field_by_frame(path, "ses.type"),
                         {1: "1,45", 2: "1,1", 3: "1,41", 4: "2,42", 5: "1,45", 6: "1,1", 7: "1,41",
                          8: "2,42", 9: "9", 10: "10"})
        # without the CP the presentation contexts are unknown: nothing above pres
        self.assertEqual(frames(path, "rtse || p1 || acse"), [])
        # with them given in stock's PRES Users Context List, all decodes
        got = self.transfers(path, PRES_CONTEXTS)
        self.assertEqual({k: v["p1.local_identifier"] for k, v in got.items()},
                         {3: "EXMTA-MSG-0801", 7: "EXMTA-MSG-0802"})
        self.assertEqual(sorted(fields(path, [], "acse.rlrq_element || acse.rlre_element", extra=PRES_CONTEXTS)),
                         [9, 10])
        self.assertEqual(frames(path, "tcp.flags.fin == 1"), [11, 12])


def main():
    if not TSHARK:
        sys.stderr.write("tshark not found: skipping\n")
        return 77
    prog = unittest.main(exit=False)
    return 0 if prog.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
