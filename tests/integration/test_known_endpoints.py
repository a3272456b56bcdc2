"""Known endpoints (the exmta_endpoints UAT, issue 8): endpoints learned in
another capture file flag sessions in this one, exactly like endpoints
learned from the endpoint mapper in the open file."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import exmta_it as it  # noqa: E402

MTA = "9e8ee830-4459-11ce-979b-00aa005ffebe"
ROW = '"127.10.0.2","1032","%s","2.0","MTA RPC","part1.pcap","9","2025-11-25T10:00:00Z"' % MTA
FIELDS = ["frame.number", "tcp.stream", "exmta.rpc.source", "exmta.rpc.ip", "exmta.rpc.port",
          "exmta.rpc.interface_name", "exmta.rpc.learned_in", "exmta.rpc.known_file", "exmta.rpc.known_frame",
          "exmta.rpc.known_time"]


class KnownEndpoints(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = it.TempDir()
        full = it.sample("rpc-epm-lookup-nobind.pcap")
        # the session's part only: the EPM exchange (frames 1-12) is in another file
        cls.later = cls.tmp.file("later.pcap")
        import subprocess
        subprocess.run(["editcap", "-r", full, cls.later, "13-1000000"], check=True)
        it.readable(cls.later)
        cls.session_frames = len(it.fields(cls.later, ["frame.number"]))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_later_part_anonymous_without_table(self):
        self.assertEqual(it.fields(self.later, ["frame.number"], filt="exmta.rpc"), [])

    def test_flagged_with_table_on_command_line(self):
        rows = it.fields(self.later, FIELDS, filt="exmta.rpc", extra=["-o", "uat:exmta_endpoints:" + ROW])
        self.assertEqual(len(rows), self.session_frames)
        self.assertEqual(rows[0], ["1", "0", "3", "127.10.0.2", "1032", "Exchange MTA", "", "part1.pcap", "9",
                                   "2025-11-25T10:00:00Z"])
        exp = it.fields(self.later, ["frame.number", "_ws.expert.message"], filt="exmta.expert.rpc_first_session",
                        extra=["-o", "uat:exmta_endpoints:" + ROW])
        self.assertEqual(exp[0][0], "1")
        self.assertIn("[Endpoint mapper] First session to MTA RPC endpoint 127.10.0.2:1032 (Exchange MTA), from the "
                      "known endpoints table", exp[0][1])

    def test_learned_time_after_the_session_start_does_not_flag_it(self):
        # "only sessions after it was learned", as for EPM in the open file:
        # a row learned after the session began (a table from a later file)
        # does not flag it; one learned just before does
        import datetime
        t = float(it.tshark(["-r", self.later, "-c", "1", "-T", "fields", "-e", "frame.time_epoch"],
                            stock=True).strip())

        def row(when):
            iso = datetime.datetime.fromtimestamp(when, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            return '"127.10.0.2","1032","%s","2.0","MTA RPC","part1.pcap","9","%s"' % (MTA, iso)
        later = it.fields(self.later, ["frame.number"], filt="exmta.rpc",
                          extra=["-o", "uat:exmta_endpoints:" + row(t + 0.5)])
        self.assertEqual(later, [])
        before = it.fields(self.later, ["frame.number"], filt="exmta.rpc",
                           extra=["-o", "uat:exmta_endpoints:" + row(t - 0.000001)])
        self.assertEqual(len(before), self.session_frames)
        # no time: every session, as before
        no_time = it.fields(self.later, ["frame.number"], filt="exmta.rpc",
                            extra=["-o", "uat:exmta_endpoints:" + ROW[:ROW.rindex(',')] + ',""'])
        self.assertEqual(len(no_time), self.session_frames)

    def test_table_from_profile_and_bad_rows(self):
        table = self.tmp.file("exmta_endpoints")
        with open(table, "w") as f:
            f.write("# exmta_endpoints\n")
            f.write('"127.10.0.9","0","%s","2.0","MTA RPC","x.pcap","1",""\n' % MTA)
            f.write(ROW + "\n")
            f.write('"not-an-ip","1032","%s","2.0","MTA RPC","x.pcap","1",""\n' % MTA)
            f.write('"127.10.0.7","1040","zzzz","2.0","MTA RPC","x.pcap","1",""\n')
        it.readable(table)
        out = it.tshark(["-r", self.later, "-Y", "exmta.rpc", "-T", "fields", "-e", "exmta.rpc.source",
                         "-e", "exmta.rpc.known_file"], check=False, env={"EXMTA_PROFILE_FILES": table})
        self.assertEqual(out.splitlines(), ["3\tpart1.pcap"] * self.session_frames)
        err = self._stderr(table)
        for msg in ('row for host "127.10.0.9": port "0" is not a number from 1 to 65535; row ignored',
                    'row: host "not-an-ip" is not an IPv4 address; row ignored',
                    'row for host "127.10.0.7": interface "zzzz" is not a UUID like '
                    '9e8ee830-4459-11ce-979b-00aa005ffebe; row ignored'):
            self.assertIn("Known endpoints (exmta_endpoints) " + msg, err)

    def _stderr(self, table):
        import subprocess
        env = dict(os.environ, EXMTA_PLUGIN_ROOT=it.PLUGIN_ROOT, EXMTA_PROFILE_FILES=table)
        p = subprocess.run([it.WRAPPER, "-r", self.later, "-c", "1"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=env, timeout=120)
        return p.stderr.decode()

    def test_file_learning_wins(self):
        # the full capture learns 1032 in frame 9: that entry (newer) is used, not the table's
        full = it.sample("rpc-epm-lookup-nobind.pcap")
        other = '"127.10.0.2","1032","%s","2.0","MTA RPC","old.pcap","77",""' % MTA
        rows = it.fields(full, ["frame.number", "exmta.rpc.source", "exmta.rpc.learned_in"], filt="exmta.rpc",
                         extra=["-o", "uat:exmta_endpoints:" + other])
        self.assertEqual({tuple(r[1:]) for r in rows}, {("1", "9")})
        self.assertEqual(rows[0][0], "13")
        res = it.fields(full, ["frame.number", "exmta.epm.result"], filt="exmta.epm",
                        extra=["-o", "uat:exmta_endpoints:" + other])
        self.assertEqual(res, [["9", "5"]])  # known before from the table, learned again


if __name__ == "__main__":
    it.main()
