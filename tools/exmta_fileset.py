#!/usr/bin/python3
"""exmta-fileset - analyse a whole capture file set (ring buffer) with exmta.

    exmta-fileset [options] DIR_OR_FILES...

A customer's ring buffer puts the endpoint-mapper lookup in one file and the
MTA's RPC session in the next. exmta-fileset:

  pass 1  cuts from every file (in parallel) the frames that can teach
          something to later files: TCP and UDP port 135 (the endpoint
          mapper), TCP payloads that start like TPKT, IPv4 fragments. Then
          ONE tshark reads those cuts in time order (first packet time, not
          file name) for the endpoints learned from ept_map responses and the
          RFC1006 ports found by the heuristic.
  pass 2  dissects every file (in parallel) with everything learned in the
          files that started EARLIER IN TIME: the endpoints as the "Known
          endpoints" table, the RFC1006 ports added to exmta.tcp.port.
          Nothing is ever flagged with an endpoint learned later in time.
  merge   prints one endpoint summary for the set, every reference as
          file:frame, and writes it as CSV and JSON (--csv, --json). A TCP
          session cut by a file boundary is counted once: its continuation
          in the next file has no SYN and the same addresses and ports.

The cuts are libpcap's (python3-pcapy): its file readers and BPF filters, so
802.1Q and QinQ tags, Linux cooked (SLL, SLL2), IPv6 and pcapng with several
interfaces of one link type are read as tcpdump reads them; gzip-compressed
files are decompressed on the fly. A file libpcap cannot read or filter (a
pcapng whose interfaces have different link types, a format only Wireshark
reads) is not cut: tshark reads all of it.

Parallelism is GNU parallel's: the local cores by default (--jobs), several
machines with --sshlogin/--sshloginfile (see README, "File sets").
"""
import argparse
import csv
import ipaddress
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CAPTURE_EXT = (".pcap", ".pcapng", ".cap", ".pcap.gz", ".pcapng.gz", ".cap.gz")
RFC1006_KINDS = ("X.400 over RFC1006", "RFC1006 (not X.400)")
COLUMNS = ["host", "port", "kind", "found_by", "sessions", "frames", "bytes", "first_frame", "last_frame",
           "outcome"]
SNAPLEN = 262144
DLT_EN10MB = 1

# BPF (libpcap) expressions of what each pass keeps. IPv4 fragments are kept
# whole (tshark reassembles them); tcp[] reads IPv4 only, so the TPKT test
# for IPv6 reads the TCP header behind a plain 40-octet IPv6 header.
IPV4_FRAGMENT = "(ip and ip[6:2] & 0x3fff != 0)"
PASS1_BPF = ("tcp port 135 or udp port 135 or " + IPV4_FRAGMENT +
             " or (ip and tcp and tcp[((tcp[12:1] & 0xf0) >> 2):1] = 0x03)"
             " or (ip6 and ip6[6] = 6 and ip6[40 + ((ip6[52] & 0xf0) >> 2)] = 0x03)")
# what pass 2 keeps besides the ports and endpoints of the set: every frame
# that is not plain TCP/UDP (tunnels, IPv6 extension headers, ARP, ...)
PASS2_ALWAYS = "not (tcp or udp) or " + IPV4_FRAGMENT
# at most this many address ranges and port ranges describe the endpoints
# learned in the set (a superset of them when there are more: libpcap's
# optimiser takes 0.09 s for 16 of each and 3.5 s for 64, per file)
COVER_RANGES = 16


def die(msg):
    print("exmta-fileset: " + msg, file=sys.stderr)
    sys.exit(2)


def default_tshark():
    """The tshark command: the repo's wrapper when run from a build tree
    (drops root, loads EXMTA_PLUGIN_ROOT or build/plugins), else the
    installed tshark."""
    wrapper = os.path.join(HERE, "exmta-tshark")
    build = os.path.join(os.path.dirname(HERE), "build", "plugins")
    root = os.environ.get("EXMTA_PLUGIN_ROOT")
    if os.path.exists(wrapper) and root:
        # the command travels to --sshlogin hosts, whose logins lack this environment
        return "env EXMTA_PLUGIN_ROOT=%s %s" % (shlex.quote(root), shlex.quote(wrapper))
    if os.path.exists(wrapper) and os.path.isdir(build):
        return wrapper
    return "tshark"


def start_plugin_check(tshark):
    """tshark -z help, started at once and read by plugin_check() after the
    pass 1 cuts, so the check costs no time of its own."""
    try:
        return subprocess.Popen(shlex.split(tshark) + ["-z", "help"], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, universal_newlines=True)
    except OSError as e:
        die("cannot run tshark (%s): %s" % (tshark, e))


def plugin_check(tshark, proc):
    """Stop unless this tshark has the exmta plugin: without it every file
    would give an empty summary that looks like 'nothing found'."""
    out = proc.communicate()[0]
    if "exmta,endpoints" not in out:
        die("%s has no exmta plugin (its -z help lists no exmta,endpoints): build it (tools/build.sh), "
            "install it, or name a tshark that loads it with --tshark" % tshark)


def list_files(args):
    files = []
    for a in args:
        if os.path.isdir(a):
            for n in sorted(os.listdir(a)):
                p = os.path.join(a, n)
                if os.path.isfile(p) and n.endswith(CAPTURE_EXT):
                    files.append(os.path.abspath(p))
        elif os.path.isfile(a):
            files.append(os.path.abspath(a))
        else:
            die("%s: no such file or folder" % a)
    if not files:
        die("no capture files in %s" % " ".join(args))
    return files


# ---------------------------------------------------------------- the cut

def link_bpf(dlt, expr):
    """expr for a link type: on Ethernet also behind one or two VLAN tags
    (802.1Q, 802.1ad QinQ). libpcap's 'vlan' moves the offsets of everything
    after it, so the untagged case comes first and excludes tagged frames
    itself (a tagged frame is 'not tcp' to the untagged offsets)."""
    if dlt != DLT_EN10MB:
        return expr
    untagged = "not (ether proto 0x8100 or ether proto 0x88a8 or ether proto 0x9100)"
    return "(%s and (%s)) or (vlan and ((%s and (%s)) or (vlan and (%s))))" % (untagged, expr, untagged, expr,
                                                                                  expr)


def open_capture(path):
    """A libpcap reader of path; gzip is decompressed through a pipe.
    Returns (reader, decompressor process or None)."""
    import pcapy
    with open(path, "rb") as f:
        gz = f.read(2) == b"\x1f\x8b"
    if not gz:
        return pcapy.open_offline(path), None
    proc = subprocess.Popen(["gzip", "-dc", path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        return pcapy.open_offline("/dev/fd/%d" % proc.stdout.fileno()), proc
    except Exception:
        proc.kill()
        proc.wait()
        raise


def cut(path, out, expr):
    """Copy the frames of path that match the BPF expression expr (see
    link_bpf) into out (classic pcap). Returns {"count": frames in the
    file, "first": time of its first frame, "kept": the file's own number of
    every copied frame}, or None when libpcap cannot read or filter the file
    (the caller then uses the whole file)."""
    import pcapy
    proc = None
    try:
        reader, proc = open_capture(path)
        bpf = pcapy.compile(reader.datalink(), SNAPLEN, link_bpf(reader.datalink(), expr), 1, 0)
        dumper = reader.dump_open(out)
        n, first, kept = 0, None, []
        while True:
            hdr, data = reader.next()
            if hdr is None:
                break
            n += 1
            if first is None:
                sec, usec = hdr.getts()
                first = sec + usec / 1e6
            if bpf.filter(data):
                dumper.dump(hdr, data)
                kept.append(n)
        dumper.close()
    except pcapy.PcapError:
        return None
    finally:
        if proc:
            proc.stdout.close()
            proc.kill()
            proc.wait()
    os.chmod(out, 0o644)
    return {"count": n, "first": first, "kept": kept}


def capinfos(path):
    """{"count", "first"} of a file libpcap cannot read (capinfos reads
    every format tshark reads); first is None without packets."""
    p = subprocess.run(["capinfos", "-a", "-c", "-T", "-r", "-S", "-M", path], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True)
    cols = p.stdout.rstrip("\n").split("\t") if p.returncode == 0 else []
    try:
        return {"count": int(cols[1]), "first": float(cols[2]) if int(cols[1]) else None}
    except (IndexError, ValueError):
        return {"count": 0, "first": None}


def ranges(values, limit):
    """Sorted integers -> at most limit (lo, hi) ranges covering them all:
    the widest gaps separate the ranges."""
    values = sorted(set(values))
    if not values:
        return []
    gaps = sorted(range(1, len(values)), key=lambda i: values[i] - values[i - 1], reverse=True)[:limit - 1]
    out, lo = [], values[0]
    for i in sorted(gaps):
        out.append((lo, values[i - 1]))
        lo = values[i]
    out.append((lo, values[-1]))
    return out


def endpoints_bpf(endpoints):
    """A BPF expression true for TCP/UDP to or from every (address, port) in
    endpoints: the addresses and the ports each as at most COVER_RANGES
    ranges (exact for a set that fits, a superset otherwise). Both directions
    of a session match, so sessions are kept whole."""
    v4, v6, ports = [], [], []
    for host, port in endpoints:
        a = ipaddress.ip_address(host)
        (v4 if a.version == 4 else v6).append(int(a))
        ports.append(port)
    if not ports:
        return None
    hosts = []
    for lo, hi in ranges(v4, COVER_RANGES):
        if lo == hi:
            hosts.append("host %s" % ipaddress.IPv4Address(lo))
        else:
            hosts.append("(ip and ((ip[12:4] >= %d and ip[12:4] <= %d) or (ip[16:4] >= %d and ip[16:4] <= %d)))"
                         % (lo, hi, lo, hi))
    if v6:
        hosts += ["host %s" % ipaddress.IPv6Address(a) for a in sorted(set(v6))] \
            if len(set(v6)) <= COVER_RANGES else ["ip6"]
    pr = ["port %d" % lo if lo == hi else "portrange %d-%d" % (lo, hi) for lo, hi in ranges(ports, COVER_RANGES)]
    return "((%s) and (%s))" % (" or ".join(hosts), " or ".join(pr))


def ports_bpf(ports):
    return " or ".join("port %d" % lo if lo == hi else "portrange %d-%d" % (lo, hi)
                       for lo, hi in ranges(ports, len(ports)))


# ---------------------------------------------------------------- workers

def run_tshark(tshark, args, env=None):
    p = subprocess.run(shlex.split(tshark) + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, env=env)
    if p.returncode != 0:
        if "exmta" in p.stderr and "-z" in p.stderr:
            die("%s has no exmta plugin on this host: %s" % (tshark, p.stderr.strip().splitlines()[0]))
        raise RuntimeError("tshark %s: %s" % (" ".join(args), p.stderr.strip()))
    return p.stdout


def parse_z_output(out):
    """What the -z exmta,... outputs of one tshark run printed: UAT lines
    (-z exmta,endpoints,uat), endpoint rows (-z exmta,endpoints,json) and
    sessions (-z exmta,sessions,json), told apart by their keys."""
    uat, rows, sessions = [], [], []
    lines = out.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith('"'):
            uat.append([uat_unescape(v) for v in next(csv.reader([line], skipinitialspace=True))])
        elif line == "[":
            j = lines.index("]", i)
            for obj in json.loads("\n".join(lines[i:j + 1])):
                (sessions if "group" in obj else rows).append(obj)
            i = j
        i += 1
    return uat, rows, sessions


def group_of(row):
    """The merge key's third part: RFC1006 rows are one group (a piece of an
    X.400 session may not show X.411 in its own file), RPC rows by kind."""
    return "RFC1006" if row.get("kind") in RFC1006_KINDS else row.get("kind")


def worker_pass1(ns):
    """The frames of one file that can teach something -> OUT (pcap), and
    OUT.json: frames in the file, first packet time, the file's own number
    of every frame cut ("whole": libpcap cannot read it, pass 1 uses the
    file itself)."""
    meta = cut(ns.file, ns.out, PASS1_BPF)
    if meta is None:
        meta = dict(capinfos(ns.file), whole=True)
    with open(ns.out + ".json", "w") as f:
        json.dump(meta, f)
    os.chmod(ns.out + ".json", 0o644)


def learn_set(ns, order, work, metas):
    """Pass 1's second half: the cuts of all files, in time order, read by ONE
    tshark, so an ept_map exchange whose DCE/RPC bind (or request) is in an
    earlier file is decoded as it is in the whole capture. Returns what each
    file may use: endpoints with the index of the file that taught them (and
    its own frame number), heuristic RFC1006 ports with the first file they
    were seen in, and every ept_map response of each row as file:frame."""
    parts, offsets, total = [], [], 0
    for i, path in enumerate(order):
        m = metas[path]
        if m.get("whole"):
            n, src = m["count"], path
        else:
            n, src = len(m["kept"]), os.path.join(work, "cut1-%05d.pcap" % i)
        if n:
            parts.append(src)
            offsets.append((total, i))
            total += n
    known = {"endpoints": [], "rfc1006_ports": {}, "rfc1006_all": [], "kinds": {}, "epm_refs": {}}
    if not parts:
        return known

    def where(frame):
        """A frame of the merged cuts -> (file index, the file's own frame number)."""
        start, i = 0, 0
        for s, j in offsets:
            if frame > s:
                start, i = s, j
        kept = metas[order[i]].get("kept")
        local = frame - start
        return i, kept[local - 1] if kept and 0 < local <= len(kept) else local

    def ref(frame):
        i, own = where(frame)
        return "%s:%d" % (os.path.basename(order[i]), own)
    merged = os.path.join(work, "cut1-all.pcapng")
    subprocess.run(["mergecap", "-a", "-F", "pcapng", "-w", merged] + parts, check=True)
    os.chmod(merged, 0o644)
    out = run_tshark(ns.tshark, ["-r", merged, "-q"] + ns.o + ["-z", "exmta,endpoints,uat", "-z", "exmta,endpoints,json"])
    uat, rows, _ = parse_z_output(out)
    for row in uat:
        i, own = where(int(row[6])) if row[6].isdigit() else (0, 0)
        row[5] = os.path.basename(order[i])
        row[6] = str(own)
        known["endpoints"].append([i, row])
    ports = set()
    for r in rows:
        methods = r.get("found_by_methods") or []
        if "epm" in methods:
            key = "%s|%s|%s" % (r["host"], r["port"], group_of(r))
            known["epm_refs"][key] = [ref(f) for f in r.get("epm_frames", [])]
            if r.get("kind") not in RFC1006_KINDS:
                known["kinds"]["%s:%s" % (r["host"], r["port"])] = r.get("kind")
        if r.get("kind") in RFC1006_KINDS and "heuristic" in methods:
            port = int(r["port"])
            first = where(int(r["first_frame"]))[0] if isinstance(r.get("first_frame"), int) else 0
            known["rfc1006_ports"][str(port)] = min(first, known["rfc1006_ports"].get(str(port), first))
            ports.add(port)
    known["rfc1006_all"] = sorted(ports)
    return known


def uat_unescape(v):
    """A UAT field's text: its \\xNN escapes read back."""
    return re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), v)


def uat_line(row):
    """A line of the exmta_endpoints table, each field as the plugin writes
    it (exmta_render_uat_field): in quotes, '"', '\\', control octets and
    DEL as \\xNN."""
    return ",".join('"%s"' % "".join("\\x%02x" % ord(c) if c in '"\\' or ord(c) < 0x20 or ord(c) == 0x7f else c
                                     for c in v) for v in row)


def pref_ports(opts, names):
    """Ports named by -o NAME:RANGE preferences (e.g. exmta.tcp.port:102,10102)."""
    ports = set()
    for o in opts:
        name, _, value = o.partition(":")
        if name.strip() not in names:
            continue
        for part in value.split(","):
            lo, _, hi = part.strip().partition("-")
            if lo.strip().isdigit():
                a = int(lo)
                b = int(hi) if hi.strip().isdigit() else a
                ports.update(range(a, min(b, 65535) + 1))
    return ports


def remap_outputs(summary, pieces, kept):
    """Frame numbers of the cut -> the file's own."""
    def remap(frame):
        return kept[frame - 1] if 0 < frame <= len(kept) else frame
    for r in summary:
        for k in ("first_frame", "last_frame"):
            if isinstance(r.get(k), int):
                r[k] = remap(r[k])
        r["epm_frames"] = [remap(f) for f in r.get("epm_frames", [])]
    for p in pieces:
        p["first_frame"] = remap(p["first_frame"])
        p["last_frame"] = remap(p["last_frame"])


def worker_pass2(ns):
    """One file, with what earlier files taught -> OUT (JSON): its summary
    and its sessions.

    Unless --no-cut, tshark reads only the frames that can matter to exmta:
    every frame that is not plain TCP/UDP (tunnels, fragments, ...), TCP/UDP
    on the ports of the whole set (102, 135, ports the heuristic found,
    ports in -o exmta.tcp.port / exmta.rpc_static_ports / tpkt.tcp.port),
    and TCP/UDP to or from the endpoints learned anywhere in the set (see
    endpoints_bpf). Whole sessions are kept, so nothing exmta counts
    changes; frame numbers are mapped back to the file's own."""
    with open(ns.known) as f:
        known = json.load(f)
    tmp = tempfile.mkdtemp(prefix="exmta-fs2-")
    meta = None
    try:
        os.chmod(tmp, 0o755)
        conf = os.path.join(tmp, "config")
        os.mkdir(conf)
        with open(os.path.join(conf, "exmta_endpoints"), "w", encoding="utf-8") as f:
            f.write("# exmta_endpoints: learned in this and earlier files of the set\n")
            for i, row in known["endpoints"]:
                if i <= ns.index:
                    f.write(uat_line(row) + "\n")
        os.chmod(conf, 0o755)
        os.chmod(os.path.join(conf, "exmta_endpoints"), 0o644)
        env = dict(os.environ, EXMTA_CONFIG_DIR=conf, WIRESHARK_CONFIG_DIR=conf)
        earlier = [int(p) for p, i in known["rfc1006_ports"].items() if i < ns.index]
        ports = ",".join(str(p) for p in sorted(set([102] + earlier + ns.rfc1006_port)))
        src = ns.file
        if not ns.no_cut:
            wanted = set([102, 135] + known["rfc1006_all"] + ns.rfc1006_port) | pref_ports(
                ns.o, ("exmta.tcp.port", "exmta.rpc_static_ports", "tpkt.tcp.port"))
            expr = PASS2_ALWAYS + " or " + ports_bpf(wanted)
            try:
                eps = endpoints_bpf({(row[0], int(row[1])) for _i, row in known["endpoints"]})
            except ValueError:
                eps = "tcp or udp"      # an endpoint that is not an address: keep every session
            if eps:
                expr += " or " + eps
            meta = cut(ns.file, os.path.join(tmp, "cut.pcap"), expr)
            if meta is not None:
                src = os.path.join(tmp, "cut.pcap")
        # one dissection, the same work as a sequential -z exmta,endpoints on
        # those frames: the summary and the sessions (to join cut ones)
        out = run_tshark(ns.tshark, ["-r", src, "-q", "-o", "exmta.tcp.port:" + ports,
                                     "-o", "exmta.capture_name:" + os.path.basename(ns.file)] + ns.o
                         + ["-z", "exmta,endpoints,json", "-z", "exmta,sessions,json"], env=env)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    _uat, summary, pieces = parse_z_output(out)
    if meta is not None:
        remap_outputs(summary, pieces, meta["kept"])
    sessions = [{"server": [str(p["host"]), str(p["port"])], "client": [str(p["client"]), str(p["client_port"])],
                 "syn": bool(p["syn_in_file"]), "first": p["first_frame"], "last": p["last_frame"]}
                for p in pieces]
    with open(ns.out, "w") as f:
        json.dump({"file": ns.file, "summary": summary, "sessions": sessions}, f)


# ---------------------------------------------------------------- merge

FOUND_TEXT = {"port_preference": "port preference", "tpkt_port": "tpkt.tcp.port", "heuristic": "heuristic",
              "decode_as": "Decode As", "static_port": "static port preference",
              "known_table": "known endpoints table"}


def found_by_text(methods, refs):
    """The found_by column of the set, as the plugin writes it for one file:
    the ept_map responses as the first and how many more."""
    parts = []
    for m in methods:
        if m == "epm":
            parts.append("EPM %s" % refs[0] + (" (+%d more)" % (len(refs) - 1) if len(refs) > 1 else ""))
        else:
            parts.append(FOUND_TEXT.get(m, m))
    return "; ".join(parts)


def merge(order, p2, known):
    """One summary for the set. Rows are merged by (host, port, kind); every
    frame reference is file:frame; cut sessions are counted once."""
    index = {os.path.basename(f): i for i, f in enumerate(order)}

    def ref_key(ref):
        name, _, frame = ref.rpartition(":")
        return index.get(name, len(order)), int(frame)
    rows = {}
    seen_sessions = set()   # (server, client) of every session piece so far
    sessions = {}       # server -> sessions in the set
    for idx, f in enumerate(order):
        name = os.path.basename(f)
        for s in p2[f]["sessions"]:
            key = (tuple(s["server"]), tuple(s["client"]))
            # a piece without a SYN (it may begin with the SYN/ACK) whose
            # addresses and ports an earlier file already had is that session
            # going on, even after files in which it was idle: counted once.
            # A new session on the same addresses and ports starts with a SYN
            # in its own file.
            if s["syn"] or key not in seen_sessions:
                sessions[key[0]] = sessions.get(key[0], 0) + 1
            seen_sessions.add(key)
        for r in p2[f]["summary"]:
            host, port, kind = str(r.get("host")), str(r.get("port")), r.get("kind")
            m = rows.setdefault((host, port, group_of(r)), {
                "host": r.get("host"), "port": r.get("port"), "kind": kind, "methods": None, "refs": set(),
                "sessions": 0, "frames": 0, "bytes": 0, "first_frame": None, "last_frame": None,
                "outcome": [], "order": (idx, 0)})
            # the ways of the first file that shows the row: later files know
            # it from the known endpoints table or an earlier file's port
            if m["methods"] is None:
                m["methods"] = list(r.get("found_by_methods") or [])
            m["refs"].update("%s:%d" % (name, fr) for fr in r.get("epm_frames", []))
            if kind == "X.400 over RFC1006":
                m["kind"] = kind
            m["frames"] += int(r.get("frames") or 0)
            m["bytes"] += int(r.get("bytes") or 0)
            if r.get("first_frame") is not None:
                if m["first_frame"] is None:
                    m["first_frame"] = "%s:%s" % (name, r["first_frame"])
                    m["order"] = (idx, int(r["first_frame"]))
                m["last_frame"] = "%s:%s" % (name, r["last_frame"])
            for o in str(r.get("outcome") or "").split("; "):
                if o and o not in m["outcome"]:
                    m["outcome"].append(o)
    # an endpoint learned from a response no single file could decode (its
    # bind in an earlier file), never used: pass 1 knows it, no file reported it
    reported = {(h, p) for (h, p, _g) in rows}
    for _i, row in known["endpoints"]:
        host, port = row[0], row[1]
        kind = known["kinds"].get("%s:%s" % (host, port), row[4])
        if (host, port) in reported or "%s|%s|%s" % (host, port, kind) not in known["epm_refs"]:
            continue
        reported.add((host, port))
        rows[(host, port, kind)] = {
            "host": host, "port": int(port) if port.isdigit() else port, "kind": kind, "methods": ["epm"],
            "refs": set(), "sessions": 0, "frames": 0, "bytes": 0, "first_frame": None, "last_frame": None,
            "outcome": ["learned, no session"], "order": (len(order), 0)}
    out = []
    for (host, port, group), m in rows.items():
        # every ept_map response of the set, as the whole capture lists them
        # (pass 1 read them all in one tshark), with those each file saw
        refs = sorted(m.pop("refs") | set(known["epm_refs"].get("%s|%s|%s" % (host, port, group), [])),
                      key=ref_key)
        methods = []
        for t in m.pop("methods") or []:
            t = "epm" if t == "known_table" and refs else t
            if t not in methods:
                methods.append(t)
        if refs and "epm" not in methods:
            methods.append("epm")
        m["found_by"] = found_by_text(methods, refs)
        m["epm_frames"], m["found_by_methods"] = refs, methods
        m["sessions"] = sessions.get((host, port), 0)
        if m["kind"] == "X.400 over RFC1006":
            m["outcome"] = [o for o in m["outcome"] if o != "sessions OK" or len(m["outcome"]) == 1]
        if m["sessions"] > 0 or m["frames"] > 0:
            m["outcome"] = [o for o in m["outcome"] if o != "learned, no session"]
        m["outcome"] = "; ".join(m["outcome"])
        m["first_frame"] = m["first_frame"] or ""
        m["last_frame"] = m["last_frame"] or ""
        out.append(m)
    out.sort(key=lambda m: m.pop("order"))
    return out


def print_table(rows, out):
    w = {c: max([len(c)] + [len(str(r.get(c, ""))) for r in rows]) for c in COLUMNS}
    out.write("  ".join(c.ljust(w[c]) for c in COLUMNS).rstrip() + "\n")
    for r in rows:
        out.write("  ".join(str(r.get(c, "")).ljust(w[c]) for c in COLUMNS).rstrip() + "\n")


# ---------------------------------------------------------------- driver

def parallel_cmd(ns, label):
    cmd = ["parallel", "--halt", "now,fail=1", "--colsep", "\t"]
    if ns.jobs:
        cmd += ["--jobs", str(ns.jobs)]
    if ns.sshlogin:
        for s in ns.sshlogin:
            cmd += ["--sshlogin", s]
    if ns.sshloginfile:
        cmd += ["--sshloginfile", ns.sshloginfile]
    if ns.ssh:
        cmd += ["--ssh", ns.ssh]
    if ns.progress == "bar":
        cmd.append("--bar")
    elif ns.progress == "lines":
        cmd += ["--tagstring", label + " {#}/" + str(ns.nfiles)]
    return cmd


def job_arg(path):
    """A path as a job's argument: hex of its bytes, so that no name (a tab
    splits GNU parallel's columns, a newline its records, and the remote
    shell quotes) changes what the worker opens."""
    return "hex:" + os.fsencode(path).hex()


def path_arg(arg):
    """The path a job's argument names (job_arg), or the argument itself."""
    return os.fsdecode(bytes.fromhex(arg[4:])) if arg.startswith("hex:") else arg


def run_parallel(ns, label, jobs_file, template):
    cmd = parallel_cmd(ns, label) + ["-a", jobs_file, template]
    p = subprocess.run(cmd, stdout=sys.stderr if ns.progress == "lines" else subprocess.DEVNULL)
    if p.returncode != 0:
        die("%s failed (GNU parallel exit %d)" % (label, p.returncode))


def read_result(ns, label, path, out):
    """A worker's result; GNU parallel can report success for a job that never
    ran (a remote login without SHELL, a host without the tools), so say so
    instead of failing later."""
    try:
        with open(out) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        where = " (with --sshlogin: is exmta-fileset, python3-pcapy, tshark and the plugin at the same paths " \
                "on every host, the work directory shared, and SHELL set in the remote login?)" \
            if ns.sshlogin or ns.sshloginfile else ""
        die("%s: no result for %s: %s%s" % (label, path, e, where))


def main(argv=None, command=None):
    """The command: argv without the program name (default sys.argv[1:]);
    command is the path of the program GNU parallel runs for the workers
    (default: this file, which runs as the command too)."""
    ap = argparse.ArgumentParser(prog="exmta-fileset", description=__doc__.split("\n\n")[0])
    ap.add_argument("inputs", nargs="+", metavar="DIR_OR_FILES")
    ap.add_argument("--jobs", "-j", type=int, default=0, help="jobs per machine (default: one per core)")
    ap.add_argument("--sshlogin", "-S", action="append", help="GNU parallel --sshlogin (repeatable), "
                    "e.g. ':' for this machine, 'user@host', '2/host'")
    ap.add_argument("--sshloginfile", help="GNU parallel --sshloginfile")
    ap.add_argument("--ssh", help="ssh command for GNU parallel (--ssh; a command line: quote a path "
                    "with spaces)")
    ap.add_argument("--csv", help="write the merged summary as CSV to this file")
    ap.add_argument("--json", help="write the merged summary (and per-file references) as JSON to this file")
    ap.add_argument("--progress", choices=["bar", "lines", "none"], default=None,
                    help="progress bar (default on a terminal), a line per file, or nothing")
    ap.add_argument("--tshark", default=None, help="tshark command, a command line: quote a path with "
                    "spaces (default: the build's tools/exmta-tshark when run from a source tree, else "
                    "tshark with the installed plugin)")
    ap.add_argument("--rfc1006-port", type=int, action="append", default=[],
                    help="RFC1006 port to decode in every file (besides 102 and what pass 1 finds)")
    ap.add_argument("-o", action="append", default=[], help="tshark preference for pass 2 (repeatable)")
    ap.add_argument("--no-cut", action="store_true",
                    help="pass 2 dissects every frame (default: only frames that can matter, see README)")
    ap.add_argument("--times", action="store_true", help="print how long each pass took (stderr)")
    ap.add_argument("--workdir", help="keep the intermediate files here (must be shared by all hosts "
                    "with --sshlogin)")
    ns = ap.parse_args(argv)
    for tool, pkg in (("parallel", "parallel"), ("capinfos", "wireshark-common"),
                      ("mergecap", "wireshark-common")):
        if not shutil.which(tool):
            die("%s is not installed (Debian: apt-get install %s)" % (tool, pkg))
    try:
        __import__("pcapy")
    except ImportError:
        die("the Python libpcap module is not installed (Debian: apt-get install python3-pcapy)")
    ns.tshark = ns.tshark or default_tshark()
    check = start_plugin_check(ns.tshark)
    if ns.progress is None:
        ns.progress = "bar" if sys.stderr.isatty() else "none"
    files = list_files(ns.inputs)
    ns.nfiles = len(files)
    work = ns.workdir or tempfile.mkdtemp(prefix="exmta-fileset-")
    os.makedirs(work, exist_ok=True)
    os.chmod(work, 0o755)
    me = command or os.path.abspath(__file__)
    tsh = shlex.quote(ns.tshark)
    clock = [("start", time.monotonic())]
    try:
        # pass 1: the frames that can teach something, cut from every file
        # in parallel (in the order given: the time order is known after)
        jobs = os.path.join(work, "pass1.jobs")
        with open(jobs, "w") as f:
            for i, path in enumerate(files):
                f.write("%s\t%s\n" % (job_arg(path), job_arg(os.path.join(work, "in1-%05d.pcap" % i))))
        run_parallel(ns, "pass 1", jobs, "%s --worker pass1 --tshark %s {1} {2}" % (shlex.quote(me), tsh))
        plugin_check(ns.tshark, check)
        metas = {path: read_result(ns, "pass 1", path, os.path.join(work, "in1-%05d.pcap.json" % i))
                 for i, path in enumerate(files)}
        for path in files:
            if not metas[path]["count"]:
                print("exmta-fileset: skipping %s: no packets, or not a capture file" % path, file=sys.stderr)
        order = sorted((f for f in files if metas[f]["count"]), key=lambda f: (metas[f]["first"], f))
        if not order:
            die("no packets in any of the files")
        ns.nfiles = len(order)
        for i, path in enumerate(order):
            if not metas[path].get("whole"):
                os.rename(os.path.join(work, "in1-%05d.pcap" % files.index(path)),
                          os.path.join(work, "cut1-%05d.pcap" % i))
        known = learn_set(ns, order, work, metas)
        clock.append(("pass 1", time.monotonic()))
        # One file for the whole set. File i uses the endpoints taught by
        # files 0..i (those of file i itself flag only sessions that start
        # after their learned time: the plugin's rule for known endpoints) and
        # the RFC1006 ports found in files before it. All of them are what
        # pass 2 may cut each file down to.
        kfile = os.path.join(work, "known.json")
        with open(kfile, "w") as k:
            json.dump(known, k)
        os.chmod(kfile, 0o644)
        jobs = os.path.join(work, "pass2.jobs")
        with open(jobs, "w") as f:
            for i, path in enumerate(order):
                f.write("%s\t%d\t%s\n" % (job_arg(path), i, job_arg(os.path.join(work, "p2-%05d.json" % i))))
        extra = " ".join("-o %s" % shlex.quote(o) for o in ns.o)
        extra += " ".join(" --rfc1006-port %d" % p for p in ns.rfc1006_port)
        if ns.no_cut:
            extra += " --no-cut"
        run_parallel(ns, "pass 2", jobs, "%s --worker pass2 --tshark %s %s --known %s --index {2} {1} {3}"
                     % (shlex.quote(me), tsh, extra, shlex.quote(kfile)))
        p2 = {path: read_result(ns, "pass 2", path, os.path.join(work, "p2-%05d.json" % i))
              for i, path in enumerate(order)}
        clock.append(("pass 2", time.monotonic()))
    finally:
        if not ns.workdir:
            shutil.rmtree(work, ignore_errors=True)
    rows = merge(order, p2, known)
    clock.append(("merge", time.monotonic()))
    if ns.times:
        print("exmta-fileset: " + ", ".join("%s %.1f s" % (clock[i][0], clock[i][1] - clock[i - 1][1])
                                            for i in range(1, len(clock))), file=sys.stderr)
    print("exmta endpoints in %d files (%s .. %s)" % (len(order), os.path.basename(order[0]),
                                                       os.path.basename(order[-1])))
    print_table(rows, sys.stdout)
    if ns.csv:
        with open(ns.csv, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=COLUMNS, extrasaction="ignore")
            w.writeheader()
            for r in rows:
                w.writerow(r)
    if ns.json:
        with open(ns.json, "w") as f:
            json.dump({"files": [{"file": os.path.basename(p), "first_packet_time": metas[p]["first"]}
                                 for p in order], "endpoints": rows}, f, indent=1)


def worker_main(argv):
    ap = argparse.ArgumentParser(prog="exmta-fileset --worker")
    ap.add_argument("--worker", choices=["pass1", "pass2"])
    ap.add_argument("--tshark", required=True)
    ap.add_argument("--known")
    ap.add_argument("--index", type=int, help="the file's place in time order (pass 2)")
    ap.add_argument("--no-cut", action="store_true")
    ap.add_argument("-o", action="append", default=[])
    ap.add_argument("--rfc1006-port", type=int, action="append", default=[])
    ap.add_argument("file")
    ap.add_argument("out")
    ns = ap.parse_args(argv)
    ns.file, ns.out = path_arg(ns.file), path_arg(ns.out)
    (worker_pass1 if ns.worker == "pass1" else worker_pass2)(ns)


def cli(argv=None, command=None):
    """exmta-fileset's command line: a worker job (--worker, started by GNU
    parallel) or the command itself."""
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--worker":
        worker_main(argv)
    else:
        main(argv, command)


if __name__ == "__main__":
    cli()
