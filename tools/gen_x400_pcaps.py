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


def or_name_bisa(surname, given, ou):
    """BuiltInStandardAttributes SEQUENCE (the contents of an ORName)."""
    return SEQ(country(), admd(),
               ctx(2, PRINTABLE("EXMTA")),                   # private-domain-name (CHOICE)
               ctxp(3, b"Example Org"),                      # organization-name
               ctx(5, ctxp(0, surname.encode()), ctxp(1, given.encode())),  # personal-name SET
               ctx(6, PRINTABLE(ou)))                        # organizational-unit-names


def or_name(surname, given, ou):
    """ORName [APPLICATION 0] SEQUENCE { built-in-standard-attributes ... }"""
    return app(0, or_name_bisa(surname, given, ou))


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


# Messages, probes and reports with several recipients (X.411 12.2)
RECIPIENTS_B = [("Receiver", "Bob", "SITE-B"), ("Receiver", "Carol", "SITE-B"),
                ("Nobody", "Dave", "SITE-B")]               # Dave does not exist at B
ORIGINATOR_B = ("Sender", "Erin", "SITE-B")
RECIPIENTS_A = [("Sender", "Alice", "SITE-A"), ("Gone", "Frank", "SITE-A")]
PRMD_A, PRMD_B = "EXMTA", "EXMTA-B"                    # global domain identifiers of the two sides
PRIORITY_NORMAL, PRIORITY_NON_URGENT, PRIORITY_URGENT = 0, 1, 2
NDR_UNABLE_TO_TRANSFER = 1                             # NonDeliveryReasonCode
NDR_DIAG_UNRECOGNISED_OR_NAME = 0                      # NonDeliveryDiagnosticCode


def mts_identifier(local, prmd=PRMD_A):
    return app(4, global_domain_id(prmd), IA5(local))  # [APPLICATION 4] SEQUENCE


def trace_information(prmd=PRMD_A, stamp=UTC_STAMP):
    # [APPLICATION 9] SEQUENCE OF TraceInformationElement; routing-action relayed
    return app(9, SEQ(global_domain_id(prmd), SET(ctxp(0, stamp.encode()), ctxp(2, b"\x00"))))


def per_recipient_transfer(recipients):
    # [2] IMPLICIT SEQUENCE OF PerRecipient{Message,Probe}TransferFields, responsibility set
    return ctx(2, *[SET(or_name(*r), ctxp(0, int_bytes(n + 1)), ctxp(1, BITS([0], 8)[2:]))
                    for n, r in enumerate(recipients)])


def p1_message_to(local, originator, recipients, content, prmd=PRMD_A, priority=None,
                  content_id=None):
    """MTS-APDU message [0]: envelope with one per-recipient field per recipient."""
    eits = app(5, ctxp(0, BITS([2], 3)[2:]))                           # ia5-text
    envelope = SET(mts_identifier(local, prmd), or_name(*originator), eits,
                   appp(6, int_bytes(22)),                             # built-in p2-1988
                   appp(10, content_id.encode()) if content_id else b"",
                   appp(7, int_bytes(priority)) if priority is not None else b"",
                   trace_information(prmd), per_recipient_transfer(recipients))
    return ctx(0, envelope, OCTETS(content))


def p1_probe(local, originator, recipients, content_length, prmd=PRMD_A):
    """MTS-APDU probe [2] IMPLICIT ProbeTransferEnvelope."""
    return ctx(2, mts_identifier(local, prmd), or_name(*originator),
               appp(6, int_bytes(22)),
               ctxp(0, int_bytes(content_length)),                     # content-length [0]
               trace_information(prmd), per_recipient_transfer(recipients))


def report_delivered(n, recipient, stamp=UTC_STAMP):
    # PerRecipientReportTransferFields: actual-recipient-name [0] IMPLICIT ORName,
    # originally-specified-recipient-number [1], per-recipient-indicators [2],
    # last-trace-information [3] { arrival-time [0], report-type [1] delivery [0] }
    return SET(ctx(0, or_name_bisa(*recipient)), ctxp(1, int_bytes(n)), ctxp(2, BITS([0, 1], 8)[2:]),
               ctx(3, ctxp(0, stamp.encode()), ctx(1, ctx(0, ctxp(0, stamp.encode())))))


def report_non_delivered(n, recipient, reason, diagnostic, text=None, stamp=UTC_STAMP):
    ndr = ctx(1, ctxp(0, int_bytes(reason)), ctxp(1, int_bytes(diagnostic)))
    return SET(ctx(0, or_name_bisa(*recipient)), ctxp(1, int_bytes(n)), ctxp(2, BITS([0, 1], 8)[2:]),
               ctx(3, ctxp(0, stamp.encode()), ctx(1, ndr)),
               ctxp(5, text.encode()) if text else b"")                 # supplementary-information


def p1_report(local, destination, subject_local, subject_prmd, per_recipient, prmd=PRMD_B):
    """MTS-APDU report [1]: ReportTransferEnvelope + ReportTransferContent."""
    envelope = SET(mts_identifier(local, prmd), or_name(*destination), trace_information(prmd))
    content = SET(mts_identifier(subject_local, subject_prmd),         # subject-identifier
                  appp(6, int_bytes(22)),
                  ctx(0, *per_recipient))                               # per-recipient-fields [0]
    return ctx(1, envelope, content)


# ---------------------------------------------------------------------------
# ROS / RTSE (X.228) and ACSE (X.227)
# ---------------------------------------------------------------------------

def ros_bind_invoke(arg):
    return ctx(16, arg)


def ros_bind_result(res):
    return ctx(17, res)


def ros_bind_error(err):
    return ctx(18, err)


RTSE_MONOLOGUE, RTSE_TWA = 0, 1                 # dialogueMode
RTSE_REFUSE_BUSY = 0                             # RefuseReason rtsBusy
RTSE_REFUSE_DIALOGUE_MODE = 3                    # unacceptableDialogueMode
RTSE_ABORT_PERMANENT = 5                         # AbortReason permanentProblem


def rtorq_fields(user, dialogue=RTSE_MONOLOGUE, window=None, app_protocol=None):
    # RTORQapdu ::= SET { checkpointSize [0], windowSize [1], dialogueMode [2],
    #   connectionDataRQ [3] CHOICE { open [0] ANY }, applicationProtocol [4] }
    return (ctxp(0, int_bytes(32)) + (ctxp(1, int_bytes(window)) if window is not None else b"")
            + ctxp(2, int_bytes(dialogue)) + ctx(3, ctx(0, user))
            + (ctxp(4, int_bytes(app_protocol)) if app_protocol is not None else b""))


def rtoac_fields(user, window=None):
    return (ctxp(0, int_bytes(32)) + (ctxp(1, int_bytes(window)) if window is not None else b"")
            + ctx(2, ctx(0, user)))


def rtorj_fields(user=None, reason=None):
    return ((ctxp(0, int_bytes(reason)) if reason is not None else b"")
            + (ctx(1, user) if user is not None else b""))      # userDataRJ [1] ANY


def rtab_fields(reason):
    return ctxp(0, int_bytes(reason))                    # abortReason [0]


def rtse_rtorq(user, dialogue=RTSE_MONOLOGUE):
    return ctx(16, rtorq_fields(user, dialogue))         # rtorq-apdu [16] IMPLICIT


def rtse_rtoac(user):
    return ctx(17, rtoac_fields(user))


def rtse_rtorj(user, reason=None):
    return ctx(18, rtorj_fields(user, reason))


def rtse_rtab(reason):
    return ctx(22, rtab_fields(reason))                  # rtab-apdu [22] IMPLICIT


def rtse_rttp(priority=0):
    return INT(priority)                                 # RTTPapdu ::= INTEGER


def rtse_rttr(data):
    return OCTETS(data)                 # RTTRapdu ::= OCTET STRING


def association_info(pci, single):
    # user-information [30] IMPLICIT SEQUENCE OF EXTERNAL
    return ctx(30, EXTERNAL(OID(OID_BER), INT(pci), ctx(0, single)))


def acse_aarq(user_info, context=OID_AC_MTS_TRANSFER):
    return app(0,
               ctxp(0, b"\x07\x80"),                                   # protocol-version version1
               ctx(1, OID(context)),                                   # aSO-context-name
               user_info)


ACSE_REJECTED_PERMANENT, ACSE_REJECTED_TRANSIENT = 1, 2
ACSE_DIAG_NO_REASON = 1                    # service-user no-reason-given
ACSE_DIAG_CONTEXT_NOT_SUPPORTED = 2        # service-user application-context-name-not-supported


def acse_aare(user_info, accepted=True, result=None, diag=None, context=OID_AC_MTS_TRANSFER):
    if result is None:
        result = 0 if accepted else ACSE_REJECTED_PERMANENT            # accepted / rejected-permanent
    if diag is None:
        diag = 0 if accepted else ACSE_DIAG_NO_REASON                   # null / no-reason-given
    return app(1,
               ctxp(0, b"\x07\x80"),
               ctx(1, OID(context)),
               ctx(2, INT(result)),
               ctx(3, ctx(1, INT(diag))),                              # service-user
               user_info or b"")


ACSE_ABRT_SOURCE_USER, ACSE_ABRT_SOURCE_PROVIDER = 0, 1


def acse_abrt(source=ACSE_ABRT_SOURCE_USER, user_info=b""):
    return app(4, ctxp(0, int_bytes(source)), user_info)   # abort-source [0] IMPLICIT


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


def pres_cp(acse_pdu, calling_psel=None, called_psel=None):
    mode = ctx(0, ctxp(0, b"\x01"))                                    # normal-mode
    sels = ((ctxp(1, calling_psel) if calling_psel else b"")
            + (ctxp(2, called_psel) if called_psel else b""))
    normal = ctx(2, ctxp(0, b"\x07\x80"), sels, pres_context_list(),
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


PRES_PROVIDER_CALLED_ADDRESS_UNKNOWN = 3     # Provider-reason called-presentation-address-unknown
PRES_ABORT_UNEXPECTED_PPDU = 2               # Abort-reason unexpected-ppdu
PRES_EVENT_TD_PPDU = 7                       # Event-identifier td-PPDU


def pres_cpr_provider(reason):
    # CPR-PPDU normal-mode-parameters: protocol-version, provider-reason [10], no user data
    return SEQ(ctxp(0, b"\x07\x80"), ctxp(10, int_bytes(reason)))


def pres_aru(acse_pdu):
    # ARU-PPDU normal-mode-parameters [0] IMPLICIT SEQUENCE { ..., user-data }
    return ctx(0, pres_user_data(PCI_ACSE, acse_pdu))


def pres_arp(reason, event=None):
    # ARP-PPDU ::= SEQUENCE { provider-reason [0] IMPLICIT Abort-reason, event-identifier [1] }
    return SEQ(ctxp(0, int_bytes(reason)), ctxp(1, int_bytes(event)) if event is not None else b"")


# X.410-1984 mode (X.226 8.1): no ACSE, no presentation contexts; the RTSE
# connection APDUs are the presentation connection PDUs' x410-mode-parameters.
PRES_MODE_X410 = 0


def pres_cp_x410(rtorq):
    return SET(ctx(0, ctxp(0, int_bytes(PRES_MODE_X410))), ctx(1, rtorq))   # [1] IMPLICIT RTORQapdu


def pres_cpa_x410(rtoac):
    return SET(ctx(0, ctxp(0, int_bytes(PRES_MODE_X410))), ctx(1, rtoac))   # [1] IMPLICIT RTOACapdu


def pres_cpr_x410(rtorj):
    return SET(rtorj)                                                      # x400-mode-parameters RTORJapdu


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


def ses_cn(user_data, calling_ssel=None, called_ssel=b"MTA-B"):
    return spdu(13, ses_connection_id(True), ses_accept_item(), sp(20, SES_REQUIREMENTS),
                sp(51, calling_ssel) if calling_ssel else b"", sp(52, called_ssel), sp(193, user_data))


def ses_ac(user_data):
    return spdu(14, ses_connection_id(False), ses_accept_item(), sp(20, SES_REQUIREMENTS),
                sp(193, user_data))


SES_RF_USER_DATA = 2              # rejection by called SS-user, user data follows
SES_RF_SSEL_UNKNOWN = 0x81        # Session Selector unknown (SPM)
SES_TD_RELEASED = 0x01            # Transport Disconnect PI: transport connection released
SES_TD_KEPT = 0x00                # ... kept (the next CN reuses it)
SES_TD_USER_ABORT = 0x02          # ... user abort
SES_TD_PROTOCOL_ERROR = 0x04      # ... protocol error


def ses_rf(user_data, reason=SES_RF_USER_DATA):
    return spdu(12, ses_connection_id(False), sp(17, b"\x01"), sp(20, SES_REQUIREMENTS),
                sp(50, bytes([reason]) + user_data))   # reason code (+ user data for reason 2)


def ses_fn(user_data, disconnect=SES_TD_RELEASED):
    return spdu(9, sp(17, bytes([disconnect])), sp(193, user_data) if user_data is not None else b"")


def ses_dn(user_data):
    return spdu(10, sp(193, user_data) if user_data is not None else b"")


def ses_ab(user_data, disconnect=SES_TD_RELEASED | SES_TD_USER_ABORT):
    # ABORT SPDU: Transport Disconnect PI 17, User Data PI 193
    return spdu(25, sp(17, bytes([disconnect])), sp(193, user_data) if user_data is not None else b"")


def ses_pt_data(user_data):
    return spdu(2, sp(193, user_data))                    # PLEASE TOKENS with user data


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


def bind_accept_tsdu(responder=RESPONDER_MTA, password=RESPONDER_PASSWORD):
    rtoac = rtse_rtoac(ros_bind_result(p1_bind_result(responder, password)))
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
# Associations with OSI addresses, refusals at each layer, aborts, transfers
# ---------------------------------------------------------------------------

# OSI addresses offered by the newer captures (the first ones offer only the
# T-selectors and the called S-selector "MTA-B").
CALLING_SSEL, CALLED_SSEL = b"S-A", b"S-B"
CALLING_PSEL, CALLED_PSEL = b"P-A", b"P-B"


def bind_request_osi(dialogue=RTSE_MONOLOGUE, called_ssel=CALLED_SSEL, called_psel=CALLED_PSEL,
                     context=OID_AC_MTS_TRANSFER, initiator=INITIATOR_MTA, password=INITIATOR_PASSWORD):
    rtorq = rtse_rtorq(ros_bind_invoke(p1_bind_argument(initiator, password)), dialogue)
    return ses_cn(pres_cp(acse_aarq(association_info(PCI_RTSE, rtorq), context),
                          CALLING_PSEL, called_psel),
                  calling_ssel=CALLING_SSEL, called_ssel=called_ssel)


def refuse_acse_tsdu(result, diag, rtorj=None):
    """Session RF (user data) + pres CPR (user-rejection) + AARE rejected
    [+ RTSE RTORJ in its user-information]."""
    info = association_info(PCI_RTSE, rtorj) if rtorj is not None else None
    return ses_rf(pres_cpr(acse_aare(info, accepted=False, result=result, diag=diag)))


def message_tsdus(apdu, activity, serial):
    """Normal mode: activity start, the MTS-APDU in one S-DATA (pres PDV on
    the RTSE context, RTTR OCTET STRING, EXTERNAL on the MTSE context),
    activity end.  Stock completes RTSE reassembly, and decodes P1, on the
    activity end (MAP) SPDU."""
    external = EXTERNAL(INT(PCI_MTSE), ctx(0, apdu))
    return (ses_as(activity), ses_dt(pres_user_data(PCI_RTSE, rtse_rttr(external))), ses_ae(serial))


def transfer(flow, reserved, from_client, apdu, activity, serial, gap=1200):
    """One P1 transfer: AS, DT, AE from the sender, AEA from the receiver."""
    start, data, end = message_tsdus(apdu, activity, serial)
    flow.send(from_client, tsdu_stream(start, reserved), delay=gap)
    flow.send(from_client, tsdu_stream(data, reserved), delay=200)
    flow.send(from_client, tsdu_stream(end, reserved), delay=80)
    flow.send(not from_client, tsdu_stream(ses_aea(serial), reserved), delay=2600)


def connect(flow, reserved, request, answer, called_tsel=CALLED_TSEL):
    """CR/CC, then one TSDU each way (the connection request and its answer)."""
    flow.pkt(True, ACK | PSH, tpkt(cotp_cr(CLIENT_REF, called=called_tsel), next(reserved)), delay=120)
    flow.pkt(False, ACK | PSH, tpkt(cotp_cc(CLIENT_REF, SERVER_REF), next(reserved)), delay=2100)
    flow.send(True, tsdu_stream(request, reserved), delay=180)
    flow.send(False, tsdu_stream(answer, reserved), delay=3400)


def bound_flow(cap, client, server, cport, c_isn, s_isn, reserved, delay=0):
    """A TCP connection to port 102 whose normal-mode MTA bind is accepted."""
    flow = Flow(cap, client, server, cport, 102, c_isn, s_isn)
    flow.handshake(delay=delay)
    connect(flow, reserved, bind_request_osi(), bind_accept_tsdu())
    return flow


def release(flow, reserved, disconnect=SES_TD_RELEASED):
    flow.send(True, tsdu_stream(ses_fn(pres_user_data(PCI_ACSE, acse_rlrq()), disconnect), reserved),
              delay=900)
    flow.send(False, tsdu_stream(release_response_tsdu(), reserved), delay=700)


def small_ipm(subject, size=600):
    return p22_ipm(body_text(size), subject)


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


def segmented_transfer(cport, c_isn, s_isn, subject, swap=False):
    """Accepted bind, then one 30 kB message whose data TSDU spans many
    2048-octet DT TPDUs and 1460-octet TCP segments; swap: the two data
    segments before the last are captured in swapped order."""
    cap = Capture()
    c, s = endpoints()
    flow = Flow(cap, c, s, cport, 102, c_isn, s_isn)
    flow.handshake()
    reserved = zero_reserved()
    bind_exchange(flow, reserved, accept=True)

    content = p22_ipm(body_text(30000), subject)
    external = EXTERNAL(INT(PCI_MTSE), ctx(0, p1_message(content)))
    serial = b"1"
    # Activity start, data, activity end -- one TSDU each direction as a real
    # MTA would do.
    flow.send(True, tsdu_stream(ses_as(b"0001"), reserved), delay=1200)
    first = len(cap.frames)
    flow.send(True, tsdu_stream(ses_dt(pres_user_data(PCI_RTSE, rtse_rttr(external))), reserved),
              delay=200)
    if swap:
        # the client's data segments (Ethernet, IPv4, TCP with no options)
        data = [i for i in range(first, len(cap.frames))
                if len(cap.frames[i][1]) > 54 and struct.unpack(">H", cap.frames[i][1][34:36])[0] == cport]
        a, b = data[-3], data[-2]
        (ta, fa), (tb, fb) = cap.frames[a], cap.frames[b]
        cap.frames[a], cap.frames[b] = (ta, fb), (tb, fa)
    flow.send(True, tsdu_stream(ses_ae(serial), reserved), delay=80)
    flow.send(False, tsdu_stream(ses_aea(serial), reserved), delay=4200)
    release_exchange(flow, reserved)
    return cap


def x400_transfer_segmented():
    return segmented_transfer(49736, 0x5c0de001, 0x8e0de001, "exmta segmented transfer sample")


def transfer_out_of_order():
    """The segmented transfer again (client port 49756), with two segments
    of its data captured in swapped order, as a capture point between a
    load balancer's paths sees them. With Wireshark's default
    tcp.reassemble_out_of_order FALSE stock decodes no P1 for it; with TRUE,
    the message."""
    return segmented_transfer(49756, 0x5c0de101, 0x8e0de101, "exmta out-of-order transfer sample", swap=True)


def interleaved_transfers():
    """Two associations from one MTA whose transfers overlap, as a busy MTA
    with two connections sends them: on A (client port 49757) the activity
    start and data of message EXMTA-MSG-1201; then on B (49758) message
    EXMTA-MSG-1301, whole; then A's activity end; then A's next message,
    EXMTA-MSG-1202. Stock's session dissector keeps one "RTSE data came"
    flag for all connections: B's activity end takes it, so stock decodes no
    P1 at A's end of 1201, and its RTSE reassembly keeps 1201's data, which
    it shows at the end of 1202."""
    cap = Capture()
    c, s = endpoints()
    rs = zero_reserved()
    fa = bound_flow(cap, c, s, 49757, 0x5c0de201, 0x8e0de201, rs)
    fb = bound_flow(cap, c, s, 49758, 0x5c0de301, 0x8e0de301, rs, delay=2000)
    start, data, end = message_tsdus(p1_message_to("EXMTA-MSG-1201", ORIGINATOR, RECIPIENTS_B[:1],
                                                   small_ipm("exmta interleaved 1")), b"1201", b"1")
    fa.send(True, tsdu_stream(start, rs), delay=1200)
    fa.send(True, tsdu_stream(data, rs), delay=200)
    transfer(fb, rs, True, p1_message_to("EXMTA-MSG-1301", ORIGINATOR, RECIPIENTS_B[1:2],
                                         small_ipm("exmta interleaved B")), b"1301", b"1", gap=100)
    fa.send(True, tsdu_stream(end, rs), delay=80)
    fa.send(False, tsdu_stream(ses_aea(b"1"), rs), delay=2600)
    transfer(fa, rs, True, p1_message_to("EXMTA-MSG-1202", ORIGINATOR, RECIPIENTS_B[:1],
                                         small_ipm("exmta interleaved 2")), b"1202", b"2", gap=600)
    release(fa, rs)
    fa.close(client_first=True, delay=250)
    release(fb, rs)
    fb.close(client_first=True, delay=250)
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


def new_flow(cport, n):
    cap = Capture()
    c, s = endpoints()
    flow = Flow(cap, c, s, cport, 102, 0x1d000001 + n * 0x01000000, 0x9d000001 + n * 0x00100000)
    flow.handshake()
    return cap, flow, zero_reserved()


def refused_session_ssel():
    """Session RF "Session Selector unknown": the called S-selector names no SS-user."""
    cap, flow, rs = new_flow(49740, 0)
    connect(flow, rs, bind_request_osi(called_ssel=b"S-X"), ses_rf(b"", reason=SES_RF_SSEL_UNKNOWN))
    flow.close(client_first=True, delay=350)
    return cap


def refused_presentation():
    """Presentation provider refusal: CPR called-presentation-address-unknown."""
    cap, flow, rs = new_flow(49741, 1)
    connect(flow, rs, bind_request_osi(called_psel=b"P-X"),
            ses_rf(pres_cpr_provider(PRES_PROVIDER_CALLED_ADDRESS_UNKNOWN)))
    flow.close(client_first=True, delay=350)
    return cap


OID_AC_MTS_ACCESS_94 = "2.6.0.1.7"     # id-ac-mts-access-94: a P3 access context, not MTA transfer


def refused_acse_context():
    """ACSE AARE rejected-permanent, application-context-name-not-supported."""
    cap, flow, rs = new_flow(49742, 2)
    connect(flow, rs, bind_request_osi(context=OID_AC_MTS_ACCESS_94),
            refuse_acse_tsdu(ACSE_REJECTED_PERMANENT, ACSE_DIAG_CONTEXT_NOT_SUPPORTED))
    flow.close(client_first=True, delay=350)
    return cap


def refused_rtse(reason, dialogue, n, cport):
    """RTSE RTORJ with a refuse reason (in a rejected AARE)."""
    cap, flow, rs = new_flow(cport, n)
    connect(flow, rs, bind_request_osi(dialogue=dialogue),
            refuse_acse_tsdu(ACSE_REJECTED_TRANSIENT if reason == RTSE_REFUSE_BUSY else ACSE_REJECTED_PERMANENT,
                             ACSE_DIAG_NO_REASON, rtse_rtorj(None, reason)))
    flow.close(client_first=True, delay=350)
    return cap


def x410_mode():
    """X.410-1984 mode: no ACSE and no presentation contexts; the RTSE
    connection APDUs are the x410-mode-parameters of the presentation CP/CPA,
    the MTS-APDU goes raw in the session data."""
    cap, flow, rs = new_flow(49745, 5)
    rtorq = rtorq_fields(p1_bind_argument(), RTSE_MONOLOGUE, window=3, app_protocol=1)
    rtoac = rtoac_fields(p1_bind_result(), window=3)
    connect(flow, rs, ses_cn(pres_cp_x410(rtorq), calling_ssel=CALLING_SSEL, called_ssel=CALLED_SSEL),
            ses_ac(pres_cpa_x410(rtoac)))
    apdu = p1_message_to("EXMTA-X410-0001", ORIGINATOR, RECIPIENTS_B[:1],
                         small_ipm("exmta X.410-1984 mode transfer"))
    flow.send(True, tsdu_stream(ses_as(b"0001"), rs), delay=1200)
    flow.send(True, tsdu_stream(ses_dt(apdu), rs), delay=200)
    flow.send(True, tsdu_stream(ses_ae(b"1"), rs), delay=80)
    flow.send(False, tsdu_stream(ses_aea(b"1"), rs), delay=2600)
    flow.send(True, tsdu_stream(ses_fn(None), rs), delay=900)     # no ACSE: S-RELEASE without user data
    flow.send(False, tsdu_stream(ses_dn(None), rs), delay=700)
    flow.close(client_first=True, delay=250)
    return cap


def x410_then_normal():
    """An MTA with two connectors to one peer: an X.410-mode association
    (RTORQ applicationProtocol 1, X.410-1984), released, then a normal-mode
    one on another connection that binds and sends a message. Stock's RTSE
    keeps the application protocol of the last RTSE open it read for every
    connection, and reads a request's own only after its user data: it
    decodes the normal bind as X.410-1984 ("zero-byte P1 PDU"). The
    message itself decodes."""
    cap = Capture()
    c, s = endpoints()
    rs = zero_reserved()
    f1 = Flow(cap, c, s, 49780, 102, 0x1d0e0001, 0x9d0e0001)
    f1.handshake()
    connect(f1, rs, ses_cn(pres_cp_x410(rtorq_fields(p1_bind_argument(), RTSE_MONOLOGUE, window=3, app_protocol=1)),
                           calling_ssel=CALLING_SSEL, called_ssel=CALLED_SSEL),
            ses_ac(pres_cpa_x410(rtoac_fields(p1_bind_result(), window=3))))
    f1.send(True, tsdu_stream(ses_fn(None), rs), delay=900)
    f1.send(False, tsdu_stream(ses_dn(None), rs), delay=700)
    f1.close(client_first=True, delay=250)
    f2 = bound_flow(cap, c, s, 49781, 0x1d0f0001, 0x9d0f0001, rs, delay=4000)
    transfer(f2, rs, True, p1_message_to("EXMTA-MSG-1401", ORIGINATOR, RECIPIENTS_B[:1],
                                         small_ipm("exmta after an X.410-mode association")), b"1401", b"1")
    release(f2, rs)
    f2.close(client_first=True, delay=250)
    return cap


def twa_transfers():
    """Two-way alternate dialogue: a message to three recipients and a probe
    from A; B asks for the turn (RTTP), reports on both (delivered twice and
    non-delivered once; the probe delivered), sends a message to two
    recipients; A reports non-delivery of one of them."""
    cap, flow, rs = new_flow(49746, 6)
    connect(flow, rs, bind_request_osi(dialogue=RTSE_TWA), bind_accept_tsdu())
    m1 = p1_message_to("EXMTA-MSG-0101", ORIGINATOR, RECIPIENTS_B, small_ipm("exmta twa message 1"),
                       priority=PRIORITY_URGENT, content_id="twa-1")
    transfer(flow, rs, True, m1, b"0101", b"1")
    transfer(flow, rs, True, p1_probe("EXMTA-PRB-0102", ORIGINATOR, RECIPIENTS_B[:2], 1024),
             b"0102", b"2", gap=600)
    # B asks for the turn: S-TOKEN-PLEASE carrying RTTP; A gives the tokens
    flow.send(False, tsdu_stream(ses_pt_data(pres_user_data(PCI_RTSE, rtse_rttp(0))), rs), delay=500)
    flow.send(True, tsdu_stream(ses_gt(), rs), delay=300)
    r1 = p1_report("EXMTA-REP-0201", ORIGINATOR, "EXMTA-MSG-0101", PRMD_A,
                   [report_delivered(1, RECIPIENTS_B[0]), report_delivered(2, RECIPIENTS_B[1]),
                    report_non_delivered(3, RECIPIENTS_B[2], NDR_UNABLE_TO_TRANSFER,
                                         NDR_DIAG_UNRECOGNISED_OR_NAME, "no such mailbox at SITE-B")])
    transfer(flow, rs, False, r1, b"0201", b"1", gap=700)
    r2 = p1_report("EXMTA-REP-0202", ORIGINATOR, "EXMTA-PRB-0102", PRMD_A,
                   [report_delivered(1, RECIPIENTS_B[0]), report_delivered(2, RECIPIENTS_B[1])])
    transfer(flow, rs, False, r2, b"0202", b"2", gap=600)
    m2 = p1_message_to("EXMTA-MSG-0203", ORIGINATOR_B, RECIPIENTS_A, small_ipm("exmta twa message 2"),
                       prmd=PRMD_B, priority=PRIORITY_NON_URGENT, content_id="twa-2")
    transfer(flow, rs, False, m2, b"0203", b"3", gap=600)
    flow.send(False, tsdu_stream(ses_gt(), rs), delay=300)        # turn back to A
    r3 = p1_report("EXMTA-REP-0103", ORIGINATOR_B, "EXMTA-MSG-0203", PRMD_B,
                   [report_non_delivered(2, RECIPIENTS_A[1], NDR_UNABLE_TO_TRANSFER,
                                         NDR_DIAG_UNRECOGNISED_OR_NAME)], prmd=PRMD_A)
    transfer(flow, rs, True, r3, b"0103", b"3", gap=700)
    release(flow, rs)
    flow.close(client_first=True, delay=250)
    return cap


def two_associations():
    """Two associations in turn on one transport connection: the first
    release keeps the transport connection, a new CN follows on it."""
    cap, flow, rs = new_flow(49747, 7)
    connect(flow, rs, bind_request_osi(), bind_accept_tsdu())
    transfer(flow, rs, True, p1_message_to("EXMTA-MSG-0301", ORIGINATOR, RECIPIENTS_B[:1],
                                           small_ipm("exmta association 1")), b"0301", b"1")
    release(flow, rs, disconnect=SES_TD_KEPT)
    flow.send(True, tsdu_stream(bind_request_osi(), rs), delay=5000)
    flow.send(False, tsdu_stream(bind_accept_tsdu(), rs), delay=3400)
    transfer(flow, rs, True, p1_message_to("EXMTA-MSG-0302", ORIGINATOR, RECIPIENTS_B[1:2],
                                           small_ipm("exmta association 2")), b"0302", b"1")
    release(flow, rs)
    flow.close(client_first=True, delay=250)
    return cap


def reports_back():
    """Reports over a connection of their own, as MTAs send them: A sends
    two messages and a probe to B over one association and releases it;
    B then connects to A (a new TCP connection and association, B the
    initiator) and reports on the first message (Bob and Carol delivered,
    Dave non-delivered) and on the probe. The second message has no
    report."""
    cap = Capture()
    a, b = endpoints()
    rs = zero_reserved()
    ab = Flow(cap, a, b, 49748, 102, 0x25000001, 0x9d800001)
    ab.handshake()
    connect(ab, rs, bind_request_osi(), bind_accept_tsdu())
    transfer(ab, rs, True, p1_message_to("EXMTA-MSG-0901", ORIGINATOR, RECIPIENTS_B,
                                         small_ipm("exmta report back 1"), content_id="back-1"), b"0901", b"1")
    transfer(ab, rs, True, p1_probe("EXMTA-PRB-0902", ORIGINATOR, RECIPIENTS_B[:2], 2048), b"0902", b"2",
             gap=600)
    transfer(ab, rs, True, p1_message_to("EXMTA-MSG-0903", ORIGINATOR, RECIPIENTS_B[:1],
                                         small_ipm("exmta report back 3"), content_id="back-3"), b"0903", b"3",
             gap=600)
    release(ab, rs)
    ab.close(client_first=True, delay=250)
    ba = Flow(cap, b, a, 49749, 102, 0x9e000001, 0x26000001)
    ba.handshake(delay=40000)
    connect(ba, rs, bind_request_osi(initiator=RESPONDER_MTA, password=RESPONDER_PASSWORD),
            bind_accept_tsdu(responder=INITIATOR_MTA, password=INITIATOR_PASSWORD))
    r1 = p1_report("EXMTA-REP-0911", ORIGINATOR, "EXMTA-MSG-0901", PRMD_A,
                   [report_delivered(1, RECIPIENTS_B[0]), report_delivered(2, RECIPIENTS_B[1]),
                    report_non_delivered(3, RECIPIENTS_B[2], NDR_UNABLE_TO_TRANSFER,
                                         NDR_DIAG_UNRECOGNISED_OR_NAME)])
    transfer(ba, rs, True, r1, b"0911", b"1")
    r2 = p1_report("EXMTA-REP-0912", ORIGINATOR, "EXMTA-PRB-0902", PRMD_A,
                   [report_delivered(1, RECIPIENTS_B[0]), report_delivered(2, RECIPIENTS_B[1])])
    transfer(ba, rs, True, r2, b"0912", b"2", gap=600)
    release(ba, rs)
    ba.close(client_first=True, delay=250)
    return cap


def abort_user():
    """The receiver aborts mid-message: session AB + pres ARU + ACSE ABRT
    (service-user) carrying RTSE RTAB permanentProblem."""
    cap, flow, rs = new_flow(49748, 8)
    connect(flow, rs, bind_request_osi(), bind_accept_tsdu())
    start, data, _ = message_tsdus(p1_message_to("EXMTA-MSG-0401", ORIGINATOR, RECIPIENTS_B[:1],
                                                 small_ipm("exmta aborted transfer")), b"0401", b"1")
    flow.send(True, tsdu_stream(start, rs), delay=1200)
    flow.send(True, tsdu_stream(data, rs), delay=200)
    abrt = acse_abrt(ACSE_ABRT_SOURCE_USER, association_info(PCI_RTSE, rtse_rtab(RTSE_ABORT_PERMANENT)))
    flow.send(False, tsdu_stream(ses_ab(pres_aru(abrt)), rs), delay=2200)
    flow.close(client_first=False, delay=300)
    return cap


def abort_provider():
    """The presentation provider aborts: session AB + pres ARP unexpected-ppdu."""
    cap, flow, rs = new_flow(49749, 9)
    connect(flow, rs, bind_request_osi(), bind_accept_tsdu())
    transfer(flow, rs, True, p1_message_to("EXMTA-MSG-0501", ORIGINATOR, RECIPIENTS_B[:1],
                                           small_ipm("exmta before provider abort")), b"0501", b"1")
    flow.send(False, tsdu_stream(ses_ab(pres_arp(PRES_ABORT_UNEXPECTED_PPDU, PRES_EVENT_TD_PPDU)), rs),
              delay=2200)
    flow.close(client_first=False, delay=300)
    return cap


def tcp_reset():
    """TCP RST from the responder in the middle of a segmented message."""
    cap, flow, rs = new_flow(49750, 10)
    connect(flow, rs, bind_request_osi(), bind_accept_tsdu())
    start, data, _ = message_tsdus(p1_message_to("EXMTA-MSG-0601", ORIGINATOR, RECIPIENTS_B[:1],
                                                 small_ipm("exmta reset transfer", 6000)), b"0601", b"1")
    flow.send(True, tsdu_stream(start, rs), delay=1200)
    stream = tsdu_stream(data, rs)
    flow.send(True, stream[:2 * MSS], delay=200)           # two segments, then the responder resets
    flow.pkt(False, RST | ACK, delay=900)
    return cap


def left_open():
    """Bind and two messages; the capture ends with the association open."""
    cap, flow, rs = new_flow(49751, 11)
    connect(flow, rs, bind_request_osi(), bind_accept_tsdu())
    transfer(flow, rs, True, p1_message_to("EXMTA-MSG-0701", ORIGINATOR, RECIPIENTS_B[:2],
                                           small_ipm("exmta open association 1")), b"0701", b"1")
    transfer(flow, rs, True, p1_message_to("EXMTA-MSG-0702", ORIGINATOR, RECIPIENTS_B[:1],
                                           small_ipm("exmta open association 2")), b"0702", b"2")
    return cap


def midstream():
    """The capture starts after the bind (no handshake, CR/CC, CN/AC): two
    messages, then release and close."""
    cap = Capture()
    c, s = endpoints()
    flow = Flow(cap, c, s, 49752, 102, 0x2d000001, 0xad000001)
    rs = zero_reserved()
    transfer(flow, rs, True, p1_message_to("EXMTA-MSG-0801", ORIGINATOR, RECIPIENTS_B[:1],
                                           small_ipm("exmta midstream 1")), b"0801", b"1", gap=0)
    transfer(flow, rs, True, p1_message_to("EXMTA-MSG-0802", ORIGINATOR, RECIPIENTS_B[:2],
                                           small_ipm("exmta midstream 2")), b"0802", b"2")
    release(flow, rs)
    flow.close(client_first=True, delay=250)
    return cap


def coalesced_transfers():
    """Two transfers in one TCP segment each way, as a sending host that
    coalesces small writes (or offloads segmentation) puts them, in a
    two-way alternate dialogue. A sends a message to Dave (who does not
    exist at B) and one to Bob in one segment; B, given the turn, sends its
    report on the first (Dave non-delivered) and a message of its own in one
    segment; A reports delivery of B's message. Only the first message
    bounced: a link must name one transfer of a frame, not the frame. Then
    A sends a large message whose end travels in the segment that carries
    a whole small one, and two small ones whose segments part inside the
    first one's activity end."""
    cap, flow, rs = new_flow(49755, 14)
    connect(flow, rs, bind_request_osi(dialogue=RTSE_TWA), bind_accept_tsdu())

    def together(from_client, transfers, gap=1200):
        stream = b"".join(tsdu_stream(t, rs) for apdu, activity, serial in transfers
                          for t in message_tsdus(apdu, activity, serial))
        flow.send(from_client, stream, delay=gap, seg=len(stream))
        flow.send(not from_client, b"".join(tsdu_stream(ses_aea(serial), rs) for _a, _b, serial in transfers),
                  delay=2600)

    m1 = p1_message_to("EXMTA-MSG-1001", ORIGINATOR, RECIPIENTS_B[2:], small_ipm("exmta coalesced 1", 200),
                       content_id="coalesced-1")
    m2 = p1_message_to("EXMTA-MSG-1002", ORIGINATOR, RECIPIENTS_B[:1], small_ipm("exmta coalesced 2", 200),
                       content_id="coalesced-2")
    together(True, [(m1, b"1001", b"1"), (m2, b"1002", b"2")])
    flow.send(False, tsdu_stream(ses_pt_data(pres_user_data(PCI_RTSE, rtse_rttp(0))), rs), delay=500)
    flow.send(True, tsdu_stream(ses_gt(), rs), delay=300)
    r1 = p1_report("EXMTA-REP-1101", ORIGINATOR, "EXMTA-MSG-1001", PRMD_A,
                   [report_non_delivered(1, RECIPIENTS_B[2], NDR_UNABLE_TO_TRANSFER,
                                         NDR_DIAG_UNRECOGNISED_OR_NAME)])
    m3 = p1_message_to("EXMTA-MSG-1102", ORIGINATOR_B, RECIPIENTS_A[:1], small_ipm("exmta coalesced 3", 200),
                       prmd=PRMD_B, content_id="coalesced-3")
    together(False, [(r1, b"1101", b"3"), (m3, b"1102", b"4")], gap=700)
    flow.send(False, tsdu_stream(ses_gt(), rs), delay=300)        # turn back to A
    r2 = p1_report("EXMTA-REP-1003", ORIGINATOR_B, "EXMTA-MSG-1102", PRMD_B,
                   [report_delivered(1, RECIPIENTS_A[0])], prmd=PRMD_A)
    transfer(flow, rs, True, r2, b"1003", b"5", gap=700)
    # a large message whose end shares its segment with a whole small one:
    # the first PDU of that segment is reassembled from the one before
    m4 = p1_message_to("EXMTA-MSG-1004", ORIGINATOR, RECIPIENTS_B[1:2], small_ipm("exmta coalesced 4", 2500),
                       content_id="coalesced-4")
    m5 = p1_message_to("EXMTA-MSG-1005", ORIGINATOR, RECIPIENTS_B[:1], small_ipm("exmta coalesced 5", 100),
                       content_id="coalesced-5")
    stream = b"".join(tsdu_stream(t, rs) for apdu, activity, serial in ((m4, b"1004", b"6"), (m5, b"1005", b"7"))
                      for t in message_tsdus(apdu, activity, serial))
    flow.pkt(True, ACK, stream[:MSS], delay=1200)
    flow.pkt(True, ACK | PSH, stream[MSS:], delay=30)
    flow.send(False, b"".join(tsdu_stream(ses_aea(serial), rs) for serial in (b"6", b"7")), delay=2600)
    # two small messages whose segments part inside the first one's
    # activity end: that end is reassembled, and the segment goes on with
    # the whole second message (TCP hands the frame over in two parts)
    m6 = p1_message_to("EXMTA-MSG-1006", ORIGINATOR, RECIPIENTS_B[:1], small_ipm("exmta coalesced 6", 200),
                       content_id="coalesced-6")
    m7 = p1_message_to("EXMTA-MSG-1007", ORIGINATOR, RECIPIENTS_B[1:2], small_ipm("exmta coalesced 7", 100),
                       content_id="coalesced-7")
    first = b"".join(tsdu_stream(t, rs) for t in message_tsdus(m6, b"1006", b"8"))
    stream = first + b"".join(tsdu_stream(t, rs) for t in message_tsdus(m7, b"1007", b"9"))
    cut = len(first) - len(tsdu_stream(message_tsdus(m6, b"1006", b"8")[2], rs)) + 5
    flow.pkt(True, ACK, stream[:cut], delay=1200)
    flow.pkt(True, ACK | PSH, stream[cut:], delay=30)
    flow.send(False, b"".join(tsdu_stream(ses_aea(serial), rs) for serial in (b"8", b"9")), delay=2600)
    release(flow, rs)
    flow.close(client_first=True, delay=250)
    return cap


def continued_tsdus():
    """Two transfers whose text bodies put a CR (13, a session CONNECT's SI)
    at the start of a middle DT, and an LF (10, DISCONNECT's) at the start
    of the last: octets of a TSDU that a DT continues, no SPDU type. Then
    release and close. Built by the tests, not a sample."""
    cap, flow, rs = new_flow(49754, 13)
    connect(flow, rs, bind_request_osi(), bind_accept_tsdu())
    room = 2048 - 3                 # a DT's share of the TSDU (cotp_dt_tsdu)
    for n, (mid, last) in enumerate(((b"\r", None), (None, b"\n")), 1):
        activity, serial = b"09%02d" % n, b"%d" % n

        def apdu(text, n=n):
            return p1_message_to("EXMTA-MSG-09%02d" % n, ORIGINATOR, RECIPIENTS_B[:1],
                                 p22_ipm(text.decode(), "exmta continued TSDU %d" % n))

        text = bytearray(body_text(5000).encode())
        tsdu = message_tsdus(apdu(bytes(text)), activity, serial)[1]
        at = tsdu.index(bytes(text))            # where the body starts in the TSDU
        ndt = (len(tsdu) + room - 1) // room
        if mid:
            text[room - at] = mid[0]
        if last:
            text[(ndt - 1) * room - at] = last[0]
        dt = message_tsdus(apdu(bytes(text)), activity, serial)[1]
        assert len(dt) == len(tsdu) and (not mid or dt[room] == mid[0])
        assert not last or dt[(ndt - 1) * room] == last[0]
        transfer(flow, rs, True, apdu(bytes(text)), activity, serial)
    release(flow, rs)
    flow.close(client_first=True, delay=250)
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
    ("x400-refused-session-ssel.pcap", refused_session_ssel),
    ("x400-refused-presentation.pcap", refused_presentation),
    ("x400-refused-acse-context.pcap", refused_acse_context),
    ("x400-refused-rtse-busy.pcap", lambda: refused_rtse(RTSE_REFUSE_BUSY, RTSE_MONOLOGUE, 3, 49743)),
    ("x400-refused-rtse-dialogue.pcap", lambda: refused_rtse(RTSE_REFUSE_DIALOGUE_MODE, RTSE_TWA, 4, 49744)),
    ("x400-x410-mode.pcap", x410_mode),
    ("x400-x410-then-normal.pcap", x410_then_normal),
    ("x400-twa-transfers.pcap", twa_transfers),
    ("x400-two-associations.pcap", two_associations),
    ("x400-abort-user.pcap", abort_user),
    ("x400-abort-provider.pcap", abort_provider),
    ("x400-tcp-reset.pcap", tcp_reset),
    ("x400-left-open.pcap", left_open),
    ("x400-midstream.pcap", midstream),
    ("x400-reports-back.pcap", reports_back),
    ("x400-coalesced-transfers.pcap", coalesced_transfers),
    ("x400-out-of-order.pcap", transfer_out_of_order),
    ("x400-interleaved.pcap", interleaved_transfers),
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
