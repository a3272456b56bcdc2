#!/usr/bin/python3
"""Deterministic generator of the four large exmta benchmark captures.

Usage: gen_workloads.py [OUTDIR] [--only NAME[,NAME...]] [--frames N]

    OUTDIR    where the captures go (default /var/tmp/exmta-bench; not the repo)
    --only    mixed, rfc1006-heavy, epm-heavy, x400-heavy (default: all four)
    --frames  minimum frames per capture (default 1000000; the last sessions
              are finished, so a file ends a little above N)

Writes classic libpcap (Ethernet, microsecond timestamps), world-readable
(tools/exmta-tshark runs tshark as uid 65534 when started by root):

  mixed.pcap          mostly unrelated traffic: HTTP on 80/8080, DNS over UDP,
                      random TCP payloads on many unregistered ports (about one
                      session in eight starts every payload with 0x03, half of
                      those with a TPKT-looking header whose length matches, so
                      the RFC1006 heuristic really inspects them), a little
                      random UDP; plus five X.400 MTA sessions on TCP 102 and
                      one on TCP 10102 (found only by the heuristic).
  rfc1006-heavy.pcap  X.400 MTA sessions on TCP 102 only: CR/CC, bind, several
                      messages of 1.5 kB .. 150 kB (activity start, one data
                      TSDU over many 2048-octet COTP DT TPDUs and 1460-octet
                      TCP segments, activity end / ack), release, close.  PDUs
                      come from tools/gen_x400_pcaps.py.
  epm-heavy.pcap      DCE/RPC: one TCP 135 connection per server host (EPM
                      bind, then two ept_map request/response pairs: Exchange
                      MTA and MTA QAdmin interfaces), then sessions to the two
                      dynamic ports (bind, 2-6 requests/responses).  PDUs are
                      the bytes of sample-pcaps/rpc-epm-lookup-bind.pcap frames
                      4/6/8/9/16/18/20-23 with call_id, interface, tower port
                      and tower IP (0.0.0.0 or the server's own) changed.
                      First half of the file: every server is new (tens of
                      thousands of distinct endpoints); second half: lookups
                      of servers already seen (the same endpoints again) and
                      their sessions, so that a 25 % / 50 % / 100 % cut has
                      E/2, E, E endpoints for F/4, F/2, F frames.  One session
                      in ten goes to a dynamic port that was never looked up.
                      Sidecar epm-heavy.endpoints.tsv: one line per distinct
                      (ip, port) endpoint: frame of the response that first
                      announced it, ip, port, interface.
  x400-heavy.pcap     X.400 associations on TCP 102 between 160 pairs of 48 MTAs
                      (what exmta's association and message tables report), 8
                      TCP connections at a time, each CR/CC then 1-24
                      associations in turn (FN "transport kept" between them):
                      accepted binds (monologue, or two-way alternate with turn
                      please / give tokens) carrying 1-10 transfers each way:
                      messages of 0.3-12 kB to 1-4 recipients, probes, and
                      delivery / non-delivery reports whose subject message or
                      probe is earlier in the file; refusals at every layer
                      (session RF, presentation CPR, ACSE AARE, RTSE RTORJ busy
                      and dialogue mode, P1 bind error) and COTP DR; user and
                      provider aborts; TCP resets mid-message. A refusal, abort
                      or reset ends its connection. No X.410 mode (stock 4.0
                      marks its transfers Malformed). Every connection proposes
                      its own 3 of 64 presentation context identifiers (see
                      PciContext). PDUs come from tools/gen_x400_pcaps.py.
                      Sidecar x400-heavy.associations.tsv: one line per
                      association (first frame, initiator, responder, outcome,
                      transfers).

Everything is derived from fixed seeds: two runs give byte-identical files.
Frames are written as they are made (nothing is held in memory); TCP
sequence/ack numbers are consistent; IP, TCP and UDP checksums are correct.
"""

import array
import os
import random
import struct
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tools"))
import gen_x400_pcaps as x4  # noqa: E402
import pcapfile  # noqa: E402
from pcapfile import ACK, FIN, PSH, RST, SYN  # noqa: E402

DEFAULT_OUT = "/var/tmp/exmta-bench"
DEFAULT_FRAMES = 1000000
BASE_TIME_US = 1700000000 * 1000000
MSS = 1460

SYN_OPTIONS = x4.SYN_OPTIONS   # MSS 1460, NOP NOP SACK_PERM

# Ports that stock Wireshark 4.0 does not register on TCP (see
# tools/gen_nearmiss.py): servers 35000-43999, clients 49152-65535 except 57000.
CLIENT_PORT_LO, CLIENT_PORT_HI = 49152, 65535


def unregistered_client_port(p):
    return p + 1 if p == 57000 else p


# ---------------------------------------------------------------------------
# Checksums: ones' complement sums, computed with C-level loops
# ---------------------------------------------------------------------------

def psum(data):
    """Ones' complement sum of data as big-endian 16-bit words (not inverted)."""
    if len(data) & 1:
        data = data + b"\x00"
    s = sum(array.array("H", data))          # native (little-endian) words
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    if sys.byteorder == "little":
        s = ((s & 0xFF) << 8) | (s >> 8)    # byte-order independence (RFC 1071)
    return s


def fold(s):
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def ip4(dotted):
    return bytes(int(x) for x in dotted.split("."))


def ipsum(b4):
    return (b4[0] << 8 | b4[1]) + (b4[2] << 8 | b4[3])


class Seg:
    """A payload with its checksum contribution, computed once."""
    __slots__ = ("data", "sum")

    def __init__(self, data):
        self.data = data
        self.sum = psum(data)


def segments(stream, mss=MSS):
    return [Seg(stream[i:i + mss]) for i in range(0, len(stream), mss)]


# ---------------------------------------------------------------------------
# Streaming pcap writer and fast TCP/UDP frame builders
# ---------------------------------------------------------------------------

_IP = struct.Struct("!BBHHHBBH4s4s")
_TCP = struct.Struct("!HHIIBBHHH")
_UDP = struct.Struct("!HHHH")


class Writer:
    """tools/pcapfile.py's writer into PATH.part (renamed to PATH when done),
    timestamps counted from BASE_TIME_US."""

    def __init__(self, path):
        self.path = path
        self.tmp = path + ".part"
        self.pcap = pcapfile.Writer(self.tmp, buffering=16 << 20)
        self.n = 0
        self.now = BASE_TIME_US

    def emit(self, frame, dt):
        self.now += dt
        t = self.now
        self.pcap.write(t // 1000000, t % 1000000, frame)
        self.n += 1

    def close(self):
        self.pcap.close()
        os.chmod(self.tmp, 0o644)
        os.replace(self.tmp, self.path)


class Host:
    __slots__ = ("ip", "ipb", "mac", "ip_id", "ttl")

    def __init__(self, dotted, mac, ip_id, ttl=128):
        self.ip, self.ipb, self.mac, self.ip_id, self.ttl = dotted, ip4(dotted), mac, ip_id, ttl


def mac_for(ipb):
    return b"\x02\x00" + ipb


class Side:
    """Everything constant for one direction of one flow."""
    __slots__ = ("eth", "src", "dst", "sport", "dport", "ipconst", "tcpconst", "win")

    def __init__(self, src, dst, sport, dport, win, proto=6):
        self.src, self.dst, self.sport, self.dport, self.win = src, dst, sport, dport, win
        self.eth = dst.mac + src.mac + b"\x08\x00"
        # IP header sum without total length and id
        self.ipconst = (0x4500 + 0x4000 + (src.ttl << 8 | proto) + ipsum(src.ipb) + ipsum(dst.ipb))
        # pseudo header (without length) + ports
        self.tcpconst = ipsum(src.ipb) + ipsum(dst.ipb) + proto + sport + dport


def ip_header(side, total):
    src = side.src
    ipid = src.ip_id & 0xFFFF
    src.ip_id += 1
    c = (~fold(side.ipconst + total + ipid)) & 0xFFFF
    return _IP.pack(0x45, 0, total, ipid, 0x4000, src.ttl, 6 if side.tcpconst else 17, c,
                    src.ipb, side.dst.ipb)


class Flow:
    """One TCP connection (client = initiator); frames go straight to the writer."""
    __slots__ = ("w", "cs", "sc", "c_seq", "s_seq", "rtt")

    def __init__(self, w, client, server, cport, sport, c_isn, s_isn, cwin=64240, swin=65535, rtt=400):
        self.w = w
        self.cs = Side(client, server, cport, sport, cwin)
        self.sc = Side(server, client, sport, cport, swin)
        self.c_seq, self.s_seq = c_isn, s_isn
        self.rtt = rtt

    def pkt(self, from_client, flags, seg=None, dt=100, options=b""):
        if from_client:
            side, seq, ack = self.cs, self.c_seq, self.s_seq
        else:
            side, seq, ack = self.sc, self.s_seq, self.c_seq
        if not flags & ACK:
            ack = 0
        plen = len(seg.data) if seg else 0
        thl = 20 + len(options)
        win = 0 if flags & RST else side.win
        seq &= 0xFFFFFFFF
        ack &= 0xFFFFFFFF
        s = (side.tcpconst + thl + plen + (seq >> 16) + (seq & 0xFFFF) + (ack >> 16) + (ack & 0xFFFF)
             + ((thl // 4) << 12 | flags) + win)
        if options:
            s += psum(options)
        if seg:
            s += seg.sum
        c = (~fold(s)) & 0xFFFF
        tcp = _TCP.pack(side.sport, side.dport, seq, ack, (thl // 4) << 4, flags, win, c, 0)
        ip = ip_header(side, 20 + thl + plen)
        if seg:
            self.w.emit(side.eth + ip + tcp + options + seg.data, dt)
        else:
            self.w.emit(side.eth + ip + tcp + options, dt)
        adv = plen + (1 if flags & (SYN | FIN) else 0)
        if from_client:
            self.c_seq += adv
        else:
            self.s_seq += adv

    def handshake(self, dt=0):
        self.pkt(True, SYN, dt=dt, options=SYN_OPTIONS)
        self.pkt(False, SYN | ACK, dt=self.rtt, options=SYN_OPTIONS)
        self.pkt(True, ACK, dt=40)

    def close(self, client_first=True, dt=300):
        self.pkt(client_first, FIN | ACK, dt=dt)
        self.pkt(not client_first, FIN | ACK, dt=self.rtt)
        self.pkt(client_first, ACK, dt=40)


def send(flow, from_client, segs, dt=150, ack_every=2):
    """Generator: one yield per frame. Peer ACKs every ack_every full segments."""
    n = len(segs)
    for i, seg in enumerate(segs):
        last = i == n - 1
        flow.pkt(from_client, ACK | (PSH if last else 0), seg, dt=dt if i == 0 else 30)
        yield
        if not last and ack_every and (i + 1) % ack_every == 0:
            flow.pkt(not from_client, ACK, dt=flow.rtt // 2)
            yield


def udp(w, src, dst, sport, dport, seg, dt):
    side = Side(src, dst, sport, dport, 0, proto=17)
    side.tcpconst = 0
    ulen = 8 + len(seg.data)
    s = ipsum(src.ipb) + ipsum(dst.ipb) + 17 + ulen + sport + dport + ulen + seg.sum
    c = (~fold(s)) & 0xFFFF or 0xFFFF
    ip = ip_header(side, 20 + ulen)
    w.emit(side.eth + ip + _UDP.pack(sport, dport, ulen, c) + seg.data, dt)


# ---------------------------------------------------------------------------
# Scheduler: a few concurrent sessions, interleaved frame by frame
# ---------------------------------------------------------------------------

def run_sessions(w, rng, new_session, target, concurrency):
    """new_session() -> generator (one yield per frame) or None when done."""
    active = []
    while len(active) < concurrency:
        g = new_session()
        if g is None:
            break
        active.append(g)
    while active:
        i = rng.randrange(len(active))
        try:
            next(active[i])
        except StopIteration:
            g = new_session() if w.n < target else None
            if g is None:
                active.pop(i)
            else:
                active[i] = g


# ---------------------------------------------------------------------------
# X.400 (RFC1006) sessions, built from tools/gen_x400_pcaps.py
# ---------------------------------------------------------------------------

class X400Templates:
    def __init__(self, sizes):
        zr = x4.zero_reserved()
        st = lambda tsdu: x4.tsdu_stream(tsdu, zr)   # noqa: E731
        self.cr = Seg(x4.tpkt(x4.cotp_cr(x4.CLIENT_REF)))
        self.cc = Seg(x4.tpkt(x4.cotp_cc(x4.CLIENT_REF, x4.SERVER_REF)))
        self.bind_req = segments(st(x4.bind_request_tsdu()))
        self.bind_acc = segments(st(x4.bind_accept_tsdu()))
        self.rel_req = segments(st(x4.release_request_tsdu()))
        self.rel_rsp = segments(st(x4.release_response_tsdu()))
        self.act_start = segments(st(x4.ses_as(b"0001")))
        self.act_end = segments(st(x4.ses_ae(b"1")))
        self.act_end_ack = segments(st(x4.ses_aea(b"1")))
        self.messages = []
        for k, size in enumerate(sizes):
            content = x4.p22_ipm(x4.body_text(size), "exmta benchmark message %d (%d octets)" % (k, size))
            external = x4.EXTERNAL(x4.INT(x4.PCI_MTSE), x4.ctx(0, x4.p1_message(content)))
            data = x4.ses_dt(x4.pres_user_data(x4.PCI_RTSE, x4.rtse_rttr(external)))
            self.messages.append(segments(st(data)))


def x400_session(flow, t, message_ids):
    flow.handshake(dt=500)
    yield
    flow.pkt(True, ACK | PSH, t.cr, dt=120)
    yield
    flow.pkt(False, ACK | PSH, t.cc, dt=2100)
    yield
    yield from send(flow, True, t.bind_req, dt=180)
    yield from send(flow, False, t.bind_acc, dt=3400)
    for m in message_ids:
        yield from send(flow, True, t.act_start, dt=1200)
        yield from send(flow, True, t.messages[m], dt=200)
        yield from send(flow, True, t.act_end, dt=80)
        yield from send(flow, False, t.act_end_ack, dt=4200)
    yield from send(flow, True, t.rel_req, dt=900)
    yield from send(flow, False, t.rel_rsp, dt=700)
    flow.close(True, dt=250)
    yield


# ---------------------------------------------------------------------------
# 1. mixed.pcap
# ---------------------------------------------------------------------------

HTTP_SIZES = [0, 120, 900, 2500, 6000, 14000, 45000]
RANDOM_SERVER_PORTS = list(range(35000, 44000))
DNS_NAMES = ["www", "mail", "api", "cdn", "login", "static", "files", "intranet", "vpn", "time"]
DNS_DOMAINS = ["example.test", "corp.example", "exmta.test", "mta.example.org"]


def gen_mixed(path, target):
    rng = random.Random(0x6D6978)
    w = Writer(path)
    pool = rng.randbytes(1 << 22)

    def rnd_payload(n, first=None):
        o = rng.randrange(len(pool) - n)
        b = pool[o:o + n]
        if first is not None:
            b = first + b[len(first):]
        return Seg(b)

    clients = [Host("10.%d.%d.%d" % (1 + i // 62500, (i // 250) % 250 + 1, i % 250 + 1),
                    None, rng.randrange(65536), ttl=64) for i in range(2000)]
    for h in clients:
        h.mac = mac_for(h.ipb)
    servers = [Host("198.51.%d.%d" % (100 + i // 250, i % 250 + 1), None, rng.randrange(65536))
               for i in range(300)]
    for h in servers:
        h.mac = mac_for(h.ipb)
    dns_server = Host("192.0.2.53", mac_for(ip4("192.0.2.53")), 0x3000, ttl=64)
    next_cport = {}

    def cport_of(h):
        p = next_cport.get(h.ip, CLIENT_PORT_LO + rng.randrange(4000))
        p = unregistered_client_port(p)
        next_cport[h.ip] = CLIENT_PORT_LO if p >= CLIENT_PORT_HI else p + 1
        return p

    # HTTP templates
    http = []
    for k, size in enumerate(HTTP_SIZES * 2):
        path_ = "/app/%d/resource-%d.html" % (k, size)
        req = ("GET %s HTTP/1.1\r\nHost: www%d.example.test\r\nUser-Agent: Mozilla/5.0 (exmta bench)\r\n"
               "Accept: text/html,*/*\r\nAccept-Encoding: identity\r\nConnection: close\r\n\r\n"
               % (path_, k)).encode()
        body = (x4.body_text(size) if size else "").encode()
        status = "200 OK" if size else "304 Not Modified"
        resp = ("HTTP/1.1 %s\r\nServer: exmta-bench/1.0\r\nContent-Type: text/html\r\n"
                "Content-Length: %d\r\nConnection: close\r\n\r\n" % (status, len(body))).encode() + body
        http.append((segments(req), segments(resp)))

    def http_session():
        c, s = rng.choice(clients), rng.choice(servers)
        f = Flow(w, c, s, cport_of(c), rng.choice((80, 80, 80, 8080)), rng.getrandbits(32), rng.getrandbits(32))
        req, resp = rng.choice(http)
        f.handshake(dt=rng.randrange(50, 3000))
        yield
        yield from send(f, True, req, dt=150)
        yield from send(f, False, resp, dt=rng.randrange(300, 20000))
        f.close(False, dt=200)
        yield

    # DNS templates (UDP 53)
    dns = []
    for k in range(len(DNS_NAMES) * len(DNS_DOMAINS)):
        label = DNS_NAMES[k % len(DNS_NAMES)]
        domain = DNS_DOMAINS[k // len(DNS_NAMES)]
        qname = b"".join(bytes([len(p)]) + p.encode() for p in (label + "." + domain).split(".")) + b"\x00"
        question = qname + struct.pack(">HH", 1, 1)
        nans = 1 + k % 3
        answers = b"".join(b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 300, 4) + bytes([203, 0, 113, 1 + (k * 3 + j) % 250])
                           for j in range(nans))
        dns.append((question, nans, answers))

    def dns_exchange():
        c = rng.choice(clients)
        question, nans, answers = rng.choice(dns)
        txid = rng.randrange(65536)
        sport = unregistered_client_port(rng.randrange(CLIENT_PORT_LO, CLIENT_PORT_HI + 1))
        q = struct.pack(">HHHHHH", txid, 0x0100, 1, 0, 0, 0) + question
        r = struct.pack(">HHHHHH", txid, 0x8180, 1, nans, 0, 0) + question + answers
        udp(w, c, dns_server, sport, 53, Seg(q), rng.randrange(50, 3000))
        yield
        udp(w, dns_server, c, 53, sport, Seg(r), rng.randrange(200, 9000))
        yield

    def random_udp():
        c, s = rng.choice(clients), rng.choice(servers)
        for _ in range(rng.randrange(1, 4)):
            udp(w, c, s, unregistered_client_port(rng.randrange(CLIENT_PORT_LO, CLIENT_PORT_HI + 1)),
                rng.choice(RANDOM_SERVER_PORTS), rnd_payload(rng.randrange(20, 600)), rng.randrange(50, 2000))
            yield

    def random_tcp():
        c, s = rng.choice(clients), rng.choice(servers)
        f = Flow(w, c, s, cport_of(c), rng.choice(RANDOM_SERVER_PORTS), rng.getrandbits(32), rng.getrandbits(32))
        kind = rng.random()
        if kind < 0.0625:
            first = lambda n: b"\x03\x00" + struct.pack(">H", n)   # noqa: E731  TPKT-looking, length matches
        elif kind < 0.125:
            first = lambda n: b"\x03"                              # noqa: E731  starts with 0x03
        else:
            first = lambda n: None                                 # noqa: E731
        f.handshake(dt=rng.randrange(50, 3000))
        yield
        for _ in range(rng.randrange(1, 8)):
            for from_client, nseg in ((True, rng.randrange(1, 3)), (False, rng.randrange(1, 6))):
                segs = []
                for _ in range(nseg):
                    n = MSS if rng.random() < 0.4 else rng.randrange(7, MSS)
                    segs.append(rnd_payload(n, first(n)))
                yield from send(f, from_client, segs, dt=rng.randrange(100, 5000))
            f.pkt(True, ACK, dt=200)
            yield
        f.close(True, dt=300)
        yield

    # MTA sessions: five on 102 and one on 10102 (heuristic), at fixed points
    x400 = X400Templates([4000, 30000, 10000])
    mta_host_a = Host("192.0.2.10", bytes.fromhex("02000000000a"), 0x1a00)
    mta_host_b = Host("192.0.2.20", bytes.fromhex("020000000014"), 0x5b00)
    mta_at = [(int(target * p), port) for p, port in
              ((0.10, 102), (0.30, 102), (0.50, 102), (0.60, 10102), (0.70, 102), (0.90, 102))]

    def mta_session(port):
        f = Flow(w, mta_host_a, mta_host_b, 49700 + len(mta_at), port, rng.getrandbits(32), rng.getrandbits(32))
        return x400_session(f, x400, [0, 1, 2])

    kinds = [http_session] * 30 + [dns_exchange] * 40 + [random_tcp] * 22 + [random_udp] * 8

    def new_session():
        if mta_at and w.n >= mta_at[0][0]:
            return mta_session(mta_at.pop(0)[1])
        return rng.choice(kinds)()

    run_sessions(w, rng, new_session, target, concurrency=8)
    while mta_at:                                  # only if target was tiny
        run_sessions(w, rng, lambda: mta_session(mta_at.pop(0)[1]) if mta_at else None, 0, 1)
    w.close()
    return w.n


# ---------------------------------------------------------------------------
# 2. rfc1006-heavy.pcap
# ---------------------------------------------------------------------------

X400_SIZES = [1500, 6000, 20000, 60000, 150000]
X400_WEIGHTS = [30, 30, 22, 13, 5]
X400_MSGS = (20, 81)            # messages per association (MTAs keep them open)


def gen_rfc1006(path, target):
    rng = random.Random(0x1006)
    w = Writer(path)
    t = X400Templates(X400_SIZES)
    pairs = []
    for i in range(64):
        a = Host("10.102.%d.%d" % (i // 8, 10 + i % 8), None, rng.randrange(65536))
        b = Host("10.102.%d.%d" % (100 + i // 8, 20 + i % 8), None, rng.randrange(65536))
        a.mac, b.mac = mac_for(a.ipb), mac_for(b.ipb)
        pairs.append((a, b))
    cport = [CLIENT_PORT_LO + 37 * i for i in range(len(pairs))]
    ids = list(range(len(X400_SIZES)))

    def new_session():
        i = rng.randrange(len(pairs))
        a, b = pairs[i]
        if rng.random() < 0.5:          # either MTA may initiate
            a, b = b, a
        cport[i] = unregistered_client_port(cport[i] + 1 if cport[i] < CLIENT_PORT_HI else CLIENT_PORT_LO)
        f = Flow(w, a, b, cport[i], 102, rng.getrandbits(32), rng.getrandbits(32))
        msgs = rng.choices(ids, X400_WEIGHTS, k=rng.randrange(X400_MSGS[0], X400_MSGS[1]))
        return x400_session(f, t, msgs)

    run_sessions(w, rng, new_session, target, concurrency=4)
    w.close()
    return w.n


# ---------------------------------------------------------------------------
# 3. epm-heavy.pcap
# ---------------------------------------------------------------------------

SAMPLE_EPM = os.path.join(REPO, "sample-pcaps", "rpc-epm-lookup-bind.pcap")
MTA_UUID_LE = bytes.fromhex("30e88e9e5944ce11979b00aa005ffebe")      # 9e8ee830-4459-11ce-979b-00aa005ffebe
QADMIN_UUID_LE = bytes.fromhex("724ea938bca9d2118faf00c04fa378ff")   # 38a94e72-a9bc-11d2-8faf-00c04fa378ff
IFACES = {"mta": (MTA_UUID_LE, 2), "qadmin": (QADMIN_UUID_LE, 1)}


def read_pcap_payloads(path):
    """TCP payloads of every frame (Ethernet/IPv4/TCP), by frame number."""
    return {n: pcapfile.tcp_payload(rec[2])[2] for n, rec in enumerate(pcapfile.read(path)[1], 1)}


class EpmTemplates:
    def __init__(self):
        p = read_pcap_payloads(SAMPLE_EPM)
        for k, ptype in ((4, 11), (6, 12), (8, 0), (9, 2), (16, 11), (18, 12), (20, 0), (21, 2), (22, 0), (23, 2)):
            assert p[k][:3] == bytes([5, 0, ptype]), "unexpected PDU in frame %d of %s" % (k, SAMPLE_EPM)
        self.epm_bind, self.epm_bind_ack = Seg(p[4]), Seg(p[6])
        self.map_req, self.map_resp = p[8], p[9]
        self.sess_bind, self.sess_bind_ack = p[16], p[18]
        self.calls = [(p[20], p[21]), (p[22], p[23])]
        # where the varying fields are
        self.req_if = self.map_req.index(MTA_UUID_LE + b"\x02\x00")
        self.resp_if = self.map_resp.index(MTA_UUID_LE + b"\x02\x00")
        self.resp_port = self.map_resp.index(b"\x01\x00\x07\x02\x00\x04\x08") + 5     # floor 4: TCP 1032
        self.resp_ip = self.map_resp.index(b"\x01\x00\x09\x04\x00", self.resp_port) + 5  # floor 5: IP
        self.bind_if = self.sess_bind.index(MTA_UUID_LE + b"\x02\x00")
        assert self.sess_bind_ack[24:31] == b"\x05\x001032\x00"
        self._cache = {}

    @staticmethod
    def with_call_id(pdu, call_id):
        return pdu[:12] + struct.pack("<I", call_id) + pdu[16:]

    @staticmethod
    def put(pdu, off, b):
        return pdu[:off] + b + pdu[off + len(b):]

    def map_request(self, iface, call_id):
        key = ("req", iface, call_id)
        if key not in self._cache:
            uuid, major = IFACES[iface]
            r = self.put(self.map_req, self.req_if, uuid + struct.pack("<H", major))
            self._cache[key] = Seg(self.with_call_id(r, call_id))
        return self._cache[key]

    def map_response(self, iface, call_id, port, ipb):
        uuid, major = IFACES[iface]
        r = self.put(self.map_resp, self.resp_if, uuid + struct.pack("<H", major))
        r = self.put(r, self.resp_port, struct.pack(">H", port))
        r = self.put(r, self.resp_ip, ipb)
        return Seg(self.with_call_id(r, call_id))

    def bind(self, iface):
        key = ("bind", iface)
        if key not in self._cache:
            uuid, major = IFACES[iface]
            self._cache[key] = Seg(self.put(self.sess_bind, self.bind_if, uuid + struct.pack("<H", major)))
        return self._cache[key]

    def bind_ack(self, port):
        a = self.sess_bind_ack
        assert 10000 <= port <= 65535
        # secondary address "NNNNN\0" (6 octets) fills the 5 + 1 pad of "1032\0"
        return Seg(a[:24] + struct.pack("<H", 6) + b"%d\x00" % port + a[32:])

    def call(self, n, call_id):
        key = ("call", n, call_id)
        if key not in self._cache:
            req, resp = self.calls[n % 2]
            self._cache[key] = (Seg(self.with_call_id(req, call_id)), Seg(self.with_call_id(resp, call_id)))
        return self._cache[key]


def gen_epm(path, target, sidecar):
    rng = random.Random(0x135)
    w = Writer(path)
    t = EpmTemplates()
    clients = [Host("172.16.%d.%d" % (i // 250, i % 250 + 1), None, rng.randrange(65536), ttl=128)
               for i in range(500)]
    for h in clients:
        h.mac = mac_for(h.ipb)
    cport = {h.ip: CLIENT_PORT_LO + rng.randrange(8000) for h in clients}
    servers = []            # (Host, {"mta": port, "qadmin": port}, tower ip is 0.0.0.0)
    learned = set()
    side = open(sidecar + ".part", "w")
    side.write("# frame\tip\tport\tinterface  (first ept_map response announcing this endpoint)\n")

    def next_cport(h):
        p = unregistered_client_port(cport[h.ip])
        cport[h.ip] = CLIENT_PORT_LO if p >= CLIENT_PORT_HI else p + 1
        return p

    def dyn_port():
        return unregistered_client_port(rng.randrange(CLIENT_PORT_LO, CLIENT_PORT_HI + 1))

    def new_server():
        i = len(servers)
        h = Host("10.%d.%d.%d" % (20 + i // 62500, (i // 250) % 250 + 1, i % 250 + 1), None,
                 rng.randrange(65536))
        h.mac = mac_for(h.ipb)
        ports = {"mta": dyn_port(), "qadmin": dyn_port()}
        while ports["qadmin"] == ports["mta"]:
            ports["qadmin"] = dyn_port()
        servers.append((h, ports, rng.random() < 0.5))
        return servers[-1]

    def rpc_session(c, s, iface, port):
        f = Flow(w, c, s, next_cport(c), port, rng.getrandbits(32), rng.getrandbits(32), rtt=300)
        f.handshake(dt=rng.randrange(200, 5000))
        yield
        f.pkt(True, ACK | PSH, t.bind(iface), dt=600)
        yield
        f.pkt(False, ACK, dt=20)
        yield
        f.pkt(False, ACK | PSH, t.bind_ack(port), dt=3000)
        yield
        f.pkt(True, ACK, dt=20)
        yield
        for n in range(rng.randrange(2, 7)):
            req, resp = t.call(n, n + 1)
            f.pkt(True, ACK | PSH, req, dt=rng.randrange(500, 3000))
            yield
            f.pkt(False, ACK | PSH, resp, dt=rng.randrange(1000, 4000))
            yield
        f.close(True, dt=800)
        yield

    def lookup_then_sessions():
        phase1 = w.n < target // 2
        c = rng.choice(clients)
        h, ports, zero_ip = new_server() if phase1 else rng.choice(servers)
        f = Flow(w, c, h, next_cport(c), 135, rng.getrandbits(32), rng.getrandbits(32), rtt=300)
        f.handshake(dt=rng.randrange(200, 5000))
        yield
        f.pkt(True, ACK | PSH, t.epm_bind, dt=700)
        yield
        f.pkt(False, ACK, dt=20)
        yield
        f.pkt(False, ACK | PSH, t.epm_bind_ack, dt=2800)
        yield
        f.pkt(True, ACK, dt=20)
        yield
        for call_id, iface in ((1, "mta"), (2, "qadmin")):
            f.pkt(True, ACK | PSH, t.map_request(iface, call_id), dt=2300)
            yield
            port = ports[iface]
            f.pkt(False, ACK | PSH, t.map_response(iface, call_id, port, b"\0\0\0\0" if zero_ip else h.ipb),
                  dt=4400)
            if (h.ip, port) not in learned:
                learned.add((h.ip, port))
                side.write("%d\t%s\t%d\t%s\n" % (w.n, h.ip, port, iface))
            yield
        f.close(True, dt=1800)
        yield
        yield from rpc_session(c, h, "mta", ports["mta"])
        if rng.random() < 0.7:
            yield from rpc_session(c, h, "qadmin", ports["qadmin"])
        if rng.random() < 0.1:                     # a dynamic port nobody looked up
            yield from rpc_session(c, h, "mta", dyn_port())

    run_sessions(w, rng, lookup_then_sessions, target, concurrency=6)
    w.close()
    side.close()
    os.chmod(sidecar + ".part", 0o644)
    os.replace(sidecar + ".part", sidecar)
    return w.n, len(learned)


# ---------------------------------------------------------------------------
# 4. x400-heavy.pcap
# ---------------------------------------------------------------------------

X400H_SIZES = [300, 700, 1500, 4000, 12000]      # P22 body octets of a message
X400H_SIZE_WEIGHTS = [30, 35, 20, 10, 5]
X400H_GIVEN = ["Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy",
               "Mallory", "Niaj", "Olivia", "Peggy", "Rupert", "Sybil"]
X400H_PCI_IDS = range(1, 128, 2)        # odd (initiator's), one octet: stock 4.0 loses P1 above 127

# What an association turns out to be: (name, weight). Refusals, aborts and
# the reset end the TCP connection; "monologue" and "twa" are released, with
# the transport kept when another association follows on the connection.
X400H_KINDS = [("monologue", 700), ("twa", 220),
               ("refused-session", 8), ("refused-presentation", 8), ("refused-acse", 8),
               ("refused-rtse-busy", 8), ("refused-rtse-dialogue", 6), ("refused-p1", 8),
               ("abort-user", 10), ("abort-provider", 10), ("reset", 8)]
X400H_COTP_DR = 0.03                    # connections whose CR is answered by a COTP DR


class Mta:
    __slots__ = ("host", "name", "password", "prmd", "site", "people", "n")

    def __init__(self, host, n, rng):
        self.host, self.n = host, n
        self.name = "EXCH-MTA-%02d" % n
        self.password = "tr4nsfer-%02d" % n
        self.prmd = "EXMTA-%02d" % n
        self.site = "SITE-%02d" % n
        self.people = [("User%02d" % n, g, self.site) for g in rng.sample(X400H_GIVEN, 8)]


class PciContext:
    """Presentation context identifiers of one TCP connection.

    tools/gen_x400_pcaps.py's layer functions take the identifiers of the
    ACSE, RTSE and MTSE contexts from its module constants PCI_ACSE,
    PCI_RTSE and PCI_MTSE; with this, every PDU of a connection is built
    with that connection's own three identifiers. Stock 4.0 keys its
    presentation context table by identifier alone (hash = ctx_id, then a
    walk comparing the conversation), so thousands of connections all
    proposing 1/3/5 would make stock quadratic in connections and drown what
    the plugin costs (see rfc1006-heavy); 3 of 64 odd identifiers per
    connection, and many associations per connection, keep those walks
    short. Identifiers above 127 are not an option: stock 4.0 then decodes
    the P1 bind in most connections as a zero-byte PDU."""

    def __init__(self, ids):
        self.ids = tuple(ids)
        self.saved = []

    def __enter__(self):                   # nests: the constants come back on the way out
        self.saved.append((x4.PCI_ACSE, x4.PCI_RTSE, x4.PCI_MTSE))
        x4.PCI_ACSE, x4.PCI_RTSE, x4.PCI_MTSE = self.ids
        return self

    def __exit__(self, *exc):
        x4.PCI_ACSE, x4.PCI_RTSE, x4.PCI_MTSE = self.saved.pop()
        return False


def gen_x400_heavy(path, target, sidecar):
    rng = random.Random(0x400)
    w = Writer(path)
    zr = x4.zero_reserved()

    def st(tsdu):
        return segments(x4.tsdu_stream(tsdu, zr))

    cr = Seg(x4.tpkt(x4.cotp_cr(x4.CLIENT_REF)))
    cc = Seg(x4.tpkt(x4.cotp_cc(x4.CLIENT_REF, x4.SERVER_REF)))
    cr_bad = Seg(x4.tpkt(x4.cotp_cr(x4.CLIENT_REF, called=b"NO-SUCH-TSAP")))
    dr = Seg(x4.tpkt(x4.cotp_dr(x4.CLIENT_REF, 0x0000, x4.COTP_DR_ADDRESS_UNKNOWN)))
    contents = [x4.p22_ipm(x4.body_text(size), "exmta x400-heavy message (%d octets)" % size)
                for size in X400H_SIZES]
    big = len(X400H_SIZES) - 1             # the one a reset cuts (several segments)

    mtas = []
    for i in range(48):
        h = Host("10.104.%d.%d" % (i // 16, 10 + i % 16), None, rng.randrange(65536))
        h.mac = mac_for(h.ipb)
        mtas.append(Mta(h, i, rng))
    pairs = []
    while len(pairs) < 160:
        a, b = rng.sample(mtas, 2)
        if (a, b) not in pairs and (b, a) not in pairs:
            pairs.append((a, b))
    cport = {m.n: CLIENT_PORT_LO + 331 * m.n for m in mtas}
    kinds, weights = zip(*X400H_KINDS)
    pending = {}                 # (from, to) -> ids of transfers from -> to not reported on yet
    stats = {"connections": 0, "associations": 0, "messages": 0, "probes": 0, "reports": 0}
    outcomes = {}
    seq = {"msg": 0}
    side = open(sidecar + ".part", "w")
    side.write("# frame\tinitiator\tresponder\toutcome\ttransfers  (one line per association; frame = its "
               "session CONNECT, or the COTP CR answered by DR)\n")

    def next_cport(m):
        p = unregistered_client_port(cport[m.n])
        cport[m.n] = CLIENT_PORT_LO if p >= CLIENT_PORT_HI else p + 1
        return p

    def new_message(src, dst, probe=False):
        """A P1 message or probe from src to dst: (id, recipients, MTS-APDU)."""
        seq["msg"] += 1
        local = "%s-%s-%07d" % ("PRB" if probe else "MSG", src.name[-2:], seq["msg"])
        orig = rng.choice(src.people)
        recips = rng.sample(dst.people, rng.choice((1, 1, 1, 2, 2, 3, 4)))
        if probe:
            apdu = x4.p1_probe(local, orig, recips, rng.choice((1024, 4096, 20000)), prmd=src.prmd)
        else:
            apdu = x4.p1_message_to(local, orig, recips, contents[rng.choices(range(len(contents)),
                                                                             X400H_SIZE_WEIGHTS)[0]],
                                    prmd=src.prmd, priority=rng.choice((None, None, 0, 1, 2)),
                                    content_id=rng.choice((None, "c-%d" % seq["msg"])))
        return local, orig, recips, apdu

    def new_report(src, dst, subject):
        """A report from src to dst on a transfer dst sent to src earlier."""
        local, orig, recips = subject
        seq["msg"] += 1
        per = []
        for k, r in enumerate(recips, 1):
            if rng.random() < 0.15:
                per.append(x4.report_non_delivered(k, r, x4.NDR_UNABLE_TO_TRANSFER, x4.NDR_DIAG_UNRECOGNISED_OR_NAME,
                                                   rng.choice((None, "no such mailbox at %s" % src.site))))
            else:
                per.append(x4.report_delivered(k, r))
        return x4.p1_report("REP-%s-%07d" % (src.name[-2:], seq["msg"]), orig, local, dst.prmd, per,
                            prmd=src.prmd)

    def bind_request(a, pci, dialogue=x4.RTSE_MONOLOGUE, called_ssel=x4.CALLED_SSEL,
                     called_psel=x4.CALLED_PSEL, context=x4.OID_AC_MTS_TRANSFER):
        with pci:
            rtorq = x4.rtse_rtorq(x4.ros_bind_invoke(x4.p1_bind_argument(a.name, a.password)), dialogue)
            return st(x4.ses_cn(x4.pres_cp(x4.acse_aarq(x4.association_info(x4.PCI_RTSE, rtorq), context),
                                           x4.CALLING_PSEL, called_psel),
                                calling_ssel=x4.CALLING_SSEL, called_ssel=called_ssel))

    def bind_accept(b, pci):
        with pci:
            rtoac = x4.rtse_rtoac(x4.ros_bind_result(x4.p1_bind_result(b.name, b.password)))
            return st(x4.ses_ac(x4.pres_cpa(x4.acse_aare(x4.association_info(x4.PCI_RTSE, rtoac), accepted=True))))

    def refusal(kind, a, pci):
        """(request, answer) of a refused association."""
        with pci:
            if kind == "refused-session":
                return bind_request(a, pci, called_ssel=b"S-X"), st(x4.ses_rf(b"", reason=x4.SES_RF_SSEL_UNKNOWN))
            if kind == "refused-presentation":
                return (bind_request(a, pci, called_psel=b"P-X"),
                        st(x4.ses_rf(x4.pres_cpr_provider(x4.PRES_PROVIDER_CALLED_ADDRESS_UNKNOWN))))
            if kind == "refused-acse":
                return (bind_request(a, pci, context=x4.OID_AC_MTS_ACCESS_94),
                        st(x4.refuse_acse_tsdu(x4.ACSE_REJECTED_PERMANENT, x4.ACSE_DIAG_CONTEXT_NOT_SUPPORTED)))
            if kind == "refused-rtse-busy":
                return (bind_request(a, pci),
                        st(x4.refuse_acse_tsdu(x4.ACSE_REJECTED_TRANSIENT, x4.ACSE_DIAG_NO_REASON,
                                               x4.rtse_rtorj(None, x4.RTSE_REFUSE_BUSY))))
            if kind == "refused-rtse-dialogue":
                return (bind_request(a, pci, dialogue=x4.RTSE_TWA),
                        st(x4.refuse_acse_tsdu(x4.ACSE_REJECTED_PERMANENT, x4.ACSE_DIAG_NO_REASON,
                                               x4.rtse_rtorj(None, x4.RTSE_REFUSE_DIALOGUE_MODE))))
            assert kind == "refused-p1"
            return bind_request(a, pci), st(x4.bind_refuse_tsdu())

    def transfer(f, from_client, pci, apdu, n):
        """AS, DT, AE from the sender, AEA from the receiver (serial n)."""
        with pci:
            start, data, end = x4.message_tsdus(apdu, b"%04d" % n, b"%d" % n)
            start, data, end, ack = st(start), st(data), st(end), st(x4.ses_aea(b"%d" % n))
        yield from send(f, from_client, start, dt=rng.randrange(300, 3000))
        # stock 4.0 leaves many P1 transfers undecoded (no P1 in the MAP
        # frame; 40 % of them with 8 connections interleaved frame by frame)
        # when another connection's frames come between a transfer's S-DATA
        # and its MAP: those frames are written back to back
        for _ in send(f, from_client, data, dt=200):
            pass
        for _ in send(f, from_client, end, dt=80):
            pass
        yield
        yield from send(f, not from_client, ack, dt=rng.randrange(1500, 5000))

    def outgoing(src, dst, k):
        """k transfers src -> dst: reports on what dst sent src first, then messages and probes."""
        todo = pending.get((dst, src))
        out = []
        while todo and len(out) < k and rng.random() < 0.8:
            out.append(("report", todo.pop(0)))
        while len(out) < k:
            out.append(("probe" if rng.random() < 0.12 else "message", None))
        return out

    def do_transfers(f, from_client, src, dst, pci, plan, serial, done):
        for what, subject in plan:
            if what == "report":
                apdu = new_report(src, dst, subject)
                rec = None
            else:
                local, orig, recips, apdu = new_message(src, dst, probe=what == "probe")
                rec = (local, orig, recips)
            serial[0] += 1
            yield from transfer(f, from_client, pci, apdu, serial[0])
            stats[what + "s"] += 1
            done[0] += 1
            if rec and rng.random() < 0.7:           # dst will report on it
                q = pending.setdefault((src, dst), [])
                q.append(rec)
                del q[:-64]

    def association(f, a, b, pci, kind, last):
        """One association a -> b on flow f; returns (outcome, transfers) via the list it yields into."""
        done = [0]
        serial = [0]
        if kind.startswith("refused"):
            req, ans = refusal(kind, a, pci)
            yield from send(f, True, req, dt=rng.randrange(200, 6000))
            yield from send(f, False, ans, dt=rng.randrange(1500, 4000))
            f.close(True, dt=350)
            yield
            return done[0]
        twa = kind == "twa"
        yield from send(f, True, bind_request(a, pci, dialogue=x4.RTSE_TWA if twa else x4.RTSE_MONOLOGUE),
                        dt=rng.randrange(200, 6000))
        yield from send(f, False, bind_accept(b, pci), dt=rng.randrange(1500, 4000))
        if kind == "abort-user":
            _, _, _, apdu = new_message(a, b)
            with pci:
                start, data, _ = x4.message_tsdus(apdu, b"0001", b"1")
                start, data = st(start), st(data)
                abrt = st(x4.ses_ab(x4.pres_aru(x4.acse_abrt(
                    x4.ACSE_ABRT_SOURCE_USER,
                    x4.association_info(x4.PCI_RTSE, x4.rtse_rtab(x4.RTSE_ABORT_PERMANENT))))))
            yield from send(f, True, start, dt=1200)
            yield from send(f, True, data, dt=200)
            yield from send(f, False, abrt, dt=2200)
            f.close(False, dt=300)
            yield
            return done[0]
        if kind == "reset":
            with pci:
                seq["msg"] += 1
                apdu = x4.p1_message_to("MSG-%s-%07d" % (a.name[-2:], seq["msg"]), rng.choice(a.people),
                                        rng.sample(b.people, 2), contents[big], prmd=a.prmd)
                start, data, _ = x4.message_tsdus(apdu, b"0001", b"1")
                start, data = st(start), st(data)
            yield from send(f, True, start, dt=1200)
            yield from send(f, True, data[:2], dt=200)
            f.pkt(False, RST | ACK, dt=900)
            yield
            return done[0]
        k = rng.choice((1, 2, 3, 4, 5, 6, 8, 10))
        yield from do_transfers(f, True, a, b, pci, outgoing(a, b, k), serial, done)
        if twa:
            # b asks for the turn (PT + RTTP), a gives the tokens; b reports
            # on what a just sent and may send its own; b gives the turn back
            # and a reports on those
            with pci:
                pt = st(x4.ses_pt_data(x4.pres_user_data(x4.PCI_RTSE, x4.rtse_rttp(0))))
                gt = st(x4.ses_gt())
            yield from send(f, False, pt, dt=500)
            yield from send(f, True, gt, dt=300)
            yield from do_transfers(f, False, b, a, pci, outgoing(b, a, rng.choice((1, 2, 3))), serial, done)
            yield from send(f, False, gt, dt=300)
            if pending.get((b, a)) and rng.random() < 0.8:
                yield from do_transfers(f, True, a, b, pci, [("report", pending[(b, a)].pop(0))], serial, done)
        if kind == "abort-provider":
            with pci:
                ab = st(x4.ses_ab(x4.pres_arp(x4.PRES_ABORT_UNEXPECTED_PPDU, x4.PRES_EVENT_TD_PPDU)))
            yield from send(f, False, ab, dt=2200)
            f.close(False, dt=300)
            yield
            return done[0]
        with pci:
            fn = st(x4.ses_fn(x4.pres_user_data(x4.PCI_ACSE, x4.acse_rlrq()),
                              x4.SES_TD_RELEASED if last else x4.SES_TD_KEPT))
            dn = st(x4.release_response_tsdu())
        yield from send(f, True, fn, dt=900)
        yield from send(f, False, dn, dt=700)
        if last:
            f.close(True, dt=250)
            yield
        return done[0]

    def connection():
        a, b = rng.choice(pairs)
        if rng.random() < 0.5:                 # either MTA may initiate
            a, b = b, a
        pci = PciContext(rng.sample(X400H_PCI_IDS, 3))
        stats["connections"] += 1
        f = Flow(w, a.host, b.host, next_cport(a), 102, rng.getrandbits(32), rng.getrandbits(32))
        f.handshake(dt=rng.randrange(100, 4000))
        yield
        if rng.random() < X400H_COTP_DR:
            f.pkt(True, ACK | PSH, cr_bad, dt=120)
            side.write("%d\t%s\t%s\tcotp-dr\t0\n" % (w.n, a.host.ip, b.host.ip))
            outcomes["cotp-dr"] = outcomes.get("cotp-dr", 0) + 1
            yield
            f.pkt(False, ACK | PSH, dr, dt=1500)
            yield
            f.close(False, dt=200)
            yield
            return
        f.pkt(True, ACK | PSH, cr, dt=120)
        yield
        f.pkt(False, ACK | PSH, cc, dt=2100)
        yield
        n = rng.randrange(1, 25)               # unless a refusal, an abort or a reset ends it first
        for i in range(n):
            kind = rng.choices(kinds, weights)[0]
            last = i == n - 1 or kind not in ("monologue", "twa")
            frame = w.n + 1
            stats["associations"] += 1
            transfers = yield from association(f, a, b, pci, kind, last)
            outcome = kind if kind not in ("monologue", "twa") else kind + ("-released" if last else "-kept")
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            side.write("%d\t%s\t%s\t%s\t%d\n" % (frame, a.host.ip, b.host.ip, outcome, transfers))
            if last:
                return

    run_sessions(w, rng, connection, target, concurrency=8)
    w.close()
    side.close()
    os.chmod(sidecar + ".part", 0o644)
    os.replace(sidecar + ".part", sidecar)
    summary = ", ".join("%d %s" % (v, k) for k, v in stats.items())
    summary += "; associations: " + ", ".join("%d %s" % (outcomes[k], k) for k in sorted(outcomes))
    return w.n, summary


# ---------------------------------------------------------------------------

def main(argv):
    args = argv[1:]
    outdir, only, target = DEFAULT_OUT, None, DEFAULT_FRAMES
    while args:
        a = args.pop(0)
        if a == "--only":
            only = set(args.pop(0).split(","))
        elif a == "--frames":
            target = int(args.pop(0))
        elif a.startswith("-"):
            sys.stderr.write(__doc__)
            return 2
        else:
            outdir = a
    os.makedirs(outdir, exist_ok=True)
    os.chmod(outdir, 0o755)
    jobs = [("mixed", lambda p: gen_mixed(p, target)),
            ("rfc1006-heavy", lambda p: gen_rfc1006(p, target)),
            ("epm-heavy", lambda p: gen_epm(p, target, os.path.join(outdir, "epm-heavy.endpoints.tsv"))),
            ("x400-heavy", lambda p: gen_x400_heavy(p, target, os.path.join(outdir, "x400-heavy.associations.tsv")))]
    for name, fn in jobs:
        if only and name not in only:
            continue
        t0 = time.time()
        res = fn(os.path.join(outdir, name + ".pcap"))
        extra = ""
        if isinstance(res, tuple):
            res, more = res
            extra = ", %d distinct endpoints" % more if isinstance(more, int) else ", " + more
        print("%s.pcap: %d frames%s, %.1f s" % (name, res, extra, time.time() - t0), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
