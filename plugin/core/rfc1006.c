/* rfc1006.c - strict recognition of RFC1006 (TPKT + ISO 8073 COTP) payloads.
 *
 * Stock Wireshark's TPKT heuristic accepts any "03 00 LL LL": too weak to be
 * on by default. This one also requires a COTP header that a class 0 (or
 * class 2, RFC 2126) transport entity could have sent, and refuses a segment
 * if any complete TPKT in it fails the same test.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "rfc1006.h"

#include <string.h>

/* Offsets inside a COTP TPDU (0 = the length indicator). */
#define COTP_LI        0
#define COTP_CODE      1
#define COTP_DST_REF   2
#define COTP_CLASS     6       /* CR/CC */
#define COTP_DR_REASON 6
#define COTP_ER_CAUSE  4
#define COTP_DT_EOT    2

/* Most user data a CR, CC, DR, DC or ER may carry (ISO 8073: DR, 64). */
#define MAX_CONTROL_USER_DATA 64

/* Smallest TPKT that can carry a COTP header: 4 + LI + code + one octet. */
#define MIN_TPKT_LEN   (EXMTA_TPKT_HEADER_LEN + 3)

static gboolean
dr_reason_known(guint8 reason)
{
    return exmta_cotp_dr_reason_str(reason) != NULL;
}

/* Parameter codes of ISO 8073 / X.224 that may appear in the variable part
 * of the TPDUs used over RFC1006. */
static gboolean
parameter_known(guint8 tpdu, guint8 code)
{
    switch (code) {
    case 0xC3:                      /* checksum: any TPDU */
        return TRUE;
    case 0xC0: case 0xC1: case 0xC2: case 0xC4: case 0xC5: case 0xC6: case 0xC7:
    case 0xF0: case 0x85: case 0x86: case 0x87: case 0x88: case 0x89: case 0x8B:
    case 0xF2:
        return tpdu == EXMTA_COTP_CR || tpdu == EXMTA_COTP_CC ||
               (code == 0xC1 && tpdu == EXMTA_COTP_ER);  /* ER: invalid TPDU */
    case 0xE0:                      /* additional clearing information */
        return tpdu == EXMTA_COTP_DR;
    default:
        return FALSE;
    }
}

/* The variable part [from, end) must be a sequence of known TLVs that ends
 * exactly at end: a parameter running past the LI is the classic sign of a
 * payload that only looks like COTP. */
static gboolean
parameters_valid(guint8 tpdu, const guint8 *cotp, gsize from, gsize end)
{
    gsize p = from;

    while (p < end) {
        guint8 code, plen;

        if (end - p < 2)
            return FALSE;
        code = cotp[p];
        plen = cotp[p + 1];
        if (!parameter_known(tpdu, code))
            return FALSE;
        if ((gsize)plen > end - p - 2)
            return FALSE;
        /* TPDU size is a power of two from 128 (7) to 8192 (13), one octet. */
        if (code == 0xC0 && (plen != 1 || cotp[p + 2] < 7 || cotp[p + 2] > 13))
            return FALSE;
        p += 2 + (gsize)plen;
    }
    return TRUE;
}

/* Validate one COTP header; cotp_len covers at least LI + 1 octets. */
static exmta_r1006_status_t
check_cotp(const guint8 *cotp, gsize cotp_len, exmta_r1006_info_t *info)
{
    guint8 li = cotp[COTP_LI];
    guint8 code = cotp[COTP_CODE] >> 4;
    gsize hdr_end = (gsize)li + 1;          /* first octet after the header */

    (void)cotp_len;
    switch (code) {
    case EXMTA_COTP_CR:
    case EXMTA_COTP_CC: {
        guint8 cls, opts;

        if (li < 6)
            return EXMTA_R1006_BAD_FIXED_PART;
        if ((cotp[COTP_CODE] & 0x0F) != 0)              /* CDT is 0 in classes 0-2 without flow control */
            return EXMTA_R1006_BAD_FIXED_PART;
        if (code == EXMTA_COTP_CR && (cotp[COTP_DST_REF] != 0 || cotp[COTP_DST_REF + 1] != 0))
            return EXMTA_R1006_BAD_FIXED_PART;          /* a CR has no destination reference yet */
        cls = cotp[COTP_CLASS] >> 4;
        opts = cotp[COTP_CLASS] & 0x0F;
        if ((cls != 0 && cls != 2) || (opts & 0x0C) != 0)
            return EXMTA_R1006_BAD_CLASS;               /* RFC1006: class 0; RFC 2126: class 2 */
        if (!parameters_valid(code, cotp, 7, hdr_end))
            return EXMTA_R1006_BAD_PARAMETER;
        if (info)
            info->cotp_class = cls;
        return EXMTA_R1006_OK;
    }
    case EXMTA_COTP_DR:
        if (li < 6 || (cotp[COTP_CODE] & 0x0F) != 0)
            return EXMTA_R1006_BAD_FIXED_PART;
        if (!dr_reason_known(cotp[COTP_DR_REASON]))
            return EXMTA_R1006_BAD_FIXED_PART;
        if (!parameters_valid(code, cotp, 7, hdr_end))
            return EXMTA_R1006_BAD_PARAMETER;
        if (info)
            info->dr_reason = cotp[COTP_DR_REASON];
        return EXMTA_R1006_OK;
    case EXMTA_COTP_DC:
        if (li < 5 || (cotp[COTP_CODE] & 0x0F) != 0)
            return EXMTA_R1006_BAD_FIXED_PART;
        if (!parameters_valid(code, cotp, 6, hdr_end))
            return EXMTA_R1006_BAD_PARAMETER;
        return EXMTA_R1006_OK;
    case EXMTA_COTP_ER:
        if (li < 4 || (cotp[COTP_CODE] & 0x0F) != 0 || cotp[COTP_ER_CAUSE] > 3)
            return EXMTA_R1006_BAD_FIXED_PART;
        if (!parameters_valid(code, cotp, 5, hdr_end))
            return EXMTA_R1006_BAD_PARAMETER;
        return EXMTA_R1006_OK;
    case EXMTA_COTP_DT:
        /* Class 0 DT: LI 2, code F0, then EOT bit with a zero sequence number. */
        if (li != 2 || cotp[COTP_CODE] != 0xF0 || (cotp[COTP_DT_EOT] & 0x7F) != 0)
            return EXMTA_R1006_BAD_DT;
        return EXMTA_R1006_OK;
    default:
        return EXMTA_R1006_BAD_TPDU;    /* ED, EA, RJ, AK: not in class 0; others undefined */
    }
}

/* A DT that opens a session we have not seen connect must carry the start of
 * an OSI session SPDU (ISO 8327): GIVE TOKENS + DATA TRANSFER or one of the
 * activity SPDUs an MTA sends (ACTIVITY START, ACTIVITY END, its ACK), or a
 * connect/accept/finish/disconnect/abort/refuse/not-finished SPDU whose length
 * fits. S7comm (0x32...) and RDP's MCS (0x7F, 0x64, 0x68...) do not. */
static gboolean
starts_session_spdu(const guint8 *ud, gsize ud_len)
{
    gsize spdu_len;

    if (ud_len < 2)
        return FALSE;
    switch (ud[0]) {
    case 1:     /* GT (LI 0) then DT, AS, AE or AEA (LI), as ISO 8327 concatenates them */
        return ud_len >= 4 && ud[1] == 0 &&
               (ud[2] == 1 || ud[2] == 45 || ud[2] == 41 || ud[2] == 42) && (gsize)ud[3] + 4 <= ud_len;
    case 8: case 9: case 10: case 12: case 13: case 14: case 25: case 26:
        if (ud[1] == 0xFF) {
            if (ud_len < 4)
                return FALSE;
            spdu_len = ((gsize)ud[2] << 8 | ud[3]) + 4;
        } else {
            spdu_len = (gsize)ud[1] + 2;
        }
        return spdu_len <= ud_len;
    default:
        return FALSE;
    }
}

/* Validate the TPKT + COTP header at buf (remaining length len). Returns OK
 * and fills tpkt_len, or an error. *partial is set when the COTP header is
 * not all in buf. */
static exmta_r1006_status_t
check_tpkt(const guint8 *buf, gsize len, guint16 *tpkt_len, gboolean *partial,
           exmta_r1006_info_t *info)
{
    guint8 li;

    *partial = FALSE;
    if (len < MIN_TPKT_LEN) {
        *partial = TRUE;
        return EXMTA_R1006_SHORT;
    }
    if (buf[0] != EXMTA_TPKT_VERSION)
        return EXMTA_R1006_BAD_VERSION;
    *tpkt_len = (guint16)(buf[2] << 8 | buf[3]);
    if (*tpkt_len < MIN_TPKT_LEN)
        return EXMTA_R1006_BAD_TPKT_LENGTH;
    li = buf[EXMTA_TPKT_HEADER_LEN + COTP_LI];
    if (li == 255 || li < 2 || (gsize)li + 1 > (gsize)*tpkt_len - EXMTA_TPKT_HEADER_LEN)
        return EXMTA_R1006_BAD_LI;
    if ((gsize)li + 1 > len - EXMTA_TPKT_HEADER_LEN) {
        *partial = TRUE;
        return EXMTA_R1006_SHORT;
    }
    /* Only DT carries bulk data. The connection TPDUs carry at most a little
     * user data (DR: 64 octets, the most any of them may), so a CR of 65535
     * octets is not a CR. */
    if ((buf[EXMTA_TPKT_HEADER_LEN + COTP_CODE] >> 4) != EXMTA_COTP_DT &&
        (gsize)*tpkt_len > EXMTA_TPKT_HEADER_LEN + 1 + (gsize)li + MAX_CONTROL_USER_DATA)
        return EXMTA_R1006_BAD_TPKT_LENGTH;
    return check_cotp(buf + EXMTA_TPKT_HEADER_LEN, len - EXMTA_TPKT_HEADER_LEN, info);
}

gboolean
exmta_rfc1006_check(const guint8 *buf, gsize len, exmta_r1006_info_t *info)
{
    exmta_r1006_info_t local;
    exmta_r1006_status_t st;
    guint16 tpkt_len = 0;
    gboolean partial;
    gsize off;

    if (!info)
        info = &local;
    memset(info, 0, sizeof(*info));

    st = check_tpkt(buf, len, &tpkt_len, &partial, info);
    if (st != EXMTA_R1006_OK) {
        info->status = st;
        return FALSE;
    }
    info->tpkt_length = tpkt_len;
    info->tpkt_reserved = buf[1];
    info->any_reserved_nonzero = buf[1] != 0;
    info->li = buf[EXMTA_TPKT_HEADER_LEN + COTP_LI];
    info->tpdu = buf[EXMTA_TPKT_HEADER_LEN + COTP_CODE] >> 4;

    if (info->tpdu == EXMTA_COTP_DT) {
        gsize ud_off = EXMTA_TPKT_HEADER_LEN + 3;
        gsize ud_avail = MIN((gsize)tpkt_len, len) - ud_off;

        if (!starts_session_spdu(buf + ud_off, ud_avail)) {
            info->status = EXMTA_R1006_NOT_SESSION;
            return FALSE;
        }
    }

    /* Every further complete TPKT header in the segment must validate too. */
    info->tpkts_checked = 1;
    off = tpkt_len;
    while (off < len) {
        exmta_r1006_info_t next;

        memset(&next, 0, sizeof(next));
        st = check_tpkt(buf + off, len - off, &tpkt_len, &partial, &next);
        if (st != EXMTA_R1006_OK) {
            if (partial && st == EXMTA_R1006_SHORT)
                break;      /* continues in the next segment */
            info->status = EXMTA_R1006_BAD_NEXT;
            return FALSE;
        }
        if (buf[off + 1] != 0)
            info->any_reserved_nonzero = TRUE;
        info->tpkts_checked++;
        off += tpkt_len;
    }
    info->status = EXMTA_R1006_OK;
    return TRUE;
}

guint
exmta_rfc1006_walk(const guint8 *buf, gsize len, exmta_tpdu_fn fn, gpointer user_data)
{
    gsize off = 0;
    guint n = 0;

    while (len - off >= MIN_TPKT_LEN) {
        const guint8 *p = buf + off;
        guint16 tpkt_len = (guint16)(p[2] << 8 | p[3]);
        guint8 li = p[EXMTA_TPKT_HEADER_LEN];

        if (p[0] != EXMTA_TPKT_VERSION || tpkt_len < MIN_TPKT_LEN || tpkt_len > len - off)
            break;
        if ((gsize)li + 1 > (gsize)tpkt_len - EXMTA_TPKT_HEADER_LEN)
            break;
        if (fn)
            fn(p[EXMTA_TPKT_HEADER_LEN + 1] >> 4, p + EXMTA_TPKT_HEADER_LEN,
               (gsize)tpkt_len - EXMTA_TPKT_HEADER_LEN, p[1], user_data);
        n++;
        off += tpkt_len;
    }
    return n;
}

gint
exmta_cotp_dt_spdu(const guint8 *cotp, gsize cotp_len, gboolean *eot)
{
    gsize li;

    if (eot)
        *eot = FALSE;
    if (cotp_len < 3 || (cotp[1] >> 4) != EXMTA_COTP_DT)
        return -1;
    li = cotp[0];
    /* the EOT bit leads the octet after the fixed part's references */
    if (li < 2 || (li > 2 && li < 4) || li >= cotp_len)
        return -1;
    if (eot)
        *eot = (cotp[li == 2 ? 2 : 4] & 0x80) != 0;
    return li + 1 < cotp_len ? cotp[li + 1] : -1;
}

/* Where the SPDU at off ends (ISO 8327: SI, LI of one octet or 0xFF and
 * two, then LI octets), which may be past cotp_len; 0 when its SI and LI
 * are not all there. */
static gsize
spdu_end(const guint8 *cotp, gsize cotp_len, gsize off)
{
    gsize len;

    if (off + 2 > cotp_len)
        return 0;
    len = cotp[off + 1];
    off += 2;
    if (len == 0xFF) {
        if (off + 2 > cotp_len)
            return 0;
        len = (gsize)cotp[off] << 8 | cotp[off + 1];
        off += 2;
    }
    return off + len;
}

/* The DT's user data is exactly one or two whole SPDUs (ISO 8327
 * concatenation) and nothing after, the first of a type that starts a TSDU
 * exmta reads: GIVE TOKENS (or DATA TRANSFER, the same SI) with what
 * follows it, a set-up, a release or an abort. */
static gboolean
dt_is_whole_spdus(const guint8 *cotp, gsize cotp_len)
{
    gsize off = (gsize)cotp[0] + 1;

    switch (off < cotp_len ? cotp[off] : 0) {
    case EXMTA_SPDU_GIVE_TOKENS: case EXMTA_SPDU_CONNECT: case EXMTA_SPDU_ACCEPT: case EXMTA_SPDU_REFUSE:
    case EXMTA_SPDU_FINISH: case EXMTA_SPDU_DISCONNECT: case EXMTA_SPDU_ABORT: case EXMTA_SPDU_ABORT_ACCEPT:
        break;
    default:
        return FALSE;
    }
    for (int i = 0; i < 2; i++) {
        off = spdu_end(cotp, cotp_len, off);
        if (!off)
            return FALSE;
        if (off == cotp_len)
            return TRUE;
    }
    return FALSE;
}

gint
exmta_cotp_tsdu_spdu(guint8 *in_tsdu, guint dir, const guint8 *cotp, gsize cotp_len, gboolean *eot)
{
    guint8 bit = dir ? 2 : 1, lost = dir ? 8 : 4;
    gboolean end = FALSE, continued;
    gint si;

    if (eot)
        *eot = FALSE;
    if (cotp_len < 2 || (cotp[1] >> 4) != EXMTA_COTP_DT)
        return -1;
    si = exmta_cotp_dt_spdu(cotp, cotp_len, &end);
    continued = (*in_tsdu & (bit | lost)) != 0;
    /* after a loss: a DT that ends a TSDU ends whichever one was under
     * way; it is taken for a TSDU of its own only when it holds whole
     * SPDUs exactly */
    if ((*in_tsdu & lost) && end && si >= 0 && dt_is_whole_spdus(cotp, cotp_len))
        continued = FALSE;
    if (end)
        *in_tsdu &= (guint8)~(bit | lost);
    else
        *in_tsdu |= bit;
    if (eot)
        *eot = end;
    if (si < 0)
        return -1;
    return continued ? EXMTA_SPDU_CONTINUED : si;
}

void
exmta_cotp_tsdu_lost(guint8 *in_tsdu, guint dir)
{
    *in_tsdu |= dir ? 8 : 4;
}

gint
exmta_cotp_dt_second_spdu(const guint8 *cotp, gsize cotp_len)
{
    gsize off;

    if (exmta_cotp_dt_spdu(cotp, cotp_len, NULL) < 0)
        return -1;
    off = spdu_end(cotp, cotp_len, (gsize)cotp[0] + 1);    /* after the first SPDU */
    return off && off < cotp_len ? cotp[off] : -1;
}

const char *
exmta_r1006_status_str(exmta_r1006_status_t status)
{
    switch (status) {
    case EXMTA_R1006_OK:              return "RFC1006";
    case EXMTA_R1006_SHORT:           return "too short for TPKT + COTP";
    case EXMTA_R1006_BAD_VERSION:     return "TPKT version is not 3";
    case EXMTA_R1006_BAD_TPKT_LENGTH: return "TPKT length too small";
    case EXMTA_R1006_BAD_LI:          return "COTP length indicator outside the TPDU";
    case EXMTA_R1006_BAD_TPDU:        return "TPDU code not used over RFC1006";
    case EXMTA_R1006_BAD_FIXED_PART:  return "COTP fixed part invalid";
    case EXMTA_R1006_BAD_CLASS:       return "COTP class or options not valid for RFC1006";
    case EXMTA_R1006_BAD_PARAMETER:   return "COTP parameter unknown or outside the length indicator";
    case EXMTA_R1006_BAD_DT:          return "COTP DT header invalid for class 0";
    case EXMTA_R1006_NOT_SESSION:     return "DT user data is not an OSI session SPDU";
    case EXMTA_R1006_BAD_NEXT:        return "a later TPKT in the segment is invalid";
    }
    return "unknown";
}

const char *
exmta_cotp_dr_reason_str(guint8 reason)
{
    switch (reason) {
    case 0x00: return "Reason not specified";
    case 0x01: return "Congestion at TSAP";
    case 0x02: return "Session entity not attached to TSAP";
    case 0x03: return "Address unknown";
    case 0x80: return "Normal disconnect initiated by the session entity";
    case 0x81: return "Remote transport entity congestion at connect request time";
    case 0x82: return "Connection negotiation failed";
    case 0x83: return "Duplicate source reference";
    case 0x84: return "Mismatched references";
    case 0x85: return "Protocol error";
    case 0x87: return "Reference overflow";
    case 0x88: return "Connection request refused on this network connection";
    case 0x8A: return "Header or parameter length invalid";
    default:   return NULL;
    }
}
