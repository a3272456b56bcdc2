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
]

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


def fields(path, names, display_filter=None, decode_10102=False):
    """{frame.number: {field: value}} for frames matching display_filter;
    repeated occurrences are joined with ','."""
    args = ["-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,",
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
        for name in EXPECTED_FILES:
            with self.subTest(name=name):
                bad = frames(sample(name), "_ws.malformed || _ws.expert.severity == error",
                             decode_10102=True)
                self.assertEqual(bad, [])

    def test_expert_warnings_are_only_the_expected_resets(self):
        expected = {"conn-refused-102.pcap": [2, 4], "conn-refused-10102.pcap": [2]}
        for name in EXPECTED_FILES:
            with self.subTest(name=name):
                got = field_by_frame(sample(name), "_ws.expert.message",
                                     "_ws.expert.severity == warning", decode_10102=True)
                self.assertEqual(sorted(got), expected.get(name, []))
                for msg in got.values():
                    self.assertEqual(msg, "Connection reset (RST)")

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


def main():
    if not TSHARK:
        sys.stderr.write("tshark not found: skipping\n")
        return 77
    prog = unittest.main(exit=False)
    return 0 if prog.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())
