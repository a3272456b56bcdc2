"""exmta-fileset (issue 8): a capture cut into a file set gives the same
endpoint summary as the whole capture, in every encapsulation customers send
(802.1Q, QinQ, Linux cooked SLL and SLL2, IPv6, pcapng with several
interfaces, gzip); files are ordered by first packet time, not by name;
nothing is flagged with an endpoint learned later in time; a tshark without
the plugin stops it; the GNU parallel --sshlogin path works, through a real
sshd on 127.0.0.1."""
import json
import os
import re
import shlex
import shutil
import socket
import struct
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import exmta_it as it  # noqa: E402  (puts tools/ on sys.path too)
import exmta_fileset  # noqa: E402

FILESET = os.path.join(it.SRC, "tools", "exmta-fileset")
FAKE_SSH = os.path.join(it.SRC, "tests", "tools", "fake-ssh")


def need_tools():
    for t in ("parallel", "editcap", "capinfos", "mergecap"):
        if not shutil.which(t):
            raise unittest.SkipTest("%s is not installed (tools/deps.sh --test)" % t)
    try:
        __import__("pcapy")
    except ImportError:
        raise unittest.SkipTest("python3-pcapy is not installed (tools/deps.sh)")


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

    def run_set(self, d, extra=(), env=None):
        js = os.path.join(d, "summary.json")
        csvf = os.path.join(d, "summary.csv")
        out = fileset(list(extra) + ["--json", js, "--csv", csvf, d], env=env)
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

    def test_file_names_that_need_escapes(self):
        """The Known endpoints table carried to the next file names the file
        the endpoint was learned in: a name with a quote, a backslash, a
        tab, a newline, DEL and UTF-8 is written as the plugin writes it
        (\\xNN escapes) and read back whole, and the session in the next
        file is flagged from it."""
        pcap = it.sample("rpc-epm-lookup-nobind.pcap")
        name = 'z "q"\\b\tc\nd\x7f \u00e9-lookup.pcap'
        d = self.split(pcap, "escapes", 12, rename=(name, "a-session.pcap"))
        _out, data, _csv = self.run_set(d)
        self.assertEqual([f["file"] for f in data["files"]], [name, "a-session.pcap"])
        rpc = [r for r in data["endpoints"] if str(r["port"]) == "1032"]
        self.assertEqual(len(rpc), 1)
        self.assertEqual(rpc[0]["found_by"], "EPM %s:9" % name)
        self.assertEqual(rpc[0]["first_frame"], "a-session.pcap:1")
        # the line as the plugin writes it (test_known.c), read and written back alike
        line = ('"127.10.0.2","1","9e8ee830-4459-11ce-979b-00aa005ffebe","1.0","x",'
                '"a\\x22b\\x5cc\\x09\\x0a\\x7f\u00e9","",""')
        uat, _rows, _sessions = exmta_fileset.parse_z_output(line)
        self.assertEqual(uat[0][5], 'a"b\\c\t\n\x7f\u00e9')
        self.assertEqual(exmta_fileset.uat_line(uat[0]), line)

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

    def test_cuts_inside_every_handshake(self):
        """A boundary between a session's SYN and SYN/ACK, or between its
        SYN/ACK and ACK: the session is counted once, as in the whole
        capture, for every handshake of an RPC and an X.400 capture."""
        cuts = 0
        for name in ("rpc-epm-lookup-bind.pcap", "x400-reports-back.pcap"):
            pcap = it.sample(name)
            want = comparable(whole_summary(pcap))
            syns = it.fields(pcap, ["frame.number"], filt="tcp.flags.syn == 1")
            for (k,) in syns:
                with self.subTest(capture=name, cut_after=k):
                    d = self.split(pcap, "hs-%s-%s" % (name, k), int(k))
                    _out, data, _csv = self.run_set(d)
                    self.assertEqual(comparable(data["endpoints"]), want)
                cuts += 1
        self.assertGreaterEqual(cuts, 8)

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
        # request/response (8/9) and the session in part2 (pass 1 reads the
        # cuts of both in one tshark, with the bind): the set learns it as the
        # whole capture does, flags the session, and refers to part2's frame 2
        pcap = it.sample("rpc-epm-lookup-bind.pcap")
        d = self.split(pcap, "bindsplit", 7)
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
        """GNU parallel's --sshlogin with two logins, through a stand-in for
        ssh that runs the jobs here and records the host: both logins get
        jobs (tests RealSsh below uses a real sshd with one login)."""
        pcap = it.sample("rpc-epm-lookup-nobind.pcap")
        d = self.split(pcap, "ssh", 12)
        log = self.tmp.file("ssh.log")
        _out, data, _csv = self.run_set(d, extra=["--ssh", shlex.quote(FAKE_SSH), "--sshlogin", "1/hostA",
                                                   "--sshlogin", "1/hostB"], env={"EXMTA_FAKE_SSH_LOG": log})
        self.assertEqual(comparable(data["endpoints"]), comparable(whole_summary(pcap)))
        with open(log) as f:
            hosts = {l.strip() for l in f}
        self.assertEqual(hosts, {"hostA", "hostB"})


# ---- the encapsulations customers send, made from the sample captures

encapsulate = it.encapsulate


def many_lookups(src, dst, n):
    """The nobind sample's EPM connection (frames 1-12, response in 9) n
    times from other client ports, a second apart, then its session (13-24)."""
    frames = it.read_pcap(src)[1]
    t0 = frames[0][0]
    pkts = []
    for k in range(n):
        for sec, usec, raw, orig in frames[:12]:
            b = bytearray(raw)
            t = 14 + (b[14] & 0x0F) * 4
            sp, dp = struct.unpack(">HH", b[t:t + 4])
            b[t:t + 4] = struct.pack(">HH", sp + k if sp == 46493 else sp, dp + k if dp == 46493 else dp)
            pkts.append((sec - t0 + 1700000000 + k, usec, bytes(b), orig))
    pkts += [(sec - t0 + 1700000000 + n, usec, raw, orig) for sec, usec, raw, orig in frames[12:24]]
    return it.write_pcap(dst, pkts)


def shift_to(pcap, other, dst):
    """pcap with its times moved to start where other starts (editcap -t)."""
    out = subprocess.run(["capinfos", "-a", "-T", "-r", "-S", pcap, other], stdout=subprocess.PIPE,
                         universal_newlines=True, check=True).stdout.splitlines()
    delta = float(out[1].split("\t")[1]) - float(out[0].split("\t")[1])
    editcap(["-F", "pcap", "-t", "%.6f" % delta, pcap, dst])
    return it.readable(dst)


def as_whole(rows, names, per_file):
    """The set's rows with every file:frame turned back into the frame number
    of the whole capture that editcap -c per_file cut into the files names
    (in order): what one tshark over the whole prints."""
    def frame(ref):
        name, _, num = ref.rpartition(":")
        return names.index(name) * per_file + int(num)
    out = []
    for r in rows:
        refs = [frame(x) for x in r["epm_frames"]]
        found = re.sub(r"EPM (\S+:\d+)", lambda m: "EPM frame %d" % frame(m.group(1)), r["found_by"])
        out.append({"host": str(r["host"]), "port": int(r["port"]), "kind": r["kind"], "found_by": found,
                    "sessions": int(r["sessions"]), "frames": int(r["frames"]), "bytes": int(r["bytes"]),
                    "first_frame": frame(r["first_frame"]) if r["first_frame"] else None,
                    "last_frame": frame(r["last_frame"]) if r["last_frame"] else None,
                    "outcome": r["outcome"], "epm_frames": refs, "found_by_methods": r["found_by_methods"]})
    return sorted(out, key=lambda r: (r["host"], r["port"]))


class Encapsulations(unittest.TestCase):
    """Captures from SPAN ports and servers: for each encapsulation, the set
    (split with editcap -c) gives exactly the summary of one tshark over the
    whole capture, every file:frame turned back into the whole's frame."""

    @classmethod
    def setUpClass(cls):
        need_tools()
        cls.tmp = it.TempDir()
        cls.nobind = it.sample("rpc-epm-lookup-nobind.pcap")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def check_set(self, name, whole, per_file, gzip_files=False, want=None):
        d = self.tmp.file(name)
        os.makedirs(d)
        os.chmod(d, 0o755)
        ext = ".pcapng" if whole.endswith(".pcapng") else ".pcap"
        editcap(["-c", str(per_file), whole, os.path.join(d, name + ext)])
        names = sorted(os.listdir(d))
        self.assertGreaterEqual(len(names), 2)
        if gzip_files:
            subprocess.run(["gzip"] + [os.path.join(d, n) for n in names], check=True)
            names = [n + ".gz" for n in names]
        for n in names:
            it.readable(os.path.join(d, n))
        whole_rows = whole_summary(whole)
        if want is not None:
            self.assertEqual([tuple(r[k] for k in ("host", "port", "kind", "found_by", "sessions", "outcome"))
                              for r in whole_rows], want)
        js = os.path.join(d, "summary.json")
        fileset(["--json", js, d])
        with open(js) as f:
            data = json.load(f)
        self.assertEqual([f["file"] for f in data["files"]], names)
        self.assertEqual(as_whole(data["endpoints"], names, per_file),
                         sorted(whole_rows, key=lambda r: (str(r["host"]), int(r["port"]))))
        # the files are ordered by their first packet, as capinfos reads it
        # (gzip, pcapng with several interfaces)
        firsts = subprocess.run(["capinfos", "-a", "-T", "-r", "-S"] + [os.path.join(d, n) for n in names],
                                stdout=subprocess.PIPE, universal_newlines=True, check=True).stdout.splitlines()
        for f, line in zip(data["files"], firsts):
            self.assertAlmostEqual(f["first_packet_time"], float(line.split("\t")[1]), delta=1e-6)
        return data

    def test_8021q(self):
        # the case that once lost the endpoint: pass 1 kept none of the 24 tagged frames
        whole = encapsulate(self.nobind, self.tmp.file("vlan.pcap"), "vlan")
        self.check_set("vlan", whole, 8, want=[("127.10.0.2", 1032, "MTA RPC", "EPM frame 9", 1, "sessions OK")])

    def test_qinq_gzip(self):
        whole = encapsulate(self.nobind, self.tmp.file("qinq.pcap"), "qinq")
        self.check_set("qinq", whole, 12, gzip_files=True,
                       want=[("127.10.0.2", 1032, "MTA RPC", "EPM frame 9", 1, "sessions OK")])

    def test_linux_cooked(self):
        whole = encapsulate(self.nobind, self.tmp.file("sll.pcap"), "sll")
        self.check_set("sll", whole, 12, want=[("127.10.0.2", 1032, "MTA RPC", "EPM frame 9", 1, "sessions OK")])

    def test_linux_cooked_v2_many_lookups(self):
        """SLL2, and 21 lookups of one endpoint spread over three files: the
        set names the first response and how many more, and lists all 21."""
        many = many_lookups(self.nobind, self.tmp.file("many.pcap"), 21)
        whole = encapsulate(many, self.tmp.file("sll2.pcap"), "sll2")
        data = self.check_set("sll2", whole, 100, want=[
            ("127.10.0.2", 1032, "MTA RPC", "EPM frame 9 (+20 more)", 1, "sessions OK")])
        rpc, names = data["endpoints"][0], [f["file"] for f in data["files"]]
        self.assertEqual(rpc["found_by"], "EPM %s:9 (+20 more)" % names[0])
        self.assertEqual(len(rpc["epm_frames"]), 21)
        self.assertEqual(rpc["epm_frames"][-1], "%s:49" % names[2])     # 9 + 12 * 20 = 249 = 2 * 100 + 49

    def test_ipv6(self):
        """The plugin learns endpoints as IPv4 addresses only: an ept_map
        answered over IPv6 whose tower says 0.0.0.0 ('the address you asked')
        is learned as 0.0.0.0 and the IPv6 session is not flagged. The set
        says exactly that too."""
        whole = encapsulate(self.nobind, self.tmp.file("ipv6.pcap"), "ipv6")
        self.check_set("ipv6", whole, 12, want=[("0.0.0.0", 1032, "MTA RPC", "EPM frame 9", 0,
                                                "learned, no session")])

    def test_pcapng_interfaces(self):
        """pcapng with two interfaces: of one link type (libpcap reads and
        cuts it), and of two (Ethernet and SLL2: libpcap cannot read it,
        tshark reads every frame). An RPC lookup and session on one, an
        X.400 association on port 10102 (found by the heuristic) on the other."""
        x400 = shift_to(it.sample("x400-bind-accepted-10102.pcap"), self.nobind, self.tmp.file("x400.pcap"))
        want = [("192.0.2.20", 10102, "X.400 over RFC1006", "heuristic", 1,
                 "X.400 bind accepted (EXCH-MTA-A -> EXCH-MTA-B)"),
                ("127.10.0.2", 1032, "MTA RPC", "EPM frame 21", 1, "sessions OK")]
        same = self.tmp.file("same.pcapng")
        subprocess.run(["mergecap", "-I", "none", "-F", "pcapng", "-w", same, self.nobind, x400], check=True)
        # 18 frames a file: the X.400 bind and its result in one file (a PDU
        # cut by a file boundary is README's "Cuts at file boundaries")
        self.check_set("same", it.readable(same), 18, want=want)
        sll2 = encapsulate(x400, self.tmp.file("x400-sll2.pcap"), "sll2")
        mixed = self.tmp.file("mixed.pcapng")
        subprocess.run(["mergecap", "-F", "pcapng", "-w", mixed, self.nobind, sll2], check=True)
        self.assertIn("Linux cooked-mode capture v2", subprocess.run(
            ["capinfos", "-E", mixed], stdout=subprocess.PIPE, universal_newlines=True).stdout)
        self.check_set("mixed", it.readable(mixed), 18, want=want)


class Cut(unittest.TestCase):
    """The cuts themselves (libpcap's reader and BPF): pass 1 keeps the
    endpoint-mapper frames and TPKT-like payloads in every encapsulation;
    pass 2's endpoint filter keeps whole sessions to learned endpoints."""

    @classmethod
    def setUpClass(cls):
        need_tools()
        cls.fs = exmta_fileset
        cls.tmp = it.TempDir()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_pass1_keeps_epm_and_tpkt_in_every_encapsulation(self):
        for kind in ("vlan", "qinq", "sll", "sll2", "ipv6"):
            with self.subTest(kind=kind):
                rpc = encapsulate(it.sample("rpc-epm-lookup-nobind.pcap"), self.tmp.file("r-%s.pcap" % kind), kind)
                got = self.fs.cut(rpc, self.tmp.file("c.pcap"), self.fs.PASS1_BPF)
                # the 12 frames of the TCP 135 connection, not the session to 1032
                self.assertEqual((got["count"], got["kept"]), (24, list(range(1, 13))))
                x400 = encapsulate(it.sample("x400-bind-accepted-10102.pcap"), self.tmp.file("x-%s.pcap" % kind),
                                   kind)
                got = self.fs.cut(x400, self.tmp.file("c.pcap"), self.fs.PASS1_BPF)
                self.assertEqual(got["kept"], [4, 5, 6, 7, 8, 9])       # the TPKT payloads, on port 10102
                subprocess.run(["gzip", "-k", x400], check=True)
                self.assertEqual(self.fs.cut(x400 + ".gz", self.tmp.file("c.pcap"), self.fs.PASS1_BPF)["kept"],
                                 [4, 5, 6, 7, 8, 9])
                os.remove(x400 + ".gz")

    def test_pass2_endpoint_filter(self):
        fs = self.fs
        rpc = encapsulate(it.sample("rpc-epm-lookup-nobind.pcap"), self.tmp.file("r.pcap"), "vlan")
        for eps, kept in (({("127.10.0.2", 1032)}, list(range(13, 25))), ({("127.10.0.2", 1033)}, []),
                          ({("127.10.0.9", 1032)}, []),
                          # more endpoints than ranges: a superset that still holds the session
                          ({("127.10.%d.%d" % (i // 200, i % 200), 1000 + 7 * i) for i in range(500)}
                           | {("127.10.0.2", 1032)}, list(range(13, 25)))):
            with self.subTest(endpoints=len(eps)):
                got = fs.cut(rpc, self.tmp.file("c.pcap"), fs.endpoints_bpf(eps))
                self.assertEqual(got["kept"], kept)
        self.assertEqual(fs.ranges([5, 1, 2, 3, 9, 10, 30], 3), [(1, 5), (9, 10), (30, 30)])
        self.assertEqual(fs.ranges([5, 1, 2, 3, 9, 10, 30], 10), [(1, 1), (2, 2), (3, 3), (5, 5), (9, 9),
                                                                   (10, 10), (30, 30)])

    def test_multi_linktype_pcapng_is_not_cut(self):
        mixed = self.tmp.file("mixed.pcapng")
        sll2 = encapsulate(it.sample("x400-bind-accepted-10102.pcap"), self.tmp.file("s.pcap"), "sll2")
        subprocess.run(["mergecap", "-F", "pcapng", "-w", mixed, it.sample("rpc-epm-lookup-nobind.pcap"), sll2],
                       check=True)
        self.assertIsNone(self.fs.cut(mixed, self.tmp.file("c.pcap"), self.fs.PASS1_BPF))


class Refusals(unittest.TestCase):
    def run_fs(self, args, env=None):
        e = dict(os.environ, EXMTA_PLUGIN_ROOT=it.PLUGIN_ROOT)
        e.update(env or {})
        return subprocess.run([FILESET, "--progress", "none"] + args, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, universal_newlines=True, env=e, timeout=600)

    def test_no_plugin_is_one_line_and_a_failure(self):
        """A tshark without the plugin would make every file look empty: say
        so in one line and stop."""
        need_tools()
        for args, env in (([], {"EXMTA_PLUGIN_ROOT": "/nonexistent"}),
                          (["--tshark", "%s --stock" % shlex.quote(it.WRAPPER)], {})):
            with self.subTest(args=args, env=env):
                p = self.run_fs(args + [it.sample("rpc-epm-lookup-nobind.pcap")], env)
                self.assertEqual(p.returncode, 2)
                self.assertEqual(p.stdout, "")
                self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
                self.assertRegex(p.stderr, r"^exmta-fileset: .* has no exmta plugin \(its -z help lists no "
                                           r"exmta,endpoints\)")

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
        p = self.run_fs([set_dir])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("skipping %s" % os.path.join(set_dir, "b-empty.pcap"), p.stderr)
        self.assertIn("exmta endpoints in 1 files (a.pcap .. a.pcap)", p.stdout)


class Command(unittest.TestCase):
    """tools/exmta-fileset launches the module tools/exmta_fileset.py; the
    packages and `cmake --install` install the module itself under the
    command's name. Both are the same command: output, files and exit codes."""

    def test_launcher_and_module_are_one_command(self):
        need_tools()
        tmp = it.TempDir()
        self.addCleanup(tmp.cleanup)
        pcap = it.sample("x400-bind-accepted-10102.pcap")
        module = os.path.join(it.SRC, "tools", "exmta_fileset.py")
        for args in (["--help"], [], ["--bogus"], ["/nonexistent"], ["--json", "{json}", pcap]):
            with self.subTest(args=args):
                runs = []
                for i, cmd in enumerate((FILESET, module)):
                    js = tmp.file("%d.json" % i)
                    p = subprocess.run([cmd, "--progress", "none"] + [a.replace("{json}", js) for a in args],
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                                       env=dict(os.environ, EXMTA_PLUGIN_ROOT=it.PLUGIN_ROOT), timeout=600)
                    with open(js) if os.path.exists(js) else open(os.devnull) as f:
                        runs.append((p.returncode, p.stdout, p.stderr, f.read()))
                self.assertEqual(runs[0], runs[1])
                self.assertEqual(runs[0][0], 0 if args[:1] in (["--help"], ["--json"]) else 2, runs[0])
        self.assertIn("X.400 over RFC1006", runs[0][1])


class RealSsh(unittest.TestCase):
    """--sshlogin through a real OpenSSH server on 127.0.0.1 (started here,
    with a throwaway host key and user key): the same summary as a local run."""

    @classmethod
    def setUpClass(cls):
        need_tools()
        if os.geteuid() != 0:
            raise unittest.SkipTest("not root: the test's sshd logs in as root")
        if not os.path.exists("/usr/sbin/sshd") or not shutil.which("ssh-keygen") or not shutil.which("ssh"):
            raise unittest.SkipTest("openssh-server is not installed (tools/deps.sh --test)")
        cls.tmp = it.TempDir()
        keys = cls.tmp.file("keys")
        os.makedirs(keys)
        for k in ("host", "user"):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", os.path.join(keys, k)], check=True)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            cls.port = s.getsockname()[1]
        conf = cls.tmp.file("sshd_config")
        with open(conf, "w") as f:
            f.write("Port %d\nListenAddress 127.0.0.1\nHostKey %s\nUsePAM no\nPermitRootLogin prohibit-password\n"
                    "AuthorizedKeysFile %s\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
                    # the keys live under /tmp, which is world-writable
                    "StrictModes no\nPidFile %s\n"
                    % (cls.port, os.path.join(keys, "host"), os.path.join(keys, "user.pub"),
                       cls.tmp.file("sshd.pid")))
        os.makedirs("/run/sshd", exist_ok=True)
        cls.log = open(cls.tmp.file("sshd.log"), "w")
        cls.sshd = subprocess.Popen(["/usr/sbin/sshd", "-f", conf, "-D", "-e"], stdout=cls.log,
                                    stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", cls.port), timeout=1).close()
                break
            except OSError:
                if cls.sshd.poll() is not None or time.monotonic() > deadline:
                    cls.tearDownClass()
                    raise AssertionError("sshd did not start: %s" % open(cls.tmp.file("sshd.log")).read())
                time.sleep(0.1)
        cls.login = "ssh -p %d -i %s -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null " \
                    "-o BatchMode=yes root@127.0.0.1" % (cls.port, os.path.join(keys, "user"))

    @classmethod
    def tearDownClass(cls):
        cls.sshd.terminate()
        cls.sshd.wait(timeout=10)
        cls.log.close()
        cls.tmp.cleanup()

    def test_same_summary_as_a_local_run(self):
        pcap = encapsulate(it.sample("rpc-epm-lookup-bind.pcap"), self.tmp.file("vlan.pcap"), "vlan")
        d = self.tmp.file("set")
        os.makedirs(d)
        os.chmod(d, 0o755)
        editcap(["-c", "9", pcap, os.path.join(d, "ring.pcap")])
        for n in os.listdir(d):
            it.readable(os.path.join(d, n))
        work = self.tmp.file("work")
        remote = fileset(["--sshlogin", "2/" + self.login, "--workdir", work, "--json", self.tmp.file("r.json"), d])
        local = fileset(["--json", self.tmp.file("l.json"), d])
        self.assertEqual(remote, local)
        with open(self.tmp.file("r.json")) as r, open(self.tmp.file("l.json")) as l:
            self.assertEqual(json.load(r), json.load(l))
        self.assertIn("EPM ring_00000_", local)
        # the jobs ran through sshd: it logged the root logins with the test's key
        with open(self.tmp.file("sshd.log")) as f:
            self.assertIn("Accepted publickey for root from 127.0.0.1", f.read())

if __name__ == "__main__":
    it.main()
