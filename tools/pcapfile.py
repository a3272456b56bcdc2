"""Classic libpcap files and the Ethernet/IPv4/TCP/UDP frames in them.

The one pcap writer (and reader) of exmta's generators, tests and benchmark:
tools/gen_x400_pcaps.py, tools/gen_nearmiss.py, bench/gen_workloads.py,
tests/integration/exmta_it.py and tests/robustness/hostile.py. Standard
library only.

Files are written as every exmta capture is: little-endian, version 2.4,
microsecond timestamps, thiszone 0, sigfigs 0, snaplen 65535 unless told.
Records are (seconds, microseconds, frame bytes, original length).
"""
import gzip
import struct

MAGIC = 0xA1B2C3D4
LINKTYPE_ETHERNET = 1
SNAPLEN = 65535

_HEADER = struct.Struct("<IHHiIII")
_RECORD = struct.Struct("<IIII")


def header(linktype=LINKTYPE_ETHERNET, snaplen=SNAPLEN):
    """The 24-octet global header."""
    return _HEADER.pack(MAGIC, 2, 4, 0, 0, snaplen, linktype)


class Writer:
    """Writes a pcap to path as records come (nothing is held in memory).

    with Writer(path) as w:
        w.write(sec, usec, frame)              # original length = len(frame)
        w.write_us(microseconds, frame)
    """

    def __init__(self, path, linktype=LINKTYPE_ETHERNET, snaplen=SNAPLEN, buffering=-1):
        self.path = path
        self.count = 0
        self._f = open(path, "wb", buffering=buffering)
        self._f.write(header(linktype, snaplen))

    def write(self, sec, usec, data, orig=None):
        self._f.write(_RECORD.pack(sec, usec, len(data), len(data) if orig is None else orig))
        self._f.write(data)
        self.count += 1

    def write_us(self, t_us, data):
        """A record whose time is microseconds since the epoch."""
        self.write(t_us // 1000000, t_us % 1000000, data)

    def close(self):
        self._f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def write(path, records, linktype=LINKTYPE_ETHERNET, snaplen=SNAPLEN):
    """A whole pcap from records (sec, usec, data, orig); returns path."""
    with Writer(path, linktype, snaplen) as w:
        for sec, usec, data, orig in records:
            w.write(sec, usec, data, orig)
    return path


def read(path):
    """(link type, [(sec, usec, data, orig), ...]) of a classic pcap of
    either byte order, gzip-compressed when path ends in .gz."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic == b"\xd4\xc3\xb2\xa1":
        endian = "<"
    elif magic == b"\xa1\xb2\xc3\xd4":
        endian = ">"
    else:
        raise ValueError("%s: not a classic pcap" % path)
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    rec = struct.Struct(endian + "IIII")
    off = 24
    records = []
    while off + 16 <= len(data):
        sec, usec, incl, orig = rec.unpack_from(data, off)
        records.append((sec, usec, data[off + 16:off + 16 + incl], orig))
        off += 16 + incl
    return linktype, records


# ---- frames: Ethernet / IPv4 / TCP / UDP with right checksums ----

FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10
_IPV4 = struct.Struct(">BBHHHBBH4s4s")
_TCP = struct.Struct(">HHIIBBHHH")
_UDP = struct.Struct(">HHHH")


def checksum(data):
    """The Internet checksum (RFC 1071) of data."""
    if len(data) % 2:
        data += b"\x00"
    s = sum(struct.unpack(">%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ip4(dotted):
    """'192.0.2.1' -> its 4 octets."""
    return bytes(int(x) for x in dotted.split("."))


def _pseudo(src, dst, proto, length):
    return ip4(src) + ip4(dst) + struct.pack(">BBH", 0, proto, length)


def tcp_segment(src, dst, sport, dport, seq, ack, flags, window, payload=b"", options=b""):
    """A TCP header (with options) and payload; src and dst are the IPv4
    addresses (dotted) of the checksum's pseudo header."""
    hlen = 20 + len(options)
    hdr = _TCP.pack(sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, (hlen // 4) << 4, flags, window, 0,
                    0) + options
    c = checksum(_pseudo(src, dst, 6, hlen + len(payload)) + hdr + payload)
    return hdr[:16] + struct.pack(">H", c) + hdr[18:] + payload


def udp_datagram(src, dst, sport, dport, payload):
    """A UDP header and payload (a computed checksum of 0 is sent as 0xFFFF)."""
    hdr = _UDP.pack(sport, dport, 8 + len(payload), 0)
    c = checksum(_pseudo(src, dst, 17, len(hdr) + len(payload)) + hdr + payload) or 0xFFFF
    return hdr[:6] + struct.pack(">H", c) + payload


def ipv4_packet(src, dst, proto, payload, ip_id=1, ttl=64):
    """An IPv4 header (20 octets, Don't Fragment) and payload."""
    hdr = _IPV4.pack(0x45, 0, 20 + len(payload), ip_id & 0xFFFF, 0x4000, ttl, proto, 0, ip4(src), ip4(dst))
    return hdr[:10] + struct.pack(">H", checksum(hdr)) + hdr[12:] + payload


def ethernet_frame(dst_mac, src_mac, payload, ethertype=0x0800):
    return dst_mac + src_mac + struct.pack(">H", ethertype) + payload


def tcp_payload(raw):
    """(source port, destination port, payload) of an Ethernet/IPv4/TCP frame."""
    t = 14 + (raw[14] & 0x0F) * 4
    sp, dp = struct.unpack(">HH", raw[t:t + 4])
    return sp, dp, raw[t + (raw[t + 12] >> 4) * 4:]
