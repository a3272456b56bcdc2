"""exmta-fileset (issue 8): a capture cut into a file set gives the same
endpoint summary as the whole capture; files are ordered by first packet
time, not by name; nothing is flagged with an endpoint learned later in time;
the GNU parallel --sshlogin path works."""
import json
import os
import shutil
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import exmta_it as it  # noqa: E402

FILESET = os.path.join(it.SRC, "tools", "exmta-fileset")
FAKE_SSH = os.path.join(it.SRC, "tests", "tools", "fake-ssh")


def need_tools():
    for t in ("parallel", "tcpdump", "editcap", "capinfos"):
        if not shutil.which(t):
            raise unittest.SkipTest("%s is not installed (tools/deps.sh --test)" % t)


def fileset(args, env=None):
    e = dict(os.environ, EXMTA_PLUGIN_ROOT=it.PLUGIN_ROOT)
    if env:
        e.update(env)
    p = subprocess.run([FILESET, "--progress", "none"] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, env=e, timeout=600)
    if p.returncode != 0:
        raise AssertionError("exmta-fileset %s failed: %s" % (" ".join(args), p.stderr))
    return p.stdout


def editcap(args):
    subprocess.run(["editcap"] + args, check=True, stdout=subprocess.DEVNULL)


def whole_summary(pcap, extra=()):
    out = it.tshark(["-r", pcap, "-q", "-z", "exmta,endpoints,json"] + list(extra))
    return json.loads(out[out.index("["):])


def comparable(rows):
    """What must be equal between the set and the whole capture: endpoints,
    kinds, session counts, outcomes. (Frame and byte counts of a session
    whose PDU is cut by the boundary may differ by the TCP segments that
    stock reassembly hides in the whole file: README, "File sets".)"""
    return sorted((str(r["host"]), str(r["port"]), r["kind"], int(r["sessions"]), r["outcome"]) for r in rows)


def frames_bytes(rows):
    return sorted((str(r["host"]), str(r["port"]), int(r["frames"]), int(r["bytes"])) for r in rows)


class FileSet(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        need_tools()
        cls.tmp = it.TempDir()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def split(self, pcap, name, first, rename=None):
        """Cut pcap after frame `first` into two files of a new set folder;
        rename gives the two files names whose order is not the time order."""
        d = self.tmp.file(name)
        os.makedirs(d)
        os.chmod(d, 0o755)
        a, b = os.path.join(d, "part1.pcap"), os.path.join(d, "part2.pcap")
        editcap(["-r", pcap, a, "1-%d" % first])
        editcap(["-r", pcap, b, "%d-1000000" % (first + 1)])
        if rename:
            os.rename(a, os.path.join(d, rename[0]))
            os.rename(b, os.path.join(d, rename[1]))
        for f in os.listdir(d):
            it.readable(os.path.join(d, f))
        return d

    def run_set(self, d, extra=()):
        js = os.path.join(d, "summary.json")
        csvf = os.path.join(d, "summary.csv")
        out = fileset(list(extra) + ["--json", js, "--csv", csvf, d])
        with open(js) as f:
            data = json.load(f)
        with open(csvf) as f:
            csv_text = f.read()
        return out, data, csv_text

    def test_epm_and_session_in_different_files(self):
        pcap = it.sample("rpc-epm-lookup-nobind.pcap")
        # lookup (frames 8/9) in the file named z..., the session in a... : name order is not time order
        d = self.split(pcap, "nobind", 12, rename=("z-lookup.pcap", "a-session.pcap"))
        out, data, csv_text = self.run_set(d)
        self.assertEqual([f["file"] for f in data["files"]], ["z-lookup.pcap", "a-session.pcap"])
        self.assertEqual(comparable(data["endpoints"]), comparable(whole_summary(pcap)))
        rpc = [r for r in data["endpoints"] if str(r["port"]) == "1032"]
        self.assertEqual(len(rpc), 1)
        self.assertEqual(rpc[0]["found_by"], "EPM z-lookup.pcap:9")
        self.assertEqual(rpc[0]["first_frame"], "a-session.pcap:1")
        self.assertEqual(rpc[0]["last_frame"], "a-session.pcap:12")
        self.assertIn("1032", out)
        self.assertTrue(csv_text.startswith("host,port,kind,found_by,sessions,frames,bytes,first_frame,"
                                            "last_frame,outcome"))

    def test_epm_over_udp_in_an_earlier_file(self):
        """pass 1 keeps UDP 135 too: an endpoint learned from an ept_map over
        connectionless DCE/RPC flags the session in the next file. The stubs
        are the real ones of the nobind sample's TCP exchange, in
        connectionless headers (impacket has no connectionless client), then
        that sample's real session to 127.10.0.2:1032."""
        src = it.sample("rpc-epm-lookup-nobind.pcap")
        stubs = it.epm_map_stubs(src)
        frames = it.read_pcap(src)[1]
        t = frames[7][0] * 1000000 + frames[7][1]          # when the TCP request was sent
        pkts = [it.udp_frame("127.10.0.1", "127.10.0.2", 46493, 135, it.epm_cl_pdu(0, 0x20, stubs[0]), t),
                it.udp_frame("127.10.0.2", "127.10.0.1", 135, 46493, it.epm_cl_pdu(2, 0x08, stubs[2]), t + 500)]
        pkts += frames[12:24]                                # frames 13-24: the session to port 1032
        pcap = it.write_pcap(self.tmp.file("udp-lookup.pcap"), pkts)
        whole = [r for r in whole_summary(pcap) if str(r["port"]) == "1032"]
        self.assertEqual([(r["found_by"], int(r["sessions"]), int(r["frames"])) for r in whole],
                         [("EPM frame 2", 1, 12)])
        d = self.split(pcap, "udp", 2)
        _out, data, _csv = self.run_set(d)
        self.assertEqual(comparable(data["endpoints"]), comparable(whole_summary(pcap)))
        rpc = [r for r in data["endpoints"] if str(r["port"]) == "1032"]
        self.assertEqual([(r["found_by"], r["first_frame"], r["last_frame"], int(r["sessions"])) for r in rpc],
                         [("EPM part1.pcap:2", "part2.pcap:1", "part2.pcap:12", 1)])

    def test_session_cut_by_a_file_boundary_counted_once(self):
        pcap = it.sample("rpc-epm-lookup-bind.pcap")
        d = self.split(pcap, "cut", 20)        # the session (13..26) is cut after its first request
        _out, data, _csv = self.run_set(d)
        self.assertEqual(comparable(data["endpoints"]), comparable(whole_summary(pcap)))
        # no PDU is cut here: frames and bytes add up exactly
        self.assertEqual(frames_bytes(data["endpoints"]), frames_bytes(whole_summary(pcap)))
        rpc = [r for r in data["endpoints"] if str(r["port"]) == "1032"]
        self.assertEqual(int(rpc[0]["sessions"]), 1)

    def test_x400_set_equals_whole(self):
        pcap = it.sample("x400-transfer-segmented.pcap")
        d = self.split(pcap, "x400", 20)
        _out, data, _csv = self.run_set(d)
        self.assertEqual(comparable(data["endpoints"]), comparable(whole_summary(pcap)))

    def test_never_flagged_with_a_later_endpoint(self):
        pcap = it.sample("rpc-epm-lookup-bind.pcap")
        d = self.tmp.file("later")
        os.makedirs(d)
        os.chmod(d, 0o755)
        # the session file starts 1000 s BEFORE the lookup file
        editcap(["-r", pcap, os.path.join(d, "lookup.pcap"), "1-12"])
        sess = os.path.join(d, "session-tmp.pcap")
        editcap(["-r", pcap, sess, "13-1000000"])
        editcap(["-t", "-1000", sess, os.path.join(d, "session.pcap")])
        os.remove(sess)
        for f in os.listdir(d):
            it.readable(os.path.join(d, f))
        _out, data, _csv = self.run_set(d)
        self.assertEqual([f["file"] for f in data["files"]], ["session.pcap", "lookup.pcap"])
        rpc = [r for r in data["endpoints"] if str(r["port"]) == "1032"]
        self.assertEqual(len(rpc), 1)
        self.assertEqual(int(rpc[0]["sessions"]), 0)       # learned, and no later session

    def test_lookup_whose_bind_is_in_the_previous_file(self):
        # the EPM connection's DCE/RPC bind (frames 4/6) in part1, the map
        # request/response (8/9) and the session in part2: part2 alone cannot
        # decode the lookup (stock needs the bind); the set learns it as the
        # whole capture does, flags the session, and refers to part2's frame 2
        pcap = it.sample("rpc-epm-lookup-bind.pcap")
        d = self.split(pcap, "bindsplit", 7)
        alone = it.tshark(["-r", os.path.join(d, "part2.pcap"), "-q", "-z", "exmta,endpoints,uat"])
        self.assertEqual(alone, "")
        _out, data, _csv = self.run_set(d)
        self.assertEqual(comparable(data["endpoints"]), comparable(whole_summary(pcap)))
        rpc = [r for r in data["endpoints"] if str(r["port"]) == "1032"][0]
        self.assertEqual(rpc["found_by"], "EPM part2.pcap:2")
        self.assertEqual(int(rpc["sessions"]), 1)

    def test_cut_of_unrelated_traffic_keeps_every_reference(self):
        # an RPC lookup and session with unrelated TCP traffic interleaved:
        # pass 2 dissects only the frames that can matter, and every number
        # it reports is the file's own frame number, as with --no-cut
        pcap = it.sample("rpc-epm-lookup-bind.pcap")
        d = self.tmp.file("noisy-src")
        os.makedirs(d)
        os.chmod(d, 0o755)
        t0 = int(float(it.tshark(["-r", pcap, "-c", "1", "-T", "fields", "-e", "frame.time_epoch"],
                                 stock=True).strip()))
        noise = []
        for i in range(6):
            f = it.TcpFlow("198.51.100.%d" % (i + 1), "203.0.113.5", 40000 + i, 80 if i % 2 else 443,
                           t0=t0 - 1 + i).handshake()
            for _ in range(20):
                f.send(True, b"GET / HTTP/1.1\r\n\r\n").send(False, b"HTTP/1.1 200 OK\r\n\r\n" + b"x" * 300)
            noise += f.close().frames
        it.write_pcap(os.path.join(d, "noise.pcap"), sorted(noise))
        noisy = os.path.join(d, "noisy.pcap")
        subprocess.run(["mergecap", "-F", "pcap", "-w", noisy, pcap, os.path.join(d, "noise.pcap")], check=True)
        it.readable(noisy)
        total = int(subprocess.run(["capinfos", "-c", "-M", "-T", "-r", noisy], stdout=subprocess.PIPE,
                                   universal_newlines=True, check=True).stdout.split("\t")[1])
        self.assertGreater(total, 200)
        sd = self.split(noisy, "noisy", total // 2)
        _out, cut, _csv = self.run_set(sd)
        _out, whole_read, _csv = self.run_set(sd, extra=["--no-cut"])
        self.assertEqual(cut["endpoints"], whole_read["endpoints"])
        self.assertEqual(comparable(cut["endpoints"]), comparable(whole_summary(noisy)))
        # the references are the files' own frame numbers, as stock numbers them
        rpc = [r for r in cut["endpoints"] if str(r["port"]) == "1032"][0]
        for ref, which in ((rpc["first_frame"], 0), (rpc["last_frame"], -1)):
            name, frame = ref.split(":")
            nums = it.fields(os.path.join(sd, name), ["frame.number"], filt="tcp.port == 1032", stock=True)
            self.assertEqual(frame, nums[which][0])
        name, frame = rpc["found_by"][len("EPM "):].split(":")
        resp = it.fields(os.path.join(sd, name), ["frame.number"], filt="epm.opnum == 3 && dcerpc.pkt_type == 2",
                         stock=True)
        self.assertEqual(frame, resp[0][0])

    def test_sshlogin_path(self):
        pcap = it.sample("rpc-epm-lookup-nobind.pcap")
        d = self.split(pcap, "ssh", 12)
        log = self.tmp.file("ssh.log")
        _out, data, _csv = self.run_set(d, extra=["--ssh", FAKE_SSH, "--sshlogin", "1/hostA",
                                                   "--sshlogin", "1/hostB"])
        self.assertEqual(comparable(data["endpoints"]), comparable(whole_summary(pcap)))
        env_out = fileset(["--ssh", FAKE_SSH, "--sshlogin", "1/hostA", "--sshlogin", "1/hostB", d],
                          env={"EXMTA_FAKE_SSH_LOG": log})
        self.assertIn("1032", env_out)
        with open(log) as f:
            hosts = {l.strip() for l in f}
        self.assertTrue(hosts <= {"hostA", "hostB"} and hosts, hosts)


class FirstPacketTime(unittest.TestCase):
    """exmta-fileset orders files by the time of their first packet, read from
    the first record of a pcap/pcapng file: it must equal the time stock tshark
    shows for frame 1 (nanosecond and other resolutions, both byte orders)."""

    def test_same_as_stock_frame_1(self):
        from importlib.machinery import SourceFileLoader
        fs = SourceFileLoader("exmta_fileset", FILESET).load_module()
        files = [it.sample(n) for n in sorted(os.listdir(os.path.join(it.SRC, "sample-pcaps")))
                 if n.endswith(".pcap")]
        try:
            shared = [f for f in it.shared_all() if not f.endswith(".gz")]
            # every pcapng (resolutions, byte orders) and a few classic pcap files
            files += [f for f in shared if f.endswith(".pcapng")][:16] + [f for f in shared if f.endswith(".pcap")][:8]
        except unittest.SkipTest:
            pass
        checked = 0
        for f in files:
            with self.subTest(capture=f):
                first = it.tshark(["-r", f, "-c", "1", "-T", "fields", "-e", "frame.time_epoch"], stock=True,
                                  check=False).strip()
                t = fs.first_packet_time(f)
                if not first:
                    continue            # no packets (stock shows none either)
                self.assertIsNotNone(t, f)
                self.assertAlmostEqual(t, float(first), delta=1e-6)
                checked += 1
        self.assertGreater(checked, 10)

    def test_empty_file_is_skipped_with_a_message(self):
        need_tools()
        d = it.TempDir()
        self.addCleanup(d.cleanup)
        set_dir = d.file("set")
        os.makedirs(set_dir)
        os.chmod(set_dir, 0o755)
        pcap = it.sample("x400-bind-refused.pcap")
        editcap([pcap, os.path.join(set_dir, "a.pcap")])                              # pcapng
        editcap(["-r", pcap, os.path.join(set_dir, "b-empty.pcap"), "1000000"])   # no packets
        for f in os.listdir(set_dir):
            it.readable(os.path.join(set_dir, f))
        e = dict(os.environ, EXMTA_PLUGIN_ROOT=it.PLUGIN_ROOT)
        p = subprocess.run([FILESET, "--progress", "none", set_dir], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, universal_newlines=True, env=e, timeout=600)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("skipping %s" % os.path.join(set_dir, "b-empty.pcap"), p.stderr)
        self.assertIn("exmta endpoints in 1 files (a.pcap .. a.pcap)", p.stdout)


if __name__ == "__main__":
    it.main()
