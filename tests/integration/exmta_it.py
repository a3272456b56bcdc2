"""Shared helpers for exmta's integration tests: run the real tshark with and
without the built plugin, read exact field values, find the public captures,
and write small pcaps for hostile cases.

Run by ctest with EXMTA_SOURCE_DIR and EXMTA_PLUGIN_ROOT set; every test file
can also be run by hand: /usr/bin/python3 tests/integration/test_x.py -v
"""
import fcntl
import glob
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import unittest

# tools/ of the tree these tests are in: its modules (pcapfile, exmta_fileset)
# are imported by name, as the tools themselves import them
TOOLS = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "tools")
if TOOLS not in sys.path:
    sys.path.insert(0, TOOLS)
import pcapfile  # noqa: E402

SRC = os.environ.get("EXMTA_SOURCE_DIR") or os.path.dirname(TOOLS)
PLUGIN_ROOT = os.environ.get("EXMTA_PLUGIN_ROOT") or os.path.join(SRC, "build", "plugins")
WRAPPER = os.path.join(SRC, "tools", "exmta-tshark")
AS_NOBODY = os.path.join(SRC, "tools", "as-nobody")
SAMPLES = os.path.join(SRC, "sample-pcaps")
SHARED = os.path.normpath(os.path.join(SRC, "..", "shared", "captures"))

# Layers that exmta hands to stock dissectors and must leave untouched.
OSI_LAYERS = ("tpkt", "cotp", "ses", "pres", "acse", "rtse", "p1", "mms", "s7comm", "rdp", "t125", "tls")

# Warnings stock tshark prints by itself for some -d/-J uses; not ours.
_BENIGN_STDERR = ('Protocol "tpkt" matched 2 dissectors',
                  # 4.6 on pcapng files mergecap made from captures with Darwin process info
                  "cap_file_provider_get_dpib()", "cap_get_darwin_process_name()")


def sample(name):
    path = os.path.join(SAMPLES, name)
    if not os.path.exists(path):
        raise unittest.SkipTest("sample capture %s is not in sample-pcaps/" % name)
    return path


def shared(*parts):
    """A public capture in ../shared/captures, used in place; skip without it."""
    path = os.path.join(SHARED, *parts)
    if not os.path.exists(path):
        raise unittest.SkipTest("../shared/captures is not here (a user's clone): %s skipped" % "/".join(parts))
    return path


def x400_captures():
    """Every X.400 sample (those another change adds are used as they land),
    the COTP refusal, and the public X.400 captures when ../shared is here."""
    caps = sorted(glob.glob(os.path.join(SAMPLES, "x400-*.pcap")))
    caps.append(sample("cotp-disconnect.pcap"))
    for name in ("x400-ping-success.pcap", "x400-ping-refuse.pcap"):
        p = os.path.join(SHARED, "wiki", name)
        if os.path.exists(p):
            caps.append(p)
    return caps


def shared_all():
    if not os.path.isdir(SHARED):
        raise unittest.SkipTest("../shared/captures is not here (a user's clone)")
    out = []
    for root, _dirs, files in os.walk(SHARED):
        for f in sorted(files):
            if f.endswith((".pcap", ".pcapng", ".cap", ".pcap.gz")):
                out.append(os.path.join(root, f))
    return sorted(out)


def have_tshark():
    return shutil.which("tshark") is not None


def unprivileged(cmd):
    """cmd run the way tools/exmta-tshark runs tshark: as user 65534 when
    root (tshark as root ignores plugin folders), through tools/as-nobody,
    which also lets it read a clone in a folder closed to others."""
    return [AS_NOBODY] + list(cmd)


_load_error = None      # None: not checked yet in this process; "": loaded


def require_plugin():
    """Prove, once per process, that tshark loads the built plugin
    (tools/exmta-tshark --check-load: exmta.so listed from EXMTA_PLUGIN_ROOT,
    exmta.rfc1006 registered); raise AssertionError with its one-line reason
    if not. A test that passes without the plugin loaded cannot fail."""
    global _load_error
    if _load_error is None:
        e = dict(os.environ)
        e["EXMTA_PLUGIN_ROOT"] = PLUGIN_ROOT
        p = subprocess.run([WRAPPER, "--check-load"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           env=e, timeout=600)
        if p.returncode == 0:
            _load_error = ""
            print(p.stdout.decode("utf-8", "replace").strip(), file=sys.stderr)
        else:
            _load_error = (p.stderr.decode("utf-8", "replace").strip()
                           or "tools/exmta-tshark --check-load exited %d" % p.returncode)
    if _load_error:
        raise AssertionError(_load_error)


def tshark(args, stock=False, check=True, env=None):
    """Run tshark (through tools/exmta-tshark) and return stdout as text.

    The wrapper drops root privileges (tshark as root ignores plugin folders)
    and gives every run a private profile. stderr must be empty but for
    stock's own known warnings: anything the plugin prints is a failure.
    A run with the plugin first proves, once per process, that it loads."""
    rc, out, err = tshark_run(args, stock=stock, env=env)
    if check:
        if rc != 0:
            raise AssertionError("tshark %s failed (%d): %s" % (" ".join(args), rc, err))
        if err:
            raise AssertionError("tshark %s wrote to stderr: %s" % (" ".join(args), err))
    return out


def tshark_run(args, stock=False, env=None):
    """(exit code, stdout, stderr without stock's known warnings) of one
    tshark run, for tests that expect it to complain."""
    if not stock:
        require_plugin()
    key = _run_key(args, stock, env)
    if key is None:
        return _tshark_run(args, stock, env)
    with _memo_lock:
        lock = _memo_locks.setdefault(key, threading.Lock())
    with lock:
        if key not in _memo:
            _memo[key] = _shared_run(key, args, stock, env)
        elif os.environ.get("EXMTA_IT_RUNLOG"):
            _log_reuse(args, stock)
        return _memo[key]


# ---- the same run twice: its output once ----
#
# tshark's output is a function of its arguments, the bytes of the files they
# name, the tshark binary and (without --stock) the plugin: a run asked for
# again, in this process or (with EXMTA_IT_CACHE=DIR, which tests/run-all.sh
# and tests/versions.sh set to a folder new for each ctest) in another test
# of the same ctest, is answered with the output of the first. Runs with an
# env of their own or a kept profile (EXMTA_KEEP_HOME, EXMTA_CONFIG_DIR,
# EXMTA_PROFILE_FILES) always start tshark.

_memo, _memo_locks, _memo_lock = {}, {}, threading.Lock()
_ident = {}


def _file_id(path):
    st = os.stat(path)
    k = (path, st.st_size, st.st_mtime_ns, st.st_ino)
    if k not in _ident:
        h = hashlib.sha256()
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
        _ident[k] = h.hexdigest()
    return _ident[k]


def _binaries(stock):
    """What besides the arguments decides the output: tshark (the cache is
    new for each ctest, so which one suffices) and the plugin unless --stock."""
    t = shutil.which("tshark") or "?"
    out = [os.path.realpath(t)]
    if not stock:
        for root, _dirs, files in sorted(os.walk(PLUGIN_ROOT)):
            for f in sorted(files):
                if f.endswith(".so"):
                    out.append(f + ":" + _file_id(os.path.join(root, f)))
    return out


def _run_key(args, stock, env):
    if env or any(os.environ.get(v) for v in ("EXMTA_KEEP_HOME", "EXMTA_CONFIG_DIR", "EXMTA_PROFILE_FILES")):
        return None
    parts = ["stock" if stock else "plugin"] + _binaries(stock)
    parts += ["%s=%s" % (v, os.environ.get(v, "")) for v in ("TZ", "LANG", "LC_ALL")]
    for a in args:
        # a file named by an argument, alone or after "name:" (-X lua_script:F)
        path = a.split(":", 1)[1] if ":" in a and not os.path.isfile(a) else a
        parts.append("file:" + _file_id(path) if os.path.isfile(path) else "arg:" + a)
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def _shared_run(key, args, stock, env):
    d = os.environ.get("EXMTA_IT_CACHE")
    if not d:
        return _tshark_run(args, stock, env)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, key + ".json")
    # one process runs it, the others wait for its output
    with open(path + ".lock", "w") as lk:
        fcntl.flock(lk, fcntl.LOCK_EX)
        if os.path.exists(path):
            with open(path, encoding="utf-8") as f:
                res = tuple(json.load(f))
            if os.environ.get("EXMTA_IT_RUNLOG"):
                _log_reuse(args, stock)
            return res
        res = _tshark_run(args, stock, env)
        if 0 <= res[0] < 128:       # not killed: the output is the run's
            with open(path + ".tmp", "w", encoding="utf-8") as f:
                json.dump(res, f)
            os.rename(path + ".tmp", path)
        return res


def _log_reuse(args, stock):
    """EXMTA_IT_RUNLOG: a run answered from an earlier one, as "0 0 0 test =reused args"."""
    who = os.path.basename(sys.argv[0]) or "?"
    label = " ".join([who, "=reused", "--stock" if stock else ""] + list(args)).replace("\n", " ")
    with open(os.environ["EXMTA_IT_RUNLOG"], "a") as f:
        f.write("0 0 0 " + label[:400] + "\n")


def _tshark_run(args, stock, env):
    cmd = [WRAPPER] + (["--stock"] if stock else []) + list(args)
    e = dict(os.environ)
    e["EXMTA_PLUGIN_ROOT"] = PLUGIN_ROOT
    if env:
        e.update(env)
    log = os.environ.get("EXMTA_IT_RUNLOG")
    if log:
        # where the tests' time goes: one line per run, "wall user sys test args"
        who = os.path.basename(sys.argv[0]) or "?"
        label = " ".join([who, "--stock" if stock else ""] + list(args)).replace("%", "%%").replace("\n", " ")
        cmd = ["/usr/bin/time", "-a", "-o", log, "-f", "%e %U %S " + label[:400]] + cmd
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e, timeout=600)
    err = "\n".join(l for l in p.stderr.decode("utf-8", "replace").splitlines()
                    if l.strip() and not any(b in l for b in _BENIGN_STDERR))
    return p.returncode, p.stdout.decode("utf-8", "replace"), err


def fields(pcap, names, filt=None, extra=(), stock=False, two_pass=False, env=None):
    """Rows of exact field values: [[frame-field-1, ...], ...]; multiple
    occurrences of a field come as one comma-joined string."""
    args = ["-r", pcap, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a", "-E", "aggregator=,"]
    for n in names:
        args += ["-e", n]
    if filt:
        args += ["-Y", filt]
    if two_pass:
        args.append("-2")
    args += list(extra)
    out = tshark(args, stock=stock, env=env)
    return [[_bool(v) for v in l.split("\t")] for l in out.splitlines()]


def _bool(v):
    # tshark 4.0 prints FT_BOOLEAN fields as 1/0, 4.2 and later as True/False
    # (a stock difference, listed in README): compare them as 1/0.
    return {"True": "1", "False": "0"}.get(v, v)


def column(rows, i=0):
    return [r[i] for r in rows]


def layers_json(pcap, protos=OSI_LAYERS, extra=(), stock=False):
    """Per frame, the JSON of the given protocol layers (everything else dropped)."""
    out = tshark(["-r", pcap, "-T", "json", "-J", " ".join(protos)] + list(extra), stock=stock)
    frames = json.loads(out) if out.strip() else []
    res = []
    for f in frames:
        layers = f["_source"]["layers"]
        res.append({k: v for k, v in layers.items() if k in protos})
    return res


class Sharkd:
    """One sharkd process, Wireshark's JSON-RPC front end (same libwireshark,
    same plugins; opens a file and retaps it as the GUI does), with the built
    plugin (or none: stock) and a private profile."""

    def __init__(self, stock=False, prefs=None):
        self.home = tempfile.mkdtemp(prefix="exmta-sharkd-")
        cfg = os.path.join(self.home, ".config", "wireshark")
        os.makedirs(cfg)
        if prefs:
            with open(os.path.join(cfg, "preferences"), "w") as f:
                for k, v in prefs.items():
                    f.write("%s: %s\n" % (k, v))
        plugdir = os.path.join(self.home, "no-plugins") if stock else PLUGIN_ROOT
        os.makedirs(os.path.join(self.home, "no-plugins"))
        env = {"HOME": self.home, "XDG_CONFIG_HOME": os.path.join(self.home, ".config"), "TZ": "UTC",
               "WIRESHARK_PLUGIN_DIR": plugdir, "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        cmd = [shutil.which("sharkd"), "-"]
        if os.getuid() == 0:
            for root, dirs, files in os.walk(self.home):
                os.chmod(root, 0o777)
                for n in files:
                    os.chmod(os.path.join(root, n), 0o666)
            cmd = unprivileged(cmd)
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, env=env)
        self.n = 0

    def call(self, method, **params):
        self.n += 1
        req = {"jsonrpc": "2.0", "id": self.n, "method": method}
        if params:
            req["params"] = params
        self.p.stdin.write((json.dumps(req) + "\n").encode())
        self.p.stdin.flush()
        while True:
            line = self.p.stdout.readline()
            if not line:
                raise AssertionError("sharkd ended: %s" % self.p.stderr.read().decode("utf-8", "replace")[-2000:])
            if line.startswith(b"{"):
                resp = json.loads(line)
                if resp.get("id") == self.n:
                    return resp

    def load(self, path):
        r = self.call("load", file=path)
        assert r.get("result", {}).get("status") == "OK", r
        return self.call("status")["result"]["frames"]

    def trees(self, order=None):
        """The whole protocol tree of every frame, by frame number."""
        n = self.call("status")["result"]["frames"]
        out = {}
        for i in (order or range(1, n + 1)):
            out[i] = self.call("frame", frame=i, proto=True)["result"]["tree"]
        return out

    def close(self):
        try:
            self.p.stdin.close()
            self.p.wait(timeout=60)
        except Exception:
            self.p.kill()
        err = self.p.stderr.read().decode("utf-8", "replace")
        self.p.stdout.close()
        self.p.stderr.close()
        shutil.rmtree(self.home, ignore_errors=True)
        return err


class TempDir:
    """A temporary folder the unprivileged tshark user can read."""

    def __init__(self):
        self.path = tempfile.mkdtemp(prefix="exmta-it-")
        os.chmod(self.path, 0o755)

    def file(self, name):
        return os.path.join(self.path, name)

    def cleanup(self):
        shutil.rmtree(self.path, ignore_errors=True)


def readable(path):
    os.chmod(path, 0o644)
    return path


# ---- pcap reading/writing: tools/pcapfile.py ----

read_pcap = pcapfile.read


def write_pcap(path, pkts, linktype=1):
    """pkts as read_pcap() gives them, into a pcap the tshark user can read."""
    return readable(pcapfile.write(path, pkts, linktype))


def encapsulate(src, dst, kind):
    """A copy of an Ethernet/IPv4 pcap in another encapsulation: "vlan"
    (802.1Q tag 10), "qinq" (802.1ad tag 100 around 802.1Q tag 10), "sll"
    (Linux cooked v1), "sll2" (v2) or "ipv6" (each IPv4 address a.b.c.d as
    fd00::a.b.c.d; the DCE/RPC payloads, towers included, are unchanged)."""
    _lt, pkts = read_pcap(src)
    out, linktype = [], 1
    for sec, usec, raw, orig in pkts:
        mac, et, body = raw[:12], raw[12:14], raw[14:]
        if kind == "vlan":
            r = mac + b"\x81\x00\x00\x0a" + et + body
        elif kind == "qinq":
            r = mac + b"\x88\xa8\x00\x64\x81\x00\x00\x0a" + et + body
        elif kind == "sll":
            r, linktype = struct.pack(">HHH", 0, 1, 6) + raw[6:12] + b"\0\0" + et + body, 113
        elif kind == "sll2":
            r, linktype = et + b"\0\0" + struct.pack(">IHBB", 1, 1, 0, 6) + raw[6:12] + b"\0\0" + body, 276
        elif kind == "ipv6":
            # the IPv4 total length, not the frame's: an Ethernet pad is no payload
            ihl, total = (body[0] & 15) * 4, struct.unpack(">H", body[2:4])[0]
            v6 = b"\xfd\x00" + b"\0" * 10
            r = mac + b"\x86\xdd" + struct.pack(">IHBB", 0x60000000, total - ihl, body[9], 64) \
                + v6 + body[12:16] + v6 + body[16:20] + body[ihl:total]
        else:
            raise ValueError(kind)
        out.append((sec, usec, r, orig + len(r) - len(raw)))
    return write_pcap(dst, out, linktype)


def rewrite_ports(src, dst, portmap):
    """Copy an Ethernet/IPv4 pcap with TCP ports mapped (old -> new)."""
    linktype, pkts = read_pcap(src)
    if linktype != 1:
        raise ValueError("only Ethernet captures are rewritten")
    out = []
    for sec, usec, raw, orig in pkts:
        b = bytearray(raw)
        if len(b) >= 34 and b[12:14] == b"\x08\x00" and b[23] == 6:
            ihl = (b[14] & 0x0F) * 4
            t = 14 + ihl
            if len(b) >= t + 4:
                sp, dp = struct.unpack(">HH", b[t:t + 4])
                b[t:t + 4] = struct.pack(">HH", portmap.get(sp, sp), portmap.get(dp, dp))
        out.append((sec, usec, bytes(b), orig))
    return write_pcap(dst, out, linktype)


CLIENT_MAC = b"\x02\x00\x00\x00\x00\x01"
SERVER_MAC = b"\x02\x00\x00\x00\x00\x02"


def udp_frame(src, dst, sport, dport, payload, usec_since_epoch):
    """One Ethernet/IPv4/UDP frame (checksums right) as a read_pcap() record."""
    ip = pcapfile.ipv4_packet(src, dst, 17, pcapfile.udp_datagram(src, dst, sport, dport, payload))
    raw = pcapfile.ethernet_frame(SERVER_MAC, CLIENT_MAC, ip)
    return (usec_since_epoch // 1000000, usec_since_epoch % 1000000, raw, len(raw))


tcp_payload = pcapfile.tcp_payload


EPM_IF_LE = bytes.fromhex("0883afe11f5dc91191a408002b14a0fa")   # e1af8308-5d1f-11c9-91a4-08002b14a0fa v3


def epm_map_stubs(pcap):
    """The stub data of the connection-oriented DCE/RPC request (0) and
    response (2) of a sample's ept_map exchange over TCP 135 -> {0: .., 2: ..}."""
    stubs = {}
    for _s, _u, raw, _o in read_pcap(pcap)[1]:
        sp, dp, pl = tcp_payload(raw)
        if 135 in (sp, dp) and len(pl) > 24 and pl[0] == 5 and pl[2] in (0, 2):
            stubs[pl[2]] = pl[24:]
    return stubs


def epm_cl_pdu(ptype, flags1, stub, activity=bytes.fromhex("00112233445566778899aabbccddeeff")):
    """A connectionless DCE/RPC PDU (UDP 135) carrying an ept_map stub:
    version 4, little-endian drep, no object, EPM v3, seqnum 1, opnum 3.
    ptype 0 request (flags1 0x20: idempotent), 2 response (0x08: last fragment)."""
    return struct.pack("<BBBB3sB16s16s16sIIIHHHHHBB", 4, ptype, flags1, 0, b"\x10\x00\x00", 0, b"\0" * 16,
                       EPM_IF_LE, activity, 0, 3, 1, 3, 0xFFFF, 0xFFFF, len(stub), 0, 0, 0) + stub


class TcpFlow:
    """Builds one TCP connection's frames (Ethernet/IPv4/TCP) with correct
    sequence numbers, for hostile payloads that real stacks would not send."""

    def __init__(self, cli, srv, cport, sport, t0=1700000000):
        self.cli, self.srv, self.cport, self.sport = cli, srv, cport, sport
        self.seq = {True: 1000, False: 5000}
        self.t = t0 * 1000000
        self.frames = []

    def _frame(self, from_cli, flags, payload=b""):
        src, dst = (self.cli, self.srv) if from_cli else (self.srv, self.cli)
        sp, dp = (self.cport, self.sport) if from_cli else (self.sport, self.cport)
        seq = self.seq[from_cli]
        ack = self.seq[not from_cli] if flags & 0x10 else 0
        tcp = pcapfile.tcp_segment(src, dst, sp, dp, seq, ack, flags, 65535, payload)
        ip = pcapfile.ipv4_packet(src, dst, 6, tcp)
        raw = pcapfile.ethernet_frame(*((SERVER_MAC, CLIENT_MAC) if from_cli else (CLIENT_MAC, SERVER_MAC)), ip)
        self.t += 1000
        self.frames.append((self.t // 1000000, self.t % 1000000, raw, len(raw)))
        self.seq[from_cli] = (seq + len(payload) + (1 if flags & 0x03 else 0)) & 0xFFFFFFFF

    def handshake(self):
        self._frame(True, 0x02)
        self._frame(False, 0x12)
        self._frame(True, 0x10)
        return self

    def send(self, from_cli, payload):
        self._frame(from_cli, 0x18, payload)
        return self

    def close(self):
        self._frame(True, 0x11)
        self._frame(False, 0x11)
        self._frame(True, 0x10)
        return self

    def refused(self):
        self._frame(True, 0x02)
        self._frame(False, 0x14)      # RST/ACK acknowledging the SYN
        return self


def main():
    if not have_tshark():
        print("tshark is not installed: integration tests skipped")
        raise SystemExit(77)
    unittest.main()
