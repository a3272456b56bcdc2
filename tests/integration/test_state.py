"""exmta's state lives in file scope: a second file opened in the same process
starts clean; a changed preference re-dissects consistently; invalid
preference values are refused.

tshark 4.0 reads one file per process (-r cannot be given twice), so "open a
second file" is done with sharkd, Wireshark's own JSON-RPC front end (same
libwireshark, same plugins): its "load" method closes the open file and opens
the next one through cf_open(), which frees the epan session (cleanup routines,
end of wmem file scope) and creates a new one (init routines), which is what
the Wireshark GUI does on File > Open. Every check compares whole protocol trees
of every frame ("frame" method, proto=true), not chosen fields:

* B loaded after A in one sharkd == B loaded alone in a fresh sharkd;
* control: A and B concatenated into one file (mergecap -a) does differ from B
  alone, so the comparison sees the state in question (learned EPM endpoints,
  an RFC1006 conversation found by the heuristic);
* A, then B, then A again: A's trees are the same both times.

Run with tshark/sharkd as uid 65534 when root, like tools/exmta-tshark.
"""
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import exmta_it as it  # noqa: E402


Sharkd = it.Sharkd


def filters_in(tree):
    """All display-filter strings ("f") of a tree, flattened."""
    out = []
    for node in tree:
        if "f" in node:
            out.append(node["f"])
        out += filters_in(node.get("n", []))
    return out


def alone(path, **kw):
    s = Sharkd(**kw)
    try:
        s.load(path)
        return s.trees()
    finally:
        s.close()


@unittest.skipUnless(shutil.which("sharkd"), "sharkd is not installed")
class SecondFileStartsClean(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = it.TempDir()
        t = cls.tmp.file
        # EPM: A = the lookup (frames 1-12 of rpc-epm-lookup-bind: learns 127.10.0.2:1032),
        # B = the session to 1032 that follows it (frames 13-26), without the lookup.
        src = it.sample("rpc-epm-lookup-bind.pcap")
        subprocess.run(["editcap", "-r", src, t("epm-A.pcap"), "1-12"], check=True, capture_output=True)
        subprocess.run(["editcap", "-r", src, t("epm-B.pcap"), "13-26"], check=True, capture_output=True)
        # RFC1006 found by the heuristic on 10102: A = handshake + CR/CC, B = the rest
        src = it.sample("x400-bind-accepted-10102.pcap")
        subprocess.run(["editcap", "-r", src, t("osi-A.pcap"), "1-5"], check=True, capture_output=True)
        subprocess.run(["editcap", "-r", src, t("osi-B.pcap"), "6-12"], check=True, capture_output=True)
        for k in ("epm", "osi"):
            subprocess.run(["mergecap", "-a", "-F", "pcap", "-w", t(k + "-AB.pcap"), t(k + "-A.pcap"), t(k + "-B.pcap")],
                           check=True, capture_output=True)
        for f in os.listdir(cls.tmp.path):
            it.readable(t(f))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def _check(self, kind, marker):
        t = self.tmp.file
        a, b, ab = t(kind + "-A.pcap"), t(kind + "-B.pcap"), t(kind + "-AB.pcap")
        b_alone = alone(b)
        a_alone = alone(a)
        s = Sharkd()
        try:
            s.load(a)
            a_first = s.trees()
            s.load(b)
            b_second = s.trees()
            b_reversed = s.trees(order=sorted(b_second, reverse=True))
            s.load(a)
            a_again = s.trees()
        finally:
            err = s.close()
        self.assertEqual(a_first, a_alone)
        self.assertEqual(b_second, b_alone, "%s: B after A differs from B alone: state leaked across files" % kind)
        self.assertEqual(b_reversed, b_second, "%s: random-access re-dissection differs" % kind)
        self.assertEqual(a_again, a_first, "%s: A re-opened after B differs from A" % kind)
        # the control: in one file, A's state does reach B's frames
        ab_trees = alone(ab)
        n_a = len(a_alone)
        shifted = {i - n_a: tr for i, tr in ab_trees.items() if i > n_a}
        b_marks = sum(1 for tr in b_alone.values() for f in filters_in(tr) if f.startswith(marker))
        ab_marks = sum(1 for tr in shifted.values() for f in filters_in(tr) if f.startswith(marker))
        self.assertGreater(ab_marks, b_marks, "%s: control failed: A's state does not show in A+B" % kind)
        # sharkd's own chatter only ("Hello in child.", "load: filename=...")
        noise = [l for l in err.splitlines() if l.strip() and l != "Hello in child." and not l.startswith("load: filename=")]
        self.assertEqual(noise, [])

    def test_epm_learned_endpoints_do_not_leak(self):
        self._check("epm", "exmta.rpc")

    def test_rfc1006_conversations_do_not_leak(self):
        self._check("osi", "exmta.rfc1006.detected_by == 4")   # 4 = conversation


PORT_PREF, HEURISTIC = "1", "3"


class Preferences(unittest.TestCase):
    PCAP = "x400-bind-accepted-10102.pcap"

    def test_port_pref_in_tshark_one_and_two_pass(self):
        pcap = it.sample(self.PCAP)
        for value, expect in (("102", HEURISTIC), ("102,10102", PORT_PREF)):
            outs = []
            for two in (False, True):
                rows = it.fields(pcap, ["frame.number", "exmta.rfc1006.detected_by"], filt="exmta.rfc1006",
                                 extra=["-o", "exmta.tcp.port:" + value], two_pass=two)
                self.assertEqual(rows[0], ["4", expect], value)
                outs.append(rows)
            self.assertEqual(outs[0], outs[1], "1 pass and 2 passes differ with exmta.tcp.port:%s" % value)

    def test_pref_from_profile_equals_command_line(self):
        """The same preference set in the profile's preferences file (read at start,
        then applied) and with -o (applied after) gives the same full dissection,
        in one pass and in two; and it does change the dissection.

        Not done in one process: sharkd's setconf (4.0) only calls prefs_set_pref(),
        never prefs_apply_all(), so the module's apply callback does not run
        (the GUI's Apply does run it); see tests/robustness/README.md."""
        pcap = it.sample(self.PCAP)
        d = it.TempDir()
        try:
            pf = d.file("preferences")
            with open(pf, "w") as f:
                f.write("exmta.tcp.port: 102,10102\n")
            it.readable(pf)
            for two in ([], ["-2"]):
                default = it.tshark(["-r", pcap, "-T", "json"] + two)
                cmdline = it.tshark(["-r", pcap, "-T", "json", "-o", "exmta.tcp.port:102,10102"] + two)
                profile = it.tshark(["-r", pcap, "-T", "json"] + two, env={"EXMTA_PROFILE_FILES": pf})
                self.assertNotEqual(default, cmdline)
                self.assertEqual(profile, cmdline)
        finally:
            d.cleanup()

    @unittest.skipUnless(shutil.which("sharkd"), "sharkd is not installed")
    def test_sharkd_refuses_invalid_value_and_keeps_the_old_one(self):
        s = Sharkd()
        try:
            s.load(it.sample(self.PCAP))
            for value in ("70000", "abc"):
                r = s.call("setconf", name="exmta.tcp.port", value=value)
                self.assertEqual(r.get("error"), {"code": -4005, "message": "Unable to set the preference"}, r)
                self.assertEqual(s.call("dumpconf", pref="exmta.tcp.port")["result"]["prefs"]["exmta.tcp.port"]["r"],
                                 "102")
        finally:
            s.close()

    def test_invalid_port_values_are_refused(self):
        pcap = it.sample(self.PCAP)
        # (Wireshark's range syntax accepts "-1" (= 0-1) and "1-2-3" (= "1-2,1-3"), so those are not here)
        for value in ("70000", "abc", "65536", "1,abc"):
            with self.subTest(value=value):
                p = subprocess.run([it.WRAPPER, "-o", "exmta.tcp.port:" + value, "-r", pcap],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300,
                                   env=dict(os.environ, EXMTA_PLUGIN_ROOT=it.PLUGIN_ROOT))
                self.assertEqual(p.returncode, 1)
                self.assertEqual(p.stderr.decode(), 'tshark: Invalid -o flag "exmta.tcp.port:%s"\n' % value)
                self.assertEqual(p.stdout, b"")

    def test_unknown_exmta_pref_is_refused(self):
        p = subprocess.run([it.WRAPPER, "-o", "exmta.tcp.prot:102", "-r", it.sample(self.PCAP)],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300,
                           env=dict(os.environ, EXMTA_PLUGIN_ROOT=it.PLUGIN_ROOT))
        self.assertEqual(p.returncode, 1)
        self.assertEqual(p.stderr.decode(), 'tshark: -o flag "exmta.tcp.prot:102" specifies unknown preference\n')


if __name__ == "__main__":
    it.main()
