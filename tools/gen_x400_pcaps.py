#!/usr/bin/python3
"""Deterministic generator for the exmta sample captures.

Writes classic libpcap files (Ethernet, microsecond timestamps) holding
RFC 1006 traffic (TPKT + ISO 8073 COTP class 0 over TCP) between two
X.400 MTAs, plus a few negative / edge-case captures.  Every PDU is built
here from scratch with a tiny BER encoder; nothing is copied from other
captures.  No wall clock, no randomness without a fixed seed: running the
script twice gives byte-identical files.

Usage: gen_x400_pcaps.py [OUTDIR]      (default: <repo>/sample-pcaps)

Layering (bottom-up):
    Capture / Flow (Ethernet+IPv4+TCP via tools/pcapfile.py, seq/ack bookkeeping)
    tpkt()  cotp_cr() cotp_cc() cotp_dr() cotp_dt_tsdu()
    ses_cn() ses_ac() ses_rf() ses_fn() ses_dn() ses_dt() ses_as() ses_ae() ses_aea()
    pres_cp() pres_cpa() pres_cpr() pres_user_data()
    acse_aarq() acse_aare() acse_rlrq() acse_rlre()
    rtse_rtorq() rtse_rtoac() rtse_rtorj() rtse_rttr()
    p1_bind_argument() p1_bind_result() p1_bind_error() p1_message()
    p22_ipm()
"""

import os
import struct
import sys

import pcapfile
from pcapfile import ACK, FIN, PSH, RST, SYN  # noqa: F401  (gen_nearmiss imports them from here)

# ---------------------------------------------------------------------------
# Fixed identities
# ---------------------------------------------------------------------------

CLIENT_IP = "192.0.2.10"       # initiating MTA
SERVER_IP = "192.0.2.20"       # responding MTA
CLIENT_MAC = bytes.fromhex("02000000000a")
SERVER_MAC = bytes.fromhex("020000000014")
INITIATOR_MTA = "EXCH-MTA-A"
RESPONDER_MTA = "EXCH-MTA-B"
INITIATOR_PASSWORD = "tr4nsfer-A"
RESPONDER_PASSWORD = "tr4nsfer-B"
BASE_TIME_US = 1700000000 * 1000000   # 2023-11-14 22:13:20 UTC
UTC_STAMP = "231114221320Z"           # the same instant as UTCTime

CALLING_TSEL = b"MTA-A"
CALLED_TSEL = b"X400"

# OIDs
OID_BER = "2.1.1"
OID_AS_ACSE = "2.2.1.0.1"
OID_AC_MTS_TRANSFER = "2.6.0.1.6"
OID_AS_MTA_RTSE = "2.6.0.2.12"
OID_AS_MTSE = "2.6.0.2.7"

# Presentation context identifiers (odd: proposed by the initiator)
PCI_ACSE = 1
PCI_RTSE = 3
PCI_MTSE = 5


# ---------------------------------------------------------------------------
# Tiny BER encoder: tag, length, value
# ---------------------------------------------------------------------------

def ber_len(n):
    if n < 0x80:
        return bytes([n])
    out = b""
    while n:
        out = bytes([n & 0xFF]) + out
        n >>= 8
    return bytes([0x80 | len(out)]) + out


def tlv(tag, *parts):
    """tag is the complete identifier octet (all tags used here are < 31)."""
    value = b"".join(parts)
    return bytes([tag]) + ber_len(len(value)) + value


# class bits
UNIV, APP, CTX, PRIV = 0x00, 0x40, 0x80, 0xC0
CONS = 0x20


def ctx(n, *parts):            # [n] constructed (explicit or constructed implicit)
    return tlv(CTX | CONS | n, *parts)


def ctxp(n, value):            # [n] IMPLICIT primitive
    return tlv(CTX | n, value)


def app(n, *parts):            # [APPLICATION n] constructed
    return tlv(APP | CONS | n, *parts)


def appp(n, value):            # [APPLICATION n] primitive
    return tlv(APP | n, value)


def priv(n, *parts):           # [PRIVATE n] constructed (unused, kept for completeness)
    return tlv(PRIV | CONS | n, *parts)


def int_bytes(v):
    n = 1
    while True:
        try:
            return v.to_bytes(n, "big", signed=True)
        except OverflowError:
            n += 1


def INT(v, tag=0x02):
    return tlv(tag, int_bytes(v))


def ENUM(v, tag=0x0A):
    return tlv(tag, int_bytes(v))


def OID(dotted, tag=0x06):
    arcs = [int(a) for a in dotted.split(".")]
    first = [40 * arcs[0] + arcs[1]] + arcs[2:]
    out = b""
    for a in first:
        chunk = [a & 0x7F]
        a >>= 7
        while a:
            chunk.insert(0, 0x80 | (a & 0x7F))
            a >>= 7
        out += bytes(chunk)
    return tlv(tag, out)


def BITS(bits, nbits, tag=0x03):
    """bits: list of bit numbers (0 = MSB of first octet) set; nbits: length."""
    nbytes = (nbits + 7) // 8
    buf = bytearray(nbytes)
    for b in bits:
        buf[b // 8] |= 0x80 >> (b % 8)
    return tlv(tag, bytes([nbytes * 8 - nbits]) + bytes(buf))


def OCTETS(b, tag=0x04):
    return tlv(tag, b)


def IA5(s, tag=0x16):
    return tlv(tag, s.encode("ascii"))


def PRINTABLE(s, tag=0x13):
    return tlv(tag, s.encode("ascii"))


def TELETEX(s, tag=0x14):
    return tlv(tag, s.encode("ascii"))


def UTCTIME(s, tag=0x17):
    return tlv(tag, s.encode("ascii"))


def SEQ(*parts):
    return tlv(0x30, *parts)


def SET(*parts):
    return tlv(0x31, *parts)


def EXTERNAL(*parts):
    return tlv(0x28, *parts)


# ---------------------------------------------------------------------------
# X.411 (P1) and X.420 (P22) application data
# ---------------------------------------------------------------------------

def p1_bind_argument(name=INITIATOR_MTA, password=INITIATOR_PASSWORD):
    # MTABindArgument ::= CHOICE { unauthenticated NULL, authenticated [1] SET {
    #   initiator-name [0] MTAName, initiator-credentials [1] Credentials } }
    return ctx(1, ctxp(0, name.encode("ascii")), ctx(1, IA5(password)))


def p1_bind_result(name=RESPONDER_MTA, password=RESPONDER_PASSWORD):
    return ctx(1, ctxp(0, name.encode("ascii")), ctx(1, IA5(password)))


P1_BIND_ERR_AUTHENTICATION = 2


def p1_bind_error(code=P1_BIND_ERR_AUTHENTICATION):
    return INT(code)                    # MTABindError ::= INTEGER


def country(c="XZ"):
    return app(1, PRINTABLE(c))         # CountryName [APPLICATION 1] CHOICE


def admd(a=" "):
    return app(2, PRINTABLE(a))         # AdministrationDomainName [APPLICATION 2] CHOICE


def global_domain_id(prmd="EXMTA"):
    return app(3, country(), admd(), PRINTABLE(prmd))


def or_name(surname, given, ou):
    """ORName [APPLICATION 0] SEQUENCE { built-in-standard-attributes ... }"""
    bisa = SEQ(country(), admd(),
               ctx(2, PRINTABLE("EXMTA")),                   # private-domain-name (CHOICE)
               ctxp(3, b"Example Org"),                      # organization-name
               ctx(5, ctxp(0, surname.encode()), ctxp(1, given.encode())),  # personal-name SET
               ctx(6, PRINTABLE(ou)))                        # organizational-unit-names
    return app(0, bisa)


ORIGINATOR = ("Sender", "Alice", "SITE-A")
RECIPIENT = ("Receiver", "Bob", "SITE-B")


def p22_ipm(body_text, subject):
    this_ipm = app(11, PRINTABLE("IPM-0001-EXMTA"))                  # IPMIdentifier
    originator = ctx(0, or_name(*ORIGINATOR))                        # [0] ORDescriptor SET
    primary = ctx(2, SET(ctx(0, or_name(*RECIPIENT))))               # [2] SEQ OF RecipientSpecifier
    heading = SET(this_ipm, originator, primary, ctx(8, TELETEX(subject)))
    ia5_part = ctx(0, SET(), IA5(body_text))                          # ia5-text [0] IA5TextBodyPart
    body = SEQ(ia5_part)
    return ctx(0, heading, body)                                      # ipm [0] IPM


def body_text(size):
    lines = []
    n = 0
    total = 0
    while total < size:
        line = ("Line %05d of the exmta sample message: the quick brown fox jumps "
                "over the lazy dog, 0123456789.\r\n" % n)
        lines.append(line)
        total += len(line)
        n += 1
    return "".join(lines)[:size]


def p1_message(content):
    mts_id = app(4, global_domain_id(), IA5("EXMTA-MSG-0001"))          # message-identifier
    eits = app(5, ctxp(0, BITS([2], 3)[2:]))                           # [0] BIT STRING ia5-text
    content_type = appp(6, int_bytes(22))                              # interpersonal-messaging-1988
    content_id = appp(10, b"exmta-sample")
    trace = app(9, SEQ(global_domain_id(),
                       SET(ctxp(0, UTC_STAMP.encode()), ctxp(2, b"\x00"))))
    per_recip = ctx(2, SET(or_name(*RECIPIENT),
                           ctxp(0, b"\x01"),                           # originally-specified-recipient-number
                           ctxp(1, BITS([0], 8)[2:])))                 # per-recipient-indicators: responsibility (SIZE 8..)
    envelope = SET(mts_id, or_name(*ORIGINATOR), eits, content_type, content_id, trace, per_recip)
    return ctx(0, envelope, OCTETS(content))                           # MTS-APDU: message [0]


# ---------------------------------------------------------------------------
# ROS / RTSE (X.228) and ACSE (X.227)
# ---------------------------------------------------------------------------

def ros_bind_invoke(arg):
    return ctx(16, arg)


def ros_bind_result(res):
    return ctx(17, res)


def ros_bind_error(err):
    return ctx(18, err)


def rtse_rtorq(user):
    # rtorq-apdu [16] IMPLICIT SET { checkpointSize [0], dialogueMode [2],
    #   connectionDataRQ [3] CHOICE { open [0] ANY } }
    return ctx(16, ctxp(0, int_bytes(32)), ctxp(2, int_bytes(0)), ctx(3, ctx(0, user)))


def rtse_rtoac(user):
    return ctx(17, ctxp(0, int_bytes(32)), ctx(2, ctx(0, user)))


def rtse_rtorj(user):
    return ctx(18, ctx(1, user))       # userDataRJ [1] ANY


def rtse_rttr(data):
    return OCTETS(data)                 # RTTRapdu ::= OCTET STRING


def association_info(pci, single):
    # user-information [30] IMPLICIT SEQUENCE OF EXTERNAL
    return ctx(30, EXTERNAL(OID(OID_BER), INT(pci), ctx(0, single)))


def acse_aarq(user_info):
    return app(0,
               ctxp(0, b"\x07\x80"),                                   # protocol-version version1
               ctx(1, OID(OID_AC_MTS_TRANSFER)),                       # aSO-context-name
               user_info)


def acse_aare(user_info, accepted=True):
    result = 0 if accepted else 1                                      # accepted / rejected-permanent
    diag = 0 if accepted else 1                                        # null / no-reason-given
    return app(1,
               ctxp(0, b"\x07\x80"),
               ctx(1, OID(OID_AC_MTS_TRANSFER)),
               ctx(2, INT(result)),
               ctx(3, ctx(1, INT(diag))),                              # service-user
               user_info)


def acse_rlrq():
    return app(2, ctxp(0, b"\x00"))     # reason normal


def acse_rlre():
    return app(3, ctxp(0, b"\x00"))


# ---------------------------------------------------------------------------
# Presentation (X.226)
# ---------------------------------------------------------------------------

def pres_user_data(pci, single):
    # fully-encoded-data [APPLICATION 1] IMPLICIT SEQUENCE OF PDV-list
    return app(1, SEQ(INT(pci), ctx(0, single)))


def pres_context_list():
    return ctx(4,
               SEQ(INT(PCI_ACSE), OID(OID_AS_ACSE), SEQ(OID(OID_BER))),
               SEQ(INT(PCI_RTSE), OID(OID_AS_MTA_RTSE), SEQ(OID(OID_BER))),
               SEQ(INT(PCI_MTSE), OID(OID_AS_MTSE), SEQ(OID(OID_BER))))


def pres_result_list():
    item = SEQ(ctxp(0, b"\x00"), OID(OID_BER, tag=0x81))               # acceptance, basic-encoding
    return ctx(5, item, item, item)


def pres_cp(acse_pdu):
    mode = ctx(0, ctxp(0, b"\x01"))                                    # normal-mode
    normal = ctx(2, ctxp(0, b"\x07\x80"), pres_context_list(),
                 pres_user_data(PCI_ACSE, acse_pdu))
    return SET(mode, normal)


def pres_cpa(acse_pdu):
    mode = ctx(0, ctxp(0, b"\x01"))
    normal = ctx(2, ctxp(0, b"\x07\x80"), pres_result_list(),
                 pres_user_data(PCI_ACSE, acse_pdu))
    return SET(mode, normal)


def pres_cpr(acse_pdu):
    # CPR-PPDU normal-mode-parameters SEQUENCE
    return SEQ(ctxp(0, b"\x07\x80"), pres_result_list(), pres_user_data(PCI_ACSE, acse_pdu))


# ---------------------------------------------------------------------------
# Session (X.225)
# ---------------------------------------------------------------------------

def ses_len(n):
    return bytes([n]) if n < 255 else b"\xff" + struct.pack(">H", n)


def sp(code, value):                      # session parameter / parameter group
    return bytes([code]) + ses_len(len(value)) + value


def spdu(si, *params, user_info=b""):
    body = b"".join(params)
    return bytes([si]) + ses_len(len(body)) + body + user_info


SES_REQUIREMENTS = struct.pack(">H", 0x0249)  # half-duplex, minor sync, activity mgmt, exceptions
SS_USER_REF = b"EXMTA-A"


def ses_connection_id(calling):
    ref_pi = 10 if calling else 9
    return sp(1, sp(ref_pi, SS_USER_REF) + sp(11, UTC_STAMP.encode()))


def ses_accept_item():
    return sp(5, sp(19, b"\x00") + sp(22, b"\x02") + sp(26, b"\x00"))


def ses_cn(user_data):
    return spdu(13, ses_connection_id(True), ses_accept_item(), sp(20, SES_REQUIREMENTS),
                sp(52, b"MTA-B"), sp(193, user_data))


def ses_ac(user_data):
    return spdu(14, ses_connection_id(False), ses_accept_item(), sp(20, SES_REQUIREMENTS),
                sp(193, user_data))


def ses_rf(user_data):
    return spdu(12, ses_connection_id(False), sp(17, b"\x01"), sp(20, SES_REQUIREMENTS),
                sp(50, b"\x02" + user_data))          # reason: rejection by called SS-user


def ses_fn(user_data):
    return spdu(9, sp(17, b"\x01"), sp(193, user_data))   # transport connection released


def ses_dn(user_data):
    return spdu(10, sp(193, user_data))


def ses_gt():
    return spdu(1)                                        # GIVE TOKENS, no parameters


def ses_pt():
    return spdu(2)                                        # PLEASE TOKENS, no parameters


def ses_dt(user_info):
    return ses_gt() + spdu(1, user_info=user_info)


def ses_as(activity_id):
    return ses_gt() + spdu(45, sp(41, activity_id))      # ACTIVITY START


def ses_ae(serial):
    return ses_gt() + spdu(41, sp(42, serial))           # ACTIVITY END (same code as MAP)


def ses_aea(serial):
    return ses_pt() + spdu(42, sp(42, serial))           # ACTIVITY END ACK (MAA code)


# ---------------------------------------------------------------------------
# Transport: TPKT (RFC 1006) + COTP class 0 (X.224)
# ---------------------------------------------------------------------------

def tpkt(payload, reserved=0):
    return struct.pack(">BBH", 3, reserved, 4 + len(payload)) + payload


def cotp_cr(src_ref, calling=CALLING_TSEL, called=CALLED_TSEL, tpdu_size=0x0B, cls=0x00):
    params = (bytes([0xC1, len(calling)]) + calling + bytes([0xC2, len(called)]) + called
              + bytes([0xC0, 1, tpdu_size]))
    fixed = struct.pack(">BHHB", 0xE0, 0, src_ref, cls)
    return bytes([len(fixed) + len(params)]) + fixed + params


def cotp_cc(dst_ref, src_ref, tpdu_size=0x0B):
    params = bytes([0xC0, 1, tpdu_size])
    fixed = struct.pack(">BHHB", 0xD0, dst_ref, src_ref, 0x00)
    return bytes([len(fixed) + len(params)]) + fixed + params


def cotp_dr(dst_ref, src_ref, reason):
    fixed = struct.pack(">BHHB", 0x80, dst_ref, src_ref, reason)
    return bytes([len(fixed)]) + fixed


COTP_DR_ADDRESS_UNKNOWN = 0x03


def cotp_dt_tsdu(tsdu, max_tpdu=2048):
    """Split one TSDU into class-0 DT TPDUs (EOT only on the last)."""
    room = max_tpdu - 3
    out = []
    for i in range(0, len(tsdu), room):
        chunk = tsdu[i:i + room]
        last = i + room >= len(tsdu)
        out.append(bytes([2, 0xF0, 0x80 if last else 0x00]) + chunk)
    return out


# ---------------------------------------------------------------------------
# Ethernet / IPv4 / TCP / pcap
# ---------------------------------------------------------------------------

class Host:
    def __init__(self, ip, mac, ip_id, window, ttl=128):
        self.ip, self.mac, self.ip_id, self.window, self.ttl = ip, mac, ip_id, window, ttl


def build_frame(src, dst, sport, dport, seq, ack, flags, payload=b"", options=b""):
    tcp = pcapfile.tcp_segment(src.ip, dst.ip, sport, dport, seq, ack, flags, 0 if flags & RST else src.window,
                               payload, options)
    ip = pcapfile.ipv4_packet(src.ip, dst.ip, 6, tcp, ip_id=src.ip_id, ttl=src.ttl)
    src.ip_id += 1
    return pcapfile.ethernet_frame(dst.mac, src.mac, ip)


class Capture:
    def __init__(self, base_us=BASE_TIME_US):
        self.now = base_us
        self.frames = []

    def add(self, frame, delay_us):
        self.now += delay_us
        self.frames.append((self.now, frame))

    def write(self, path):
        with pcapfile.Writer(path) as w:
            for ts, frame in self.frames:
                w.write_us(ts, frame)


SYN_OPTIONS = bytes.fromhex("020405b4") + bytes.fromhex("01010402")   # MSS 1460, NOP NOP SACK_PERM
MSS = 1460


class Flow:
    """One TCP connection; tracks sequence numbers of both sides."""

    def __init__(self, cap, client, server, cport, sport, c_isn, s_isn, rtt_us=400):
        self.cap, self.c, self.s = cap, client, server
        self.cport, self.sport = cport, sport
        self.c_seq, self.s_seq = c_isn, s_isn
        self.rtt = rtt_us

    def _ends(self, from_client):
        if from_client:
            return self.c, self.s, self.cport, self.sport
        return self.s, self.c, self.sport, self.cport

    def pkt(self, from_client, flags, payload=b"", delay=100, options=b"", seq=None, ack=None):
        src, dst, sp_, dp = self._ends(from_client)
        my_seq = self.c_seq if from_client else self.s_seq
        peer_seq = self.s_seq if from_client else self.c_seq
        if seq is None:
            seq = my_seq
        if ack is None:
            ack = peer_seq if flags & ACK else 0
        self.cap.add(build_frame(src, dst, sp_, dp, seq, ack, flags, payload, options), delay)
        adv = len(payload) + (1 if flags & (SYN | FIN) else 0)
        if from_client:
            self.c_seq += adv
        else:
            self.s_seq += adv

    def handshake(self, delay=0):
        self.pkt(True, SYN, delay=delay, options=SYN_OPTIONS)
        self.pkt(False, SYN | ACK, delay=self.rtt, options=SYN_OPTIONS)
        self.pkt(True, ACK, delay=40)

    def send(self, from_client, data, delay=150, seg=MSS, ack_every=2, ack_delay=None):
        """Send a byte stream in MSS-sized segments (PSH on the last one); the
        peer sends a pure ACK after every `ack_every` full segments while more
        data follows (the final segment is acked by the peer's next packet)."""
        first = True
        count = 0
        for i in range(0, len(data), seg):
            chunk = data[i:i + seg]
            last = i + seg >= len(data)
            self.pkt(from_client, ACK | (PSH if last else 0), chunk, delay=delay if first else 30)
            first = False
            count += 1
            if not last and ack_every and count % ack_every == 0:
                self.pkt(not from_client, ACK, delay=ack_delay or self.rtt // 2)

    def ack(self, from_client, delay=200):
        self.pkt(from_client, ACK, delay=delay)

    def close(self, client_first=True, delay=300):
        a = client_first
        self.pkt(a, FIN | ACK, delay=delay)
        self.pkt(not a, FIN | ACK, delay=self.rtt)
        self.pkt(a, ACK, delay=40)


def endpoints():
    client = Host(CLIENT_IP, CLIENT_MAC, ip_id=0x1a00, window=64240)
    server = Host(SERVER_IP, SERVER_MAC, ip_id=0x5b00, window=65535)
    return client, server


# ---------------------------------------------------------------------------
# Association building blocks (TSDUs)
# ---------------------------------------------------------------------------

def bind_request_tsdu():
    rtorq = rtse_rtorq(ros_bind_invoke(p1_bind_argument()))
    return ses_cn(pres_cp(acse_aarq(association_info(PCI_RTSE, rtorq))))


def bind_accept_tsdu():
    rtoac = rtse_rtoac(ros_bind_result(p1_bind_result()))
    return ses_ac(pres_cpa(acse_aare(association_info(PCI_RTSE, rtoac), accepted=True)))


def bind_refuse_tsdu():
    rtorj = rtse_rtorj(ros_bind_error(p1_bind_error()))
    return ses_rf(pres_cpr(acse_aare(association_info(PCI_RTSE, rtorj), accepted=False)))


def release_request_tsdu():
    return ses_fn(pres_user_data(PCI_ACSE, acse_rlrq()))


def release_response_tsdu():
    return ses_dn(pres_user_data(PCI_ACSE, acse_rlre()))


CLIENT_REF = 0x4a01
SERVER_REF = 0x7c02


def tsdu_stream(tsdu, reserved):
    return b"".join(tpkt(t, next(reserved)) for t in cotp_dt_tsdu(tsdu))


def zero_reserved():
    while True:
        yield 0


def exchange40_reserved():
    """Pre-SP3 Exchange 4.0 left the TPKT reserved octet uninitialised;
    model that with a fixed cycle of non-zero values."""
    vals = [0x5A, 0x01, 0xC8, 0x33, 0x7F, 0x10]
    i = 0
    while True:
        yield vals[i % len(vals)]
        i += 1


def bind_exchange(flow, reserved, accept=True):
    """CR/CC then the bind request/answer.  Returns nothing; frames go to flow."""
    flow.pkt(True, ACK | PSH, tpkt(cotp_cr(CLIENT_REF), next(reserved)), delay=120)
    flow.pkt(False, ACK | PSH, tpkt(cotp_cc(CLIENT_REF, SERVER_REF), next(reserved)), delay=2100)
    flow.send(True, tsdu_stream(bind_request_tsdu(), reserved), delay=180)
    answer = bind_accept_tsdu() if accept else bind_refuse_tsdu()
    flow.send(False, tsdu_stream(answer, reserved), delay=3400)


def release_exchange(flow, reserved):
    flow.send(True, tsdu_stream(release_request_tsdu(), reserved), delay=900)
    flow.send(False, tsdu_stream(release_response_tsdu(), reserved), delay=700)
    flow.close(client_first=True, delay=250)


# ---------------------------------------------------------------------------
# The captures
# ---------------------------------------------------------------------------

def x400_bind_accepted(port=102, reserved_gen=zero_reserved, cport=49731):
    cap = Capture()
    c, s = endpoints()
    flow = Flow(cap, c, s, cport, port, 0x1c0de001, 0x5e0de001)
    flow.handshake()
    reserved = reserved_gen()
    bind_exchange(flow, reserved, accept=True)
    release_exchange(flow, reserved)
    return cap


def x400_bind_refused():
    cap = Capture()
    c, s = endpoints()
    flow = Flow(cap, c, s, 49732, 102, 0x2c0de001, 0x6e0de001)
    flow.handshake()
    reserved = zero_reserved()
    bind_exchange(flow, reserved, accept=False)
    # Session RF carried "transport connection released": class 0 has no
    # release TPDU, so the initiator simply closes the TCP connection.
    flow.close(client_first=True, delay=350)
    return cap


def cotp_disconnect():
    cap = Capture()
    c, s = endpoints()
    flow = Flow(cap, c, s, 49733, 102, 0x3c0de001, 0x7e0de001)
    flow.handshake()
    flow.pkt(True, ACK | PSH, tpkt(cotp_cr(CLIENT_REF, called=b"NO-SUCH-TSAP")), delay=120)
    flow.pkt(False, ACK | PSH, tpkt(cotp_dr(CLIENT_REF, 0x0000, COTP_DR_ADDRESS_UNKNOWN)), delay=1500)
    flow.close(client_first=False, delay=200)   # responder drops the connection after DR
    return cap


def conn_refused(port, attempts, cport):
    cap = Capture()
    c, s = endpoints()
    for n in range(attempts):
        flow = Flow(cap, c, s, cport, port, 0x4c0de001 + n * 0x10000, 0)
        delay = 0 if n == 0 else 500000       # client retries after 0.5 s
        flow.pkt(True, SYN, delay=delay, options=SYN_OPTIONS)
        flow.pkt(False, RST | ACK, seq=0, ack=flow.c_seq, delay=300)
    return cap


def exchange40_reserved_byte():
    return x400_bind_accepted(port=102, reserved_gen=exchange40_reserved, cport=49735)


def x400_transfer_segmented():
    cap = Capture()
    c, s = endpoints()
    flow = Flow(cap, c, s, 49736, 102, 0x5c0de001, 0x8e0de001)
    flow.handshake()
    reserved = zero_reserved()
    bind_exchange(flow, reserved, accept=True)

    content = p22_ipm(body_text(30000), "exmta segmented transfer sample")
    external = EXTERNAL(INT(PCI_MTSE), ctx(0, p1_message(content)))
    serial = b"1"
    # Activity start, data, activity end -- one TSDU each direction as a real
    # MTA would do; the data TSDU spans many 2048-octet DT TPDUs.
    flow.send(True, tsdu_stream(ses_as(b"0001"), reserved), delay=1200)
    flow.send(True, tsdu_stream(ses_dt(pres_user_data(PCI_RTSE, rtse_rttr(external))), reserved),
              delay=200)
    flow.send(True, tsdu_stream(ses_ae(serial), reserved), delay=80)
    flow.send(False, tsdu_stream(ses_aea(serial), reserved), delay=4200)
    release_exchange(flow, reserved)
    return cap


def tpkt_lookalike():
    """Negatives for a TPKT/COTP heuristic: TCP sessions (not on 102/10102)
    whose payloads start with 03 00 LL LL but are not RFC 1006."""
    cap = Capture()
    c, s = endpoints()

    # 1. plain HTTP on port 80
    f = Flow(cap, c, s, 50101, 80, 0x0a000001, 0x0b000001)
    f.handshake()
    req = (b"GET /status HTTP/1.1\r\nHost: 192.0.2.20\r\nUser-Agent: exmta-sample\r\n"
           b"Accept: */*\r\n\r\n")
    body = b"<html><body>MTA status: OK</body></html>\n"
    resp = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n"
            b"Connection: close\r\n\r\n" % len(body)) + body
    f.send(True, req, delay=150)
    f.send(False, resp, delay=2500)
    f.close(client_first=False, delay=200)

    # 2. DNS over TCP (port 53): a 768-octet response starts 03 00 and its
    #    transaction id 0x0302 makes octets 2-3 equal the payload length (770)
    #    -- a perfectly valid-looking TPKT header.
    f = Flow(cap, c, s, 50102, 53, 0x0a100001, 0x0b100001)
    f.handshake(delay=10000)
    txid = 0x0302
    qname = b"\x07example\x04test\x00"
    question = qname + struct.pack(">HH", 16, 1)                  # TXT IN
    query = struct.pack(">HHHHHH", txid, 0x0100, 1, 0, 0, 0) + question
    f.send(True, struct.pack(">H", len(query)) + query, delay=150)
    hdr = struct.pack(">HHHHHH", txid, 0x8180, 1, 3, 0, 0)
    answers = b""
    target = 768
    fixed = len(hdr) + len(question)
    per_rr_overhead = 2 + 10 + 1                                    # name ptr + rr fixed + txt len
    remaining = target - fixed - 3 * per_rr_overhead
    sizes = [remaining // 3, remaining // 3, remaining - 2 * (remaining // 3)]
    for k, n in enumerate(sizes):
        txt = (b"exmta-lookalike-%d-" % k + b"x" * 255)[:n]
        rdata = bytes([len(txt)]) + txt
        answers += b"\xc0\x0c" + struct.pack(">HHIH", 16, 1, 300, len(rdata)) + rdata
    dns = hdr + question + answers
    assert len(dns) == target, len(dns)
    payload = struct.pack(">H", len(dns)) + dns
    assert payload[:2] == b"\x03\x00" and struct.unpack(">H", payload[2:4])[0] == len(payload)
    f.send(False, payload, delay=1800)
    f.close(client_first=True, delay=200)

    # 3. port 5001: a binary protocol whose frames start 03 00 <len16> but the
    #    length does not match the payload (it counts something else).
    f = Flow(cap, c, s, 50103, 5001, 0x0a200001, 0x0b200001)
    f.handshake(delay=10000)
    frame = b"\x03\x00\x02\x00" + b"EXMTA-BIN" + bytes(range(1, 12))
    f.send(True, frame, delay=150)
    f.send(False, b"\x03\x00\x00\x08" + b"\x00\x00\x00\x00\x00\x00", delay=900)
    f.close(client_first=True, delay=200)

    # 4. port 8443: a TPKT header with a matching length followed by garbage
    #    (the COTP LI 5 fits, but 0x47 carries no TPDU code: 0x4 is unassigned).
    f = Flow(cap, c, s, 50104, 8443, 0x0a300001, 0x0b300001)
    f.handshake(delay=10000)
    garbage = bytes.fromhex("0547a1c3d9001122334455667788")
    f.send(True, tpkt(garbage), delay=150)
    f.close(client_first=False, delay=500)

    # 5. port 7001: matching TPKT length but a COTP LI that disagrees with it
    #    (LI says 9, only 6 octets follow).
    f = Flow(cap, c, s, 50105, 7001, 0x0a400001, 0x0b400001)
    f.handshake(delay=10000)
    f.send(True, tpkt(bytes.fromhex("09e00000123400")), delay=150)
    f.close(client_first=False, delay=500)

    # 6. port 9102: a well-formed CR, but class 4 with extended formats --
    #    never valid for RFC 1006 (class 0 only).
    f = Flow(cap, c, s, 50106, 9102, 0x0a500001, 0x0b500001)
    f.handshake(delay=10000)
    f.send(True, tpkt(cotp_cr(0x1234, cls=0x42)), delay=150)
    f.close(client_first=False, delay=500)
    return cap


CAPTURES = [
    ("x400-bind-accepted.pcap", lambda: x400_bind_accepted()),
    ("x400-bind-refused.pcap", x400_bind_refused),
    ("x400-bind-accepted-10102.pcap", lambda: x400_bind_accepted(port=10102, cport=49734)),
    ("cotp-disconnect.pcap", cotp_disconnect),
    ("conn-refused-102.pcap", lambda: conn_refused(102, 2, 49737)),
    ("conn-refused-10102.pcap", lambda: conn_refused(10102, 1, 49738)),
    ("tpkt-lookalike.pcap", tpkt_lookalike),
    ("exchange40-reserved-byte.pcap", exchange40_reserved_byte),
    ("x400-transfer-segmented.pcap", x400_transfer_segmented),
]


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(here), "sample-pcaps")
    os.makedirs(outdir, exist_ok=True)
    for name, fn in CAPTURES:
        fn().write(os.path.join(outdir, name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
