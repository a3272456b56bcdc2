/* rfc1006.h - is this TCP payload RFC1006 (TPKT + ISO 8073 COTP)?
 *
 * The pure half of exmta's heuristic: bytes in, a verdict and the facts it
 * rests on out. No libwireshark: unit-tested and fuzzed on its own.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef EXMTA_RFC1006_H
#define EXMTA_RFC1006_H

#include <glib.h>

#define EXMTA_TPKT_HEADER_LEN 4
#define EXMTA_TPKT_VERSION    3

/* COTP TPDU codes (high nibble of the second COTP octet) */
enum {
    EXMTA_COTP_ED = 0x1, EXMTA_COTP_EA = 0x2, EXMTA_COTP_RJ = 0x5, EXMTA_COTP_AK = 0x6,
    EXMTA_COTP_ER = 0x7, EXMTA_COTP_DR = 0x8, EXMTA_COTP_DC = 0xC, EXMTA_COTP_CC = 0xD,
    EXMTA_COTP_CR = 0xE, EXMTA_COTP_DT = 0xF,
};

typedef enum {
    EXMTA_R1006_OK = 0,
    EXMTA_R1006_SHORT,            /* fewer bytes than a TPKT + COTP fixed header */
    EXMTA_R1006_BAD_VERSION,      /* TPKT version is not 3 */
    EXMTA_R1006_BAD_TPKT_LENGTH,  /* TPKT length too small for a COTP header */
    EXMTA_R1006_BAD_LI,           /* COTP length indicator past the TPDU, or 255 */
    EXMTA_R1006_BAD_TPDU,         /* TPDU code not valid over RFC1006 (class 0) */
    EXMTA_R1006_BAD_FIXED_PART,   /* LI too short for the TPDU's fixed part, or bad fields */
    EXMTA_R1006_BAD_CLASS,        /* CR/CC: class or options not valid for RFC1006 */
    EXMTA_R1006_BAD_PARAMETER,    /* variable part: unknown code, or a TLV not inside the LI */
    EXMTA_R1006_BAD_DT,           /* DT: not 'LI 2, F0, EOT/0' */
    EXMTA_R1006_NOT_SESSION,      /* a lone DT whose user data is not an OSI session SPDU */
    EXMTA_R1006_BAD_NEXT,         /* a later TPKT in the same segment does not validate */
} exmta_r1006_status_t;

typedef struct {
    exmta_r1006_status_t status;
    guint16 tpkt_length;          /* of the first TPKT */
    guint8  tpkt_reserved;        /* of the first TPKT; non-zero from Exchange 4.0 before SP3 */
    gboolean any_reserved_nonzero;/* any TPKT checked had a non-zero reserved byte */
    guint8  li;                   /* COTP length indicator of the first TPDU */
    guint8  tpdu;                 /* TPDU code of the first TPDU (EXMTA_COTP_*) */
    guint8  cotp_class;           /* CR/CC only */
    guint8  dr_reason;            /* DR only */
    guint   tpkts_checked;        /* complete TPKTs validated in the buffer */
} exmta_r1006_info_t;

/* Strict check of the start of a TCP segment's payload. Validates every
 * complete TPKT in [buf, buf+len) (a last, partial one only as far as its
 * COTP header), so a TPKT header followed by garbage is refused.
 * A session may be recognised on CR, CC, DR, DC, ER, or on a DT whose user
 * data starts with an OSI session SPDU (an association already running when
 * the capture started). Returns TRUE when the payload is RFC1006. */
gboolean exmta_rfc1006_check(const guint8 *buf, gsize len, exmta_r1006_info_t *info);

/* Walk the complete TPKTs in a buffer that is already known to be RFC1006
 * (port preference or an established session), calling fn for each COTP
 * header. Stops at the first incomplete or invalid TPKT. Returns the count. */
typedef void (*exmta_tpdu_fn)(guint8 tpdu, const guint8 *cotp, gsize cotp_len,
                              guint8 tpkt_reserved, gpointer user_data);
guint exmta_rfc1006_walk(const guint8 *buf, gsize len, exmta_tpdu_fn fn, gpointer user_data);

/* OSI session SPDU types (ISO 8327 SI octet) that open or refuse a session
 * connection (the MTA bind travels in their user data), and those that
 * release or abort it. */
enum {
    EXMTA_SPDU_REFUSE = 12, EXMTA_SPDU_CONNECT = 13, EXMTA_SPDU_ACCEPT = 14,
    EXMTA_SPDU_FINISH = 9, EXMTA_SPDU_DISCONNECT = 10, EXMTA_SPDU_ABORT = 25, EXMTA_SPDU_ABORT_ACCEPT = 26,
    EXMTA_SPDU_GIVE_TOKENS = 1,     /* also DATA TRANSFER: the same SI */
};

/* For a COTP header as an exmta_tpdu_fn gets it: when it is a DT with user
 * data, the SI octet its user data starts with (a session SPDU type), else
 * -1. *eot (may be NULL) says whether a DT ends its TSDU, user data or not.
 * Class 0/1 DTs (LI 2) and class 2-4 normal and extended formats (LI 4 or
 * more). Only a DT that begins a TSDU starts with an SPDU: see
 * exmta_cotp_tsdu_spdu. */
gint exmta_cotp_dt_spdu(const guint8 *cotp, gsize cotp_len, gboolean *eot);

/* A TSDU's later DTs carry the rest of it, whose first octet is no SPDU
 * type. EXMTA_SPDU_CONTINUED: a DT with user data that continues a TSDU. */
#define EXMTA_SPDU_CONTINUED (-2)

/* exmta_cotp_dt_spdu for the DTs of one transport connection taken in
 * order, direction dir (0 or 1): EXMTA_SPDU_CONTINUED for one that
 * continues a TSDU its direction began in an earlier DT. *in_tsdu holds where
 * each direction is (zero: at a TSDU's start, as when the connection
 * starts); every TPDU of the connection goes through here. */
gint exmta_cotp_tsdu_spdu(guint8 *in_tsdu, guint dir, const guint8 *cotp, gsize cotp_len, gboolean *eot);

/* Direction dir lost its place (bytes of it never reached exmta, or came
 * out of order: a chunk that does not start with a TPKT): until a DT that
 * ends a TSDU, every DT counts as continuing one, and that DT too, unless
 * its user data is exactly one or two whole SPDUs, the first a GIVE TOKENS
 * (an activity end: GIVE TOKENS and MAJOR SYNC POINT), a set-up, a release
 * or an abort: that starts and ends a TSDU of its own. */
void exmta_cotp_tsdu_lost(guint8 *in_tsdu, guint dir);

/* For a DT whose user data starts a TSDU with a whole SPDU (ISO 8327
 * concatenation: SI, LI of one octet or 0xFF and two, then LI octets), the
 * SI of the SPDU after the first, else -1. */
gint exmta_cotp_dt_second_spdu(const guint8 *cotp, gsize cotp_len);

/* MAJOR SYNC POINT, which is also ACTIVITY END: with GIVE TOKENS before it,
 * the end of an X.400 transfer, where stock's RTSE reassembles it. */
#define EXMTA_SPDU_MAJOR_SYNC 41

const char *exmta_r1006_status_str(exmta_r1006_status_t status);
const char *exmta_cotp_dr_reason_str(guint8 reason);   /* ISO 8073 13.5.3 e) */

#endif /* EXMTA_RFC1006_H */
