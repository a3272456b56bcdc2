/* packet-exmta.c - Exchange MTA: RFC1006 on the MTA port, by heuristic
 * anywhere, annotated and handed to Wireshark's own TPKT/COTP dissectors.
 *
 * exmta decodes nothing that libwireshark already decodes: every TCP payload
 * it claims goes to stock's "tpkt" dissector, exactly as on port 102, so
 * TPKT, COTP, session, presentation, ACSE, RTSE and X.411 (P1) come out as
 * stock, and frame.protocols lists them as stock does. exmta adds an "exmta" item that says how the
 * session was found, whether it carries X.400, and expert info for what an
 * Exchange support engineer looks for.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "packet-exmta.h"
#include "exmta-stats.h"
#include "exmta-x400-stats.h"
#include "exmta-frame.h"
#include "exmta-epm.h"
#include "exmta-epm-nobind.h"
#include "exmta-uat.h"
#include "exmta-known-menu.h"
#include "exmta-x400.h"

#include <epan/prefs.h>
#include <epan/conversation.h>
#include <epan/epan_dissect.h>
#include <epan/exceptions.h>
#include <epan/proto_data.h>
#include <epan/tap.h>

#include "rfc1006.h"
#include "flowcache.h"
#include "frameidx.h"

#define EXMTA_DEFAULT_RFC1006_PORT 102
#define EXMTA_DEFAULT_RFC1006_PORT_STR "102"

static int proto_exmta = -1;

static int hf_rfc1006 = -1;
static int hf_detected_by = -1;
static int hf_port = -1;
static int hf_default_port = -1;
static int hf_session_start = -1;
static int hf_tpkt_reserved = -1;
static int hf_x400 = -1;
static int hf_x400_since = -1;
static int hf_dr_reason = -1;
static int hf_refused = -1;
static int hf_x400_bind = -1;
static int hf_x400_initiator = -1;
static int hf_x400_responder = -1;
static int hf_x400_bind_error = -1;

/* Stock X.411 fields exmta reads back from the tree (never re-decodes). */
static int hf_p1_bind_argument = -1;
static int hf_p1_bind_result = -1;
static int hf_p1_bind_error = -1;
static int hf_p1_initiator_name = -1;
static int hf_p1_responder_name = -1;

static gint ett_exmta = EXMTA_ETT_INIT;
static gint ett_rfc1006 = EXMTA_ETT_INIT;

static expert_field ei_nonstandard_port = EI_INIT;
static expert_field ei_reserved_nonzero = EI_INIT;
static expert_field ei_cotp_disconnect = EI_INIT;
static expert_field ei_conn_refused = EI_INIT;
static expert_field ei_bind_refused = EI_INIT;

static range_t *rfc1006_ports;                  /* exmta.tcp.port */
static range_t *rfc1006_ports_registered;       /* what is in tcp.port now */

static dissector_handle_t exmta_port_handle;     /* tcp.port: exmta.tcp.port, Decode As */
static dissector_handle_t exmta_conv_handle;     /* sessions found by the heuristic */
static dissector_handle_t tpkt_handle;        /* stock TPKT: every RFC1006 PDU goes through it */
static dissector_table_t tcp_port_table;
static int proto_tpkt = -1;
static int proto_p1 = -1;
static int proto_acse = -1;
static int proto_ws_expert = -1;

#define EXMTA_SESSION_CACHE_SLOTS 4096

/* How an RFC1006 frame was attributed to exmta (exmta.rfc1006.detected_by).
 * Values are part of the public filter contract: append, never renumber. */
enum {
    DETECTED_PORT_PREF = 1,     /* exmta.tcp.port ('RFC1006 Port Number') */
    DETECTED_TPKT_PORT = 2,     /* stock tpkt.tcp.port, decoded by stock TPKT */
    DETECTED_HEURISTIC = 3,     /* this frame made the heuristic recognise the session */
    DETECTED_CONVERSATION = 4,  /* a later frame of a session the heuristic recognised */
    DETECTED_DECODE_AS = 5,     /* Decode As ... exmta on a port outside the preference */
};

static const value_string detected_by_vals[] = {
    { DETECTED_PORT_PREF,    "Port preference (exmta.tcp.port, 'RFC1006 Port Number')" },
    { DETECTED_TPKT_PORT,    "Stock TPKT port preference (tpkt.tcp.port)" },
    { DETECTED_HEURISTIC,    "Heuristic" },
    { DETECTED_CONVERSATION, "Conversation (recognised earlier by the heuristic)" },
    { DETECTED_DECODE_AS,    "Decode As" },
    { 0, NULL }
};

static const value_string bind_state_vals[] = {
    { EXMTA_SUM_BIND_REQUEST,  "MTA bind request" },
    { EXMTA_SUM_BIND_ACCEPTED, "MTA bind accepted" },
    { EXMTA_SUM_BIND_REFUSED,  "MTA bind refused" },
    { 0, NULL }
};

/* X.411 MTABindError */
static const value_string bind_error_vals[] = {
    { 0, "busy" },
    { 2, "authentication-error" },
    { 3, "unacceptable-dialogue-mode" },
    { 4, "unacceptable-security-context" },
    { 5, "inadequate-association-confidentiality" },
    { 0, NULL }
};

static const char *
bind_error_str(gint v)
{
    return val_to_str_const((guint32)v, bind_error_vals, "unknown bind error");
}

/* Per conversation: what we know about one TCP session. */
typedef struct {
    guint8  detected_by;        /* how the session was first attributed */
    guint16 port;               /* the RFC1006 (server) port */
    guint32 first_frame;        /* frame in which it was attributed */
    guint32 x400_frame;         /* first frame that carried X.411 (P1), 0 = none yet */
    gboolean connect_pending;   /* a session CONNECT/ACCEPT/REFUSE SPDU continues in the next DT */
    gboolean refused_reported;  /* SYN answered by RST already reported */
    conversation_t *conv;       /* the TCP conversation this record belongs to */
    struct tcp_analysis *tcpd;  /* TCP's data of that conversation */
    const struct exmta_rfc1006_frame *last_rec; /* the record its last RFC1006 frame kept */
    const struct exmta_rfc1006_frame *plain_rec; /* the last kept that names nothing of its own (plain_record) */
    const struct exmta_tcp_frame *last_tcp_rec; /* likewise for its last stock-TPKT or RST frame */
    guint x400_pending;         /* an SPDU exmta-x400 reads continues in the next DT: its reads */
    gboolean saw_tpdu;          /* exmta has walked a TPDU of the session */
    gboolean mid_start;         /* its first was a DT: the capture starts inside a connection */
    guint8 tsdu_open;           /* per direction, a TSDU continues in the next DT, or its place is lost
                                 * (exmta_cotp_tsdu_spdu, exmta_cotp_tsdu_lost) */
    gboolean rst_noted;         /* TCP's reset of the session already fed to the associations */
    gboolean x410;              /* stock decoded its last set-up in X.410-1984 mode (P1 with no ACSE) */
    guint8 data_tsdu;           /* per direction (bit 1 << dir), a TSDU of data is under way; (4 << dir)
                                 * one ended since the direction's last transfer end */
    guint32 stale_end[2];       /* per direction, a transfer end stock lost (cap.rtse_data_came) */
    const exmta_x400_frame_t *x400_plain; /* the association record of frames that show nothing */
    const exmta_x400_frame_t *x400_last;  /* the last record of a frame that shows something */
} exmta_conv_t;

/* Per frame, decided on the first pass, read on every later one; frames
 * that decided alike share one (see keep_first_pass_frame). */
typedef struct exmta_rfc1006_frame {
    guint8  detected_by;
    guint16 port;
    guint32 session_start;
    guint32 x400_frame;
    guint8  tpkt_reserved;      /* non-zero reserved byte seen in this frame */
    gboolean has_dr;
    guint8  dr_reason;
    gboolean nonstandard_port;  /* heuristic hit outside exmta.tcp.port */
    /* Where the reserved byte and the DR's reason are in the frame's own
     * bytes, as offset + 1; 0 when they are not (in a reassembled PDU). */
    guint32 reserved_pos;
    guint32 dr_pos;
    /* The MTA bind as stock X.411 decoded it in this frame (first pass). */
    guint8  bind;               /* EXMTA_SUM_BIND_* */
    gint    bind_error;         /* MTABindError when bind is REFUSED */
    const char *initiator;      /* file scope, or NULL */
    const char *responder;
    /* What names of the association the first pass did not read (nobody
     * could show them): a COTP CR's TSAPs, a session CONNECT
     * (EXMTA_X400_READ_CR, _CONNECT). The first later pass that can reads
     * them (read_pending_names). Such a record is never shared with
     * another frame. */
    guint8 unread;
    /* The frame has an X.400 record of its own (x400_of). */
    guint8 x400_own;
    exmta_conv_t *conv;         /* the session's record (file scope, like this) */
    /* The X.400 association's view of the frames that show nothing of it
     * (file scope); a frame that shows something has a record of its own
     * in cap.x400_frames instead (x400_of). */
    const exmta_x400_frame_t *x400;
} exmta_rfc1006_frame_t;

/* Per frame too, for TCP frames exmta annotates without dissecting them;
 * frames that decided alike share one, in cap.tcp_frames. */
typedef struct exmta_tcp_frame {
    gboolean refused;           /* this frame is the RST that answered a SYN */
    guint16 port;
    gboolean tpkt_port;         /* stock TPKT decoded it on a tpkt.tcp.port port */
    guint32 session_start;      /* tpkt_port: the frame its session was attributed in */
    const exmta_x400_frame_t *x400; /* a TCP reset that ends an X.400 association */
} exmta_tcp_frame_t;

/* Everything this file knows about the open capture file, in one place.
 * Emptied as each file starts and ends (forget_sessions); the records the
 * indexes point to are in file scope and go with the file.
 *
 * first_pass: RFC1006 records. The first pass builds the record of the
 * frame it is dissecting here (TCP may hand that frame over twice); the
 * postdissector, last to run for the frame, keeps it: the session's
 * previous record if they are equal (most frames of a session decide
 * alike), else a copy in file scope, noted in rfc1006_frames, which later
 * passes read. It is kept here rather than in pinfo->pool because a
 * postdissector that throws before exmta's leaves the frame's record to be
 * kept when the next frame starts. Frames are known by number (tshark
 * reuses one frame_data for every frame of a single pass). */
static struct {
    /* Stock TPKT's ports (tpkt.tcp.port), read when a file's dissection
     * starts (a preference change redissects, which starts it again): a
     * lookup by name costs more than the rest of the per-frame work. */
    guint8 tpkt_port_bits[EXMTA_PORT_BITS];
    /* TCP asks a conversation's dissector before anything else, then,
     * with "try heuristic sub-dissectors first", its heuristics, then its
     * port table. A session found by port is pinned to exmta as its
     * conversation's dissector, which spares TCP the port lookups on every
     * later frame, unless heuristics go first: then it must be asked for
     * by port, as stock TPKT on 102 is, for the heuristics to get the same
     * first go as with stock. Read with the TPKT ports (read_stock_prefs). */
    gboolean pin_port_sessions;
    /* Server ports of this file where exmta found RFC1006 outside its
     * port range (heuristic, Decode As): their sessions' frames without
     * RFC1006 payload (a TCP reset) matter as on exmta's own ports. */
    guint8 found_port_bits[EXMTA_PORT_BITS];
    /* Session records by directed flow (exmta_frame_flow_get): on the first
     * pass most frames of a session find their record without a
     * conversation lookup. */
    exmta_flowcache_t *sessions;
    exmta_frameidx_t *rfc1006_frames;   /* exmta_rfc1006_frame_t of every RFC1006 frame */
    exmta_frameidx_t *tcp_frames;       /* exmta_tcp_frame_t of the frames that have one */
    /* The X.400 view of the RFC1006 frames that have one of their own:
     * about one in three on a busy MTA link. Kept apart from the RFC1006
     * record, so that the frames around such a frame still share theirs. */
    exmta_frameidx_t *x400_frames;
    /* The TCP payload octets each frame of an X.400 association completed
     * (GUINT_TO_POINTER; frames with none have no entry): its bytes. */
    exmta_frameidx_t *payloads;
    struct {
        guint32 num;                    /* 0 = none */
        gboolean kept;
        exmta_rfc1006_frame_t rec;      /* being decided */
        exmta_rfc1006_frame_t *fd;      /* &rec until kept, then the kept record */
        exmta_x4_obs_t x400;            /* what stock's tree showed of X.400 */
        const exmta_x4_transfer_t *transfers;   /* and its P1 transfers */
        guint n_transfers;
        guint tpdus;                    /* whole TPKTs the walk found in it */
        guint transfer_ends;            /* P1 transfers stock's RTSE completes in it */
        gboolean interleaved;           /* ... one that stock's session dissector loses */
        guint32 late_of;                /* stock shows here the transfer it lost there */
        guint32 payload;                /* TCP payload octets stock TPKT took in it */
    } first_pass;
    /* Stock's session dissector keeps one "RTSE data came" flag for every
     * connection: the end of a TSDU of data sets it, the next transfer end
     * (MAJOR SYNC POINT) anywhere takes it, and a transfer end that finds it
     * unset gets no RTSE reassembly. Its data stays in RTSE's reassembly
     * until that direction's next transfer end, which shows it (the first
     * P1 of what it reassembles) instead of its own. Kept here as stock
     * keeps it, over the first pass in frame order. */
    gboolean rtse_data_came;
} cap;

/* The ports exmta is registered on now (not the preference's value, which a
 * front end may change without applying it, as sharkd's setconf does):
 * rfc1006_ports_registered, kept in step by apply_exmta_prefs(). */
static guint8 exmta_port_bits[EXMTA_PORT_BITS];

static gboolean
port_in_exmta_range(guint16 port)
{
    return exmta_port_bit(exmta_port_bits, port);
}


static gboolean
port_in_tpkt_range(guint16 port)
{
    return exmta_port_bit(cap.tpkt_port_bits, port);
}

static void
read_stock_prefs(void)
{
    exmta_fill_port_bits(cap.tpkt_port_bits, prefs_get_range_value("tpkt", "tcp.port"));
    cap.pin_port_sessions = exmta_stock_pref_off("tcp", "try_heuristic_first");
}

/* Whether this frame went through a protocol: proto_is_frame_protocol()
 * looks the name up on every call; the ids are found once at handoff. */
static gboolean
frame_has_proto(packet_info *pinfo, int proto_id)
{
    wmem_list_frame_t *f;

    if (proto_id <= 0)
        return FALSE;
    for (f = wmem_list_head(pinfo->layers); f; f = wmem_list_frame_next(f))
        if (GPOINTER_TO_INT(wmem_list_frame_data(f)) == proto_id)
            return TRUE;
    return FALSE;
}

/* The P1 transfers an observation counts. */
static guint
transfers_in(const exmta_x4_obs_t *o)
{
    return (guint)o->messages + o->reports + o->probes;
}

/* The conversation's exmta record, made if make and it has none (else
 * NULL); with TCP's data of the conversation once TCP has it. */
static exmta_conv_t *
conv_data(conversation_t *conv, gboolean make)
{
    exmta_conv_t *cd = (exmta_conv_t *)conversation_get_proto_data(conv, proto_exmta);
    if (!cd) {
        if (!make)
            return NULL;
        cd = wmem_new0(wmem_file_scope(), exmta_conv_t);
        cd->conv = conv;
        conversation_add_proto_data(conv, proto_exmta, cd);
    }
    if (!cd->tcpd)
        cd->tcpd = exmta_tcp_data_of(conv);
    return cd;
}

/* Which record session_of() gives. */
typedef enum {
    SESSION_MAKE,       /* find_or_create_conversation(), as a payload dissector does */
    SESSION_ANY,        /* of the frame's conversation, if it has one */
    SESSION_FOUND       /* only of a session exmta found RFC1006 in */
} session_want_t;

/* The record of this TCP frame's conversation (first pass only), from the
 * flow cache while the flow still leads to the same conversation; NULL
 * when there is none that want asks for. */
static exmta_conv_t *
session_of(packet_info *pinfo, session_want_t want)
{
    exmta_conv_t *cd = (exmta_conv_t *)exmta_frame_flow_get(cap.sessions, pinfo);
    conversation_t *conv;

    if (cd)
        return cd;
    conv = want == SESSION_MAKE ? find_or_create_conversation(pinfo) : find_conversation_pinfo(pinfo, 0);
    if (!conv)
        return NULL;
    cd = conv_data(conv, want != SESSION_FOUND);
    if (!cd || (want == SESSION_FOUND && !cd->first_frame))
        return NULL;
    exmta_frame_flow_put(cap.sessions, pinfo, cd);
    return cd;
}

/* What the first pass learns from the COTP headers of this chunk. */
typedef struct {
    exmta_rfc1006_frame_t *fd;
    tvbuff_t *tvb;              /* the chunk */
    packet_info *pinfo;
    const guint8 *buf;          /* its bytes */
    guint dir;                  /* which way it goes (0 or 1, the same for every frame one way) */
    gboolean connect_phase;     /* a DT carries (part of) a session CONNECT, ACCEPT or REFUSE */
    gboolean answer;            /* ... of which a REFUSE, or an answer begun in an earlier frame */
    guint reads;                /* what stock's tree may say of the X.400 association (EXMTA_X400_READ_*) */
    guint transfer_ends;        /* P1 transfers stock's RTSE may complete in the chunk */
} walk_ctx_t;

/* COTP octets exmta reads: a DR's reason (after LI, code, dst-ref, src-ref) */
#define COTP_DR_REASON_OFF 6
/* the TPKT reserved byte, seen from the COTP header that follows it */
#define TPKT_RESERVED_BEFORE_COTP 3

static gint offset_in_frame(tvbuff_t *tvb, packet_info *pinfo);

/* Where p is in the frame's own bytes, as offset + 1; 0 when the chunk is
 * elsewhere (a reassembled PDU). Asked for rare octets only. */
static guint32
frame_pos(const walk_ctx_t *ctx, const guint8 *p)
{
    gint off = offset_in_frame(ctx->tvb, ctx->pinfo);

    return off < 0 ? 0 : (guint32)(off + (p - ctx->buf)) + 1;
}

/* A transfer end of direction dir in frame num, as stock's session
 * dissector takes it (cap.rtse_data_came). */
static void
note_rtse_flag(exmta_conv_t *cd, guint dir, guint32 num)
{
    gboolean had_data = (cd->data_tsdu & (4u << dir)) != 0;

    cd->data_tsdu &= (guint8)~(4u << dir);
    if (!cap.rtse_data_came) {
        cap.first_pass.interleaved = TRUE;
        /* RTSE keeps the transfer's data only if it had it whole: not one
         * whose start was before the capture, nor one in X.410-1984 mode */
        if (!cd->stale_end[dir] && !cd->x410 && had_data)
            cd->stale_end[dir] = num;
    } else if (cd->stale_end[dir]) {
        /* a lost end earlier in this same frame is shown in its own frame:
         * not late, but the transfer ending now is not shown */
        if (cd->stale_end[dir] != num)
            cap.first_pass.late_of = cd->stale_end[dir];
        cd->stale_end[dir] = 0;
    }
    cap.rtse_data_came = FALSE;
}

static void
note_tpdu(guint8 tpdu, const guint8 *cotp, gsize cotp_len, guint8 reserved, gpointer user_data)
{
    walk_ctx_t *ctx = (walk_ctx_t *)user_data;
    exmta_conv_t *cd = ctx->fd->conv;
    gboolean eot;
    gint si, second;

    if (reserved != 0) {
        ctx->fd->tpkt_reserved = reserved;
        ctx->fd->reserved_pos = frame_pos(ctx, cotp - TPKT_RESERVED_BEFORE_COTP);
    }
    if (tpdu == EXMTA_COTP_DR && cotp_len > COTP_DR_REASON_OFF && cotp[0] >= COTP_DR_REASON_OFF) {
        ctx->fd->has_dr = TRUE;
        ctx->fd->dr_reason = cotp[COTP_DR_REASON_OFF];
        ctx->fd->dr_pos = frame_pos(ctx, cotp + COTP_DR_REASON_OFF);
        cap.first_pass.x400.ev |= EXMTA_X4_DR;
        cap.first_pass.x400.dr_reason = cotp[COTP_DR_REASON_OFF];
    }
    if (!cd->saw_tpdu) {
        cd->saw_tpdu = TRUE;
        cd->mid_start = tpdu == EXMTA_COTP_DT;
    }
    if (tpdu == EXMTA_COTP_CR) {
        cap.first_pass.x400.ev |= EXMTA_X4_CR;
        ctx->reads |= EXMTA_X400_READ_CR;
    } else if (tpdu == EXMTA_COTP_CC) {
        cap.first_pass.x400.ev |= EXMTA_X4_CC;
    }
    /* The MTA bind travels in the session connection's SPDUs, in one DT or
     * in several up to the one with EOT. */
    si = exmta_cotp_tsdu_spdu(&cd->tsdu_open, ctx->dir, cotp, cotp_len, &eot);
    if (si == -1)
        return;
    /* after GIVE TOKENS: DATA TRANSFER (the same SI) starts a TSDU of data,
     * MAJOR SYNC POINT is an activity end */
    second = si == EXMTA_SPDU_GIVE_TOKENS ? exmta_cotp_dt_second_spdu(cotp, cotp_len) : -1;
    if (second == EXMTA_SPDU_GIVE_TOKENS)
        cd->data_tsdu |= (guint8)(1u << ctx->dir);
    if (eot && (cd->data_tsdu & (1u << ctx->dir))) {
        cd->data_tsdu = (guint8)((cd->data_tsdu & ~(1u << ctx->dir)) | (4u << ctx->dir));
        /* X.410-1984 mode's data is no RTSE to stock: it sets nothing */
        if (!cd->x410)
            cap.rtse_data_came = TRUE;
    }
    if (cd->connect_pending ||
        si == EXMTA_SPDU_CONNECT || si == EXMTA_SPDU_ACCEPT || si == EXMTA_SPDU_REFUSE) {
        ctx->connect_phase = TRUE;
        /* A CONNECT whole in this DT: the association's request, whether
         * or not stock's tree is read (the model needs only that). An
         * ACCEPT whole in it: the association is accepted at every layer
         * (a layer above that refuses makes the session REFUSE), so it too
         * only names (responder, selectors) and needs no read to decide. */
        if (si == EXMTA_SPDU_CONNECT && eot && !cd->connect_pending)
            cap.first_pass.x400.ev |= EXMTA_X4_SES_CN;
        else if (si == EXMTA_SPDU_ACCEPT && eot && !cd->connect_pending)
            cap.first_pass.x400.ev |= EXMTA_X4_SES_AC;
        else
            ctx->answer = TRUE;
        cd->connect_pending = !eot;
    }
    /* The association's set-up, its aborts, and where a P1 transfer
     * completes: stock's RTSE reassembles a transfer at the MAJOR SYNC
     * POINT (ACTIVITY END) after it, sent with GIVE TOKENS, in an MTA
     * session, or in a connection that started before the capture (whose
     * X.400 stock may decode only once told its presentation contexts).
     * With stock's RTSE reassembly off, every end of a TSDU in them. */
    if (cd->x400_pending) {
        ctx->reads |= cd->x400_pending;
    } else if (ctx->connect_phase) {
        ctx->reads |= EXMTA_X400_READ_CONNECT;
    } else if (si == EXMTA_SPDU_DISCONNECT) {
        /* the end of a release (a FINISH only asks for it): a DISCONNECT
         * whole in this DT is all the association needs, and it names
         * nothing; one in several DTs is read where stock completes it */
        if (eot) {
            cap.first_pass.x400.ev |= EXMTA_X4_SES_DN;
            return;
        }
        ctx->reads |= EXMTA_X400_READ_RELEASE;
    } else if (si == EXMTA_SPDU_ABORT || si == EXMTA_SPDU_ABORT_ACCEPT) {
        ctx->reads |= EXMTA_X400_READ_ABORT;
    } else if (eot && (cd->x400_frame || cd->mid_start) &&
               (exmta_x400_read_every_tsdu() || second == EXMTA_SPDU_MAJOR_SYNC)) {
        ctx->reads |= EXMTA_X400_READ_TRANSFER;
        if (!exmta_x400_read_every_tsdu()) {
            cap.first_pass.transfer_ends++;
            ctx->transfer_ends++;
            note_rtse_flag(cd, ctx->dir, ctx->pinfo->num);
        }
        return;
    } else {
        return;
    }
    cd->x400_pending = eot ? 0 : ctx->reads & ~(guint)EXMTA_X400_READ_CR;
}

/* Where tvb's bytes start in the frame's own bytes (the first data
 * source), or -1 when they are elsewhere (a reassembled PDU). */
static gint
offset_in_frame(tvbuff_t *tvb, packet_info *pinfo)
{
    tvbuff_t *frame_tvb = pinfo->data_src ? get_data_source_tvb((struct data_source *)pinfo->data_src->data) : NULL;

    return frame_tvb && tvb_get_ds_tvb(tvb) == frame_tvb ? tvb_raw_offset(tvb) : -1;
}

/* The exmta.rfc1006 label of a shown tree ("RFC1006 session: TCP port 102,
 * Port preference (...)") depends only on the port and how the frame was
 * detected: formatted once for each pair, not for every frame (tshark 4.0's
 * -T fields shows the whole tree; appending the text to each frame's item
 * cost more than any other exmta item). Bounded by the ports seen; freed at
 * exit. */
static wmem_map_t *rfc1006_labels;      /* detected_by << 16 | port -> label (epan scope) */

static const char *
rfc1006_label(const exmta_rfc1006_frame_t *fd)
{
    guint key = (guint)fd->detected_by << 16 | fd->port;
    char *label;

    label = (char *)wmem_map_lookup(rfc1006_labels, GUINT_TO_POINTER(key));
    if (!label) {
        label = wmem_strdup_printf(wmem_epan_scope(), "%s: TCP port %u, %s", proto_registrar_get_name(hf_rfc1006), fd->port,
                                val_to_str_const(fd->detected_by, detected_by_vals, "?"));
        wmem_map_insert(rfc1006_labels, GUINT_TO_POINTER(key), label);
    }
    return label;
}

/* A one-octet item on its byte of the frame (pos = offset + 1), or a
 * generated one when the byte is not in the frame's own bytes. */
static proto_item *
add_uint_at(proto_tree *tree, int hf, tvbuff_t *tvb, guint32 pos, guint32 value)
{
    proto_item *ti;

    if (pos && tvb_bytes_exist(tvb, (gint)pos - 1, 1))
        return proto_tree_add_uint(tree, hf, tvb, (gint)pos - 1, 1, value);
    ti = proto_tree_add_uint(tree, hf, tvb, 0, 0, value);
    proto_item_set_generated(ti);
    return ti;
}

/* The frame's RFC1006 record has an expert info to add even without a
 * tree. */
static gboolean
rfc1006_warns(const exmta_rfc1006_frame_t *fd)
{
    return fd->nonstandard_port || fd->tpkt_reserved || fd->has_dr || fd->bind == EXMTA_SUM_BIND_REFUSED;
}

static void
add_rfc1006_tree(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, proto_tree **etp,
                 const exmta_rfc1006_frame_t *fd)
{
    proto_tree *et, *rt;
    proto_item *ti;

    /* Expert info is added even without a tree: tshark -z expert and the
     * Expert Information dialog rely on it. Without a tree nothing else is
     * needed, and most RFC1006 frames have no expert info at all. */
    if (!tree && !rfc1006_warns(fd))
        return;
    et = exmta_frame_tree_post(tvb, pinfo, tree, etp);
    if (proto_field_is_referenced(tree, hf_rfc1006))
        ti = proto_tree_add_none_format(et, hf_rfc1006, tvb, 0, 0, "%s", rfc1006_label(fd));
    else
        ti = proto_tree_add_item(et, hf_rfc1006, tvb, 0, 0, ENC_NA);
    rt = proto_item_add_subtree(ti, ett_rfc1006);
    ti = proto_tree_add_uint(rt, hf_detected_by, tvb, 0, 0, fd->detected_by);
    proto_item_set_generated(ti);
    ti = proto_tree_add_uint(rt, hf_port, tvb, 0, 0, fd->port);
    proto_item_set_generated(ti);
    ti = proto_tree_add_boolean(rt, hf_default_port, tvb, 0, 0,
                                fd->port == EXMTA_DEFAULT_RFC1006_PORT);
    proto_item_set_generated(ti);
    ti = proto_tree_add_uint(rt, hf_session_start, tvb, 0, 0, fd->session_start);
    proto_item_set_generated(ti);
    if (fd->nonstandard_port) {
        range_t *r = rfc1006_ports_registered;
        char *rs = r ? range_convert_range(pinfo->pool, r) : NULL;
        expert_add_info_format(pinfo, ti, &ei_nonstandard_port,
            "[RFC1006 Port Number] RFC1006 found by heuristic on TCP port %u, which is not in "
            "exmta.tcp.port (%s): every MTA that talks to this one must use the same "
            "'RFC1006 Port Number'", fd->port, rs ? rs : "empty");
    }
    ti = proto_tree_add_boolean(rt, hf_x400, tvb, 0, 0, fd->x400_frame != 0);
    proto_item_set_generated(ti);
    if (fd->x400_frame) {
        ti = proto_tree_add_uint(rt, hf_x400_since, tvb, 0, 0, fd->x400_frame);
        proto_item_set_generated(ti);
    }
    if (fd->tpkt_reserved) {
        ti = add_uint_at(rt, hf_tpkt_reserved, tvb, fd->reserved_pos, fd->tpkt_reserved);
        expert_add_info_format(pinfo, ti, &ei_reserved_nonzero,
            "[RFC1006 Port Number] TPKT reserved byte is 0x%02x, not 0: sent by an Exchange 4.0 MTA "
            "before Service Pack 3 (Microsoft KB Q157015); accepted because the COTP header is valid",
            fd->tpkt_reserved);
    }
    if (fd->has_dr) {
        const char *reason = exmta_cotp_dr_reason_str(fd->dr_reason);
        ti = add_uint_at(rt, hf_dr_reason, tvb, fd->dr_pos, fd->dr_reason);
        expert_add_info_format(pinfo, ti, &ei_cotp_disconnect,
            "COTP disconnect request on RFC1006 port %u: %s (0x%02x)", fd->port,
            reason ? reason : "unknown reason", fd->dr_reason);
    }
}

/* The record a frame keeps: its session's last one if rec equals it (most
 * frames of a session decide alike), else a copy in file scope. rec must
 * have been zeroed before it was filled in, so that padding compares too. */
static gpointer
same_or_copy(gconstpointer last, gconstpointer rec, gsize size)
{
    if (last && memcmp(last, rec, size) == 0)
        return (gpointer)last;
    return wmem_memdup(wmem_file_scope(), rec, size);
}

/* The frame's X.400 view: what stock's tree showed, and the association.
 * Frames that showed nothing share their association's record (rec->x400);
 * any other gets one of its own, returned. */
static const exmta_x400_frame_t *
keep_x400(exmta_rfc1006_frame_t *rec)
{
    exmta_conv_t *cd = rec->conv;
    exmta_x400_frame_t tmp;
    exmta_x4_obs_t *o = &cap.first_pass.x400;
    const exmta_x400_frame_t *own;
    gboolean plain;

    /* Most frames show nothing: they stay in the session's association,
     * which the model need not hear of (it counts nothing the shell uses). */
    if (cd->x400_plain && !cap.first_pass.n_transfers && exmta_x4_obs_empty(o) && !(o->ev & EXMTA_X4_PENDING)) {
        rec->x400 = cd->x400_plain;
        return NULL;
    }
    memset(&tmp, 0, sizeof(tmp));
    o->frame = cap.first_pass.num;
    o->stream = exmta_tcp_stream_num(cd->tcpd);
    tmp.transfers = cap.first_pass.transfers;
    tmp.n_transfers = cap.first_pass.n_transfers;
    tmp.late_of = cap.first_pass.late_of;
    /* A frame with no whole TPKT (a segment of a PDU that a later one
     * completes, a TPKT header sent alone) belongs to the connection's
     * current association, if any, but starts none: the PDU it begins
     * does, in the frame that completes it. */
    exmta_x400_assign(&tmp, o, !cap.first_pass.tpdus && exmta_x4_obs_empty(o) && !tmp.n_transfers,
                      cd->x410                       ? EXMTA_X400_UNDECODED_X410
                      : exmta_x400_reassembly_off()  ? EXMTA_X400_UNDECODED_REASSEMBLY_OFF
                      : cap.first_pass.interleaved   ? EXMTA_X400_UNDECODED_INTERLEAVED
                                                     : EXMTA_X400_UNDECODED_DATA);
    if (!tmp.assoc) {
        rec->x400 = NULL;
        return NULL;
    }
    if (cd->x400_plain && cd->x400_plain->assoc != tmp.assoc)
        cd->x400_plain = NULL;          /* a new association on the connection */
    /* a transfer left unread is not plain: a later pass fills it in */
    plain = exmta_x4_obs_empty(o) && !(o->ev & EXMTA_X4_PENDING) && !tmp.n_transfers && tmp.start_seen &&
            !tmp.end && !tmp.refused_by;
    if (plain && cd->x400_plain && cd->x400_plain->assoc == tmp.assoc) {
        rec->x400 = cd->x400_plain;
        return NULL;
    }
    if (plain) {
        cd->x400_plain = rec->x400 = (const exmta_x400_frame_t *)wmem_memdup(wmem_file_scope(), &tmp, sizeof(tmp));
        return NULL;
    }
    /* Frames that show alike share a record too: the transfers of an
     * association left for a later pass to read, most often. That pass
     * fills in a copy of its own (x400_to_fill). */
    own = (const exmta_x400_frame_t *)same_or_copy(cd->x400_last, &tmp, sizeof(tmp));
    cd->x400_last = own;
    rec->x400 = cd->x400_plain;
    return own;
}

/* A later pass fills in what the first left unread of a frame: into a
 * copy of its X.400 record, which becomes the frame's own. */
static exmta_x400_frame_t *
x400_to_fill(const exmta_x400_frame_t *xf, guint32 num)
{
    exmta_x400_frame_t *own = (exmta_x400_frame_t *)wmem_memdup(wmem_file_scope(), xf, sizeof(*xf));

    exmta_frameidx_set(cap.x400_frames, num, own);
    return own;
}

/* The frame's X.400 view (NULL: none). */
static const exmta_x400_frame_t *
x400_of(const exmta_rfc1006_frame_t *fd, guint32 num)
{
    return fd->x400_own ? (const exmta_x400_frame_t *)exmta_frameidx_get(cap.x400_frames, num) : fd->x400;
}

/* A record that names nothing of its own frame: one the session's other
 * such frames can share, whatever came between them. */
static gboolean
plain_record(const exmta_rfc1006_frame_t *rec)
{
    return !rec->unread && !rec->x400_own && !rec->bind && !rec->initiator && !rec->responder && !rec->has_dr &&
           !rec->tpkt_reserved;
}

static exmta_rfc1006_frame_t *
keep_first_pass_frame(void)
{
    exmta_rfc1006_frame_t *rec = &cap.first_pass.rec;
    exmta_conv_t *cd = rec->conv;
    exmta_rfc1006_frame_t *kept;
    const exmta_x400_frame_t *own, *xf;

    if (!cap.first_pass.num || cap.first_pass.kept)
        return cap.first_pass.fd;
    own = keep_x400(rec);
    if (own) {
        exmta_frameidx_set(cap.x400_frames, cap.first_pass.num, (gpointer)own);
        rec->x400_own = TRUE;
    }
    xf = own ? own : rec->x400;
    if (cap.first_pass.payload && xf && xf->assoc)
        exmta_frameidx_set(cap.payloads, cap.first_pass.num, GUINT_TO_POINTER(cap.first_pass.payload));
    if (rec->unread)
        kept = (exmta_rfc1006_frame_t *)wmem_memdup(wmem_file_scope(), rec, sizeof(*rec));
    else if (cd->plain_rec && cd->plain_rec != cd->last_rec && memcmp(cd->plain_rec, rec, sizeof(*rec)) == 0)
        kept = (exmta_rfc1006_frame_t *)cd->plain_rec;
    else
        kept = (exmta_rfc1006_frame_t *)same_or_copy(cd->last_rec, rec, sizeof(*rec));
    cd->last_rec = kept;
    if (plain_record(kept))
        cd->plain_rec = kept;
    exmta_frameidx_set(cap.rfc1006_frames, cap.first_pass.num, kept);
    cap.first_pass.kept = TRUE;
    cap.first_pass.fd = kept;
    return kept;
}

static exmta_rfc1006_frame_t *
new_first_pass_frame(packet_info *pinfo)
{
    /* kept by its postdissector call; unless a postdissector before ours threw */
    keep_first_pass_frame();
    memset(&cap.first_pass.rec, 0, sizeof(cap.first_pass.rec));
    exmta_x4_obs_init(&cap.first_pass.x400);
    cap.first_pass.transfers = NULL;
    cap.first_pass.n_transfers = 0;
    cap.first_pass.tpdus = 0;
    cap.first_pass.transfer_ends = 0;
    cap.first_pass.interleaved = FALSE;
    cap.first_pass.late_of = 0;
    cap.first_pass.payload = 0;
    cap.first_pass.num = pinfo->num;
    cap.first_pass.kept = FALSE;
    cap.first_pass.fd = &cap.first_pass.rec;
    return cap.first_pass.fd;
}

static exmta_rfc1006_frame_t *
rfc1006_frame_of(packet_info *pinfo)
{
    if (!PINFO_FD_VISITED(pinfo))
        return cap.first_pass.num == pinfo->num ? cap.first_pass.fd : NULL;
    keep_first_pass_frame();
    return (exmta_rfc1006_frame_t *)exmta_frameidx_get(cap.rfc1006_frames, pinfo->num);
}

/* The first field_info of hfid in this tree, primed before stock
 * dissected into it (dissect_stock). */
static field_info *
first_finfo(proto_tree *tree, int hfid)
{
    GPtrArray *a = exmta_fields_of(tree, hfid);

    return a && a->len ? (field_info *)g_ptr_array_index(a, 0) : NULL;
}

/* The MTA bind as stock X.411 decoded it into tree, a tree that carries
 * every item (dissect_rfc1006 makes it so), noted in the frame's record. */
static void
read_bind(proto_tree *tree, exmta_rfc1006_frame_t *fd)
{
    field_info *fi;

    if (!fd->bind) {
        if (first_finfo(tree, hf_p1_bind_argument))
            fd->bind = EXMTA_SUM_BIND_REQUEST;
        else if (first_finfo(tree, hf_p1_bind_result))
            fd->bind = EXMTA_SUM_BIND_ACCEPTED;
        else if ((fi = first_finfo(tree, hf_p1_bind_error)) != NULL) {
            fd->bind = EXMTA_SUM_BIND_REFUSED;
            fd->bind_error = (gint)fvalue_get_uinteger(EXMTA_FINFO_FVALUE(fi));
        }
    }
    if (!fd->initiator && (fi = first_finfo(tree, hf_p1_initiator_name)) != NULL)
        fd->initiator = wmem_strdup(wmem_file_scope(), fvalue_get_string(EXMTA_FINFO_FVALUE(fi)));
    if (!fd->responder && (fi = first_finfo(tree, hf_p1_responder_name)) != NULL)
        fd->responder = wmem_strdup(wmem_file_scope(), fvalue_get_string(EXMTA_FINFO_FVALUE(fi)));
}

/* Stock dissects the PDU into tree. On the first pass, a frame that carries
 * the session connection (where the MTA bind is), or that exmta-x400 reads
 * (reads), is dissected into a tree that keeps the stock fields exmta reads
 * back, however the tree was asked for: those fields are asked for
 * (primed) first, so that stock makes them real items even in a tree that
 * is not visible (a display filter or a coloring rule fakes every field it
 * does not name). Without a tree at all (a plain read, tshark -2's first
 * pass) a throwaway one serves, primed alike. A P1 transfer is read by
 * following its hierarchy, which only a visible tree keeps whole (a primed
 * item hangs under its nearest real ancestor): its tree is made visible
 * for the call. */
static int *const bind_hfs[] = {
    &hf_p1_bind_argument, &hf_p1_bind_result, &hf_p1_bind_error, &hf_p1_initiator_name, &hf_p1_responder_name,
};

/* their ids, filled in at handoff */
static int bind_ids[G_N_ELEMENTS(bind_hfs)];

static void
dissect_stock(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, exmta_rfc1006_frame_t *bind_fd,
              exmta_x4_obs_t *x400, guint reads, const exmta_x4_transfer_t **transfers, guint *n_transfers)
{
    /* volatile: read after a longjmp from stock's exceptions */
    epan_dissect_t *volatile edt = NULL;
    proto_tree *volatile dtree = tree;
    volatile gboolean was_visible = TRUE;
    volatile gboolean transfer = (reads & EXMTA_X400_READ_TRANSFER) != 0;
    volatile gboolean visible;

    /* exmta only dispatches: give stock TPKT the desegmentation TCP offered
     * exmta (every call_dissector lowers can_desegment by one), as AMQP
     * does for its version dissectors. */
    pinfo->can_desegment = pinfo->saved_can_desegment;
    if (!bind_fd && !x400) {
        call_dissector_only(tpkt_handle, tvb, pinfo, tree, NULL);
        return;
    }
    if (!tree) {
        /* no tree (a plain read, tshark -2's first pass): a throwaway
         * one, visible for a transfer only */
        edt = epan_dissect_new(pinfo->epan, TRUE, transfer);
        dtree = edt->tree;
        visible = transfer;
    } else if (transfer) {
        was_visible = proto_tree_set_visible(tree, TRUE);
        visible = TRUE;
    } else {
        visible = proto_tree_set_visible(tree, TRUE);
        proto_tree_set_visible(tree, visible);
    }
    /* a visible tree keeps every item: it is walked instead */
    if (bind_fd && !visible)
        exmta_prime_tree(dtree, bind_ids, G_N_ELEMENTS(bind_ids));
    if (x400 && !visible)
        exmta_x400_prime(dtree, reads);
    TRY {
        call_dissector_only(tpkt_handle, tvb, pinfo, dtree, NULL);
        if (visible && (bind_fd || (x400 && (reads & ~(guint)EXMTA_X400_READ_TRANSFER))))
            exmta_fields_walk(dtree, proto_tpkt);
        if (bind_fd && frame_has_proto(pinfo, proto_p1))
            read_bind(dtree, bind_fd);
        if (x400)
            exmta_x400_read(dtree, pinfo, edt == NULL, reads, x400, transfers, n_transfers);
    }
    FINALLY {
        exmta_fields_done();
        if (tree && !was_visible)
            proto_tree_set_visible(tree, FALSE);
        if (edt)
            epan_dissect_free(edt);
    }
    ENDTRY;
}

/* tree names expert info (_ws.expert), whose items exmta's carry. */
static gboolean
tree_names_expert(proto_tree *tree)
{
    return tree && proto_ws_expert > 0 && proto_field_is_referenced(tree, proto_ws_expert);
}

/* Can tree show exmta's items? A visible tree can; one that is not
 * visible (a display filter, a coloring rule, the fields -T fields asks for
 * from 4.2 on) only when it names some exmta field or expert info: it fakes
 * every item it does not name. */
static gboolean
tree_shows_exmta(proto_tree *tree)
{
    return tree && (proto_field_is_referenced(tree, proto_exmta) || tree_names_expert(tree));
}

/* This pass can show what a transfer's read finds: through its tree, or an
 * exmta.x400 or expert listener. A transfer's frame is dissected into a
 * visible tree for the read, all of the message's layers, so a tree that
 * names exmta fields but none of a transfer's (exmta.x400.bind,
 * exmta.rpc.kind) leaves it to a pass that shows one, as one that names
 * none (a plain read, a filter on other fields) does. */
static gboolean
transfer_shown(proto_tree *tree)
{
    return exmta_x400_transfer_named(tree) || tree_names_expert(tree) || exmta_x400_wanted();
}

/* ... and what a CR or CONNECT names: through a tree that shows exmta's
 * items, or an exmta.x400, expert or exmta listener (the exmta tap's
 * summaries show it too). */
static gboolean
names_shown(proto_tree *tree)
{
    return tree_shows_exmta(tree) || exmta_x400_wanted() || exmta_tap_wanted();
}

/* A later pass over a frame whose P1 transfer the first pass left unread
 * (nobody could show it then): read it now, if this pass can show it, into
 * the frame's record. Stock decodes the frame's one transfer alike on
 * every pass (its RTSE reassembly is kept per frame; a frame that
 * completes more is read on the first pass). TRUE when it dissected. */
static gboolean
read_pending_transfer(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    const exmta_rfc1006_frame_t *fd = rfc1006_frame_of(pinfo);
    const exmta_x400_frame_t *xf;
    exmta_x400_frame_t *own;
    exmta_x4_obs_t o;
    const exmta_x4_transfer_t *tr = NULL;
    guint n = 0;

    if (!fd)
        return FALSE;
    xf = x400_of(fd, pinfo->num);
    if (!xf || !(xf->ev & EXMTA_X4_PENDING) || !transfer_shown(tree))
        return FALSE;
    exmta_x4_obs_init(&o);
    dissect_stock(tvb, pinfo, tree, NULL, &o, EXMTA_X400_READ_TRANSFER, &tr, &n);
    /* The call the first pass left the read to is the one with the
     * frame's own bytes; one with a PDU reassembled from earlier segments
     * does not have it. In the first, no P1: stock decoded none. */
    if (!n && !transfers_in(&o)) {
        if (offset_in_frame(tvb, pinfo) < 0)
            return TRUE;
        o.undecoded = 1;
    }
    own = x400_to_fill(xf, pinfo->num);
    own->messages = (guint16)(own->messages + o.messages);
    own->reports = (guint16)(own->reports + o.reports);
    own->probes = (guint16)(own->probes + o.probes);
    own->undecoded = (guint8)MIN(own->undecoded + o.undecoded, G_MAXUINT8);
    own->ev = (own->ev & ~(guint32)EXMTA_X4_PENDING) | (o.ev & EXMTA_X4_X400);
    own->transfers = tr;
    own->n_transfers = n;
    return TRUE;
}

/* A later pass over a frame whose CR or session CONNECT the first pass
 * left unread: read it now, if this pass can show it, into the frame's own
 * records (an unread RFC1006 record is never shared). TRUE when it
 * dissected. */
static gboolean
read_pending_names(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    exmta_rfc1006_frame_t *fd = (exmta_rfc1006_frame_t *)rfc1006_frame_of(pinfo);
    const exmta_x400_frame_t *xf;
    exmta_x4_obs_t o;

    if (!fd || !fd->unread || !names_shown(tree))
        return FALSE;
    xf = x400_of(fd, pinfo->num);
    if (!xf)
        return FALSE;
    exmta_x4_obs_init(&o);
    dissect_stock(tvb, pinfo, tree, (fd->unread & EXMTA_X400_READ_CONNECT) ? fd : NULL, &o, fd->unread, NULL, NULL);
    /* a CR is a frame of its own; a CONNECT or ACCEPT may be in another
     * call for this frame (TCP hands over each PDU) */
    if ((fd->unread & EXMTA_X400_READ_CONNECT) && !(o.ev & (EXMTA_X4_SES_CN | EXMTA_X4_SES_AC)))
        return TRUE;
    exmta_x400_merge_names(x400_to_fill(xf, pinfo->num), &o);
    fd->unread = 0;
    return TRUE;
}

/* What stock made of a chunk on the first pass: a set-up it decoded as
 * X.410-1984 mode (P1 with no ACSE; stock's layers say so whatever the
 * tree), and, when the chunk's transfers were read (reads), how many of the
 * transfers that ended in it (exmta's walk saw their activity end) have no
 * P1 read. Which of them, when some have one, exmta cannot tell: those
 * not decoded are listed after the decoded ones. */
static void
note_stock_decode(packet_info *pinfo, exmta_conv_t *cd, const walk_ctx_t *ctx, guint reads, guint read_before)
{
    guint shown;

    if (ctx->connect_phase && frame_has_proto(pinfo, proto_p1))
        cd->x410 = !frame_has_proto(pinfo, proto_acse);
    if (!ctx->transfer_ends || !(reads & EXMTA_X400_READ_TRANSFER))
        return;
    shown = transfers_in(&cap.first_pass.x400) - read_before;
    if (ctx->transfer_ends > shown)
        cap.first_pass.x400.undecoded = (guint16)(cap.first_pass.x400.undecoded + ctx->transfer_ends - shown);
}

/* Common path of every RFC1006 frame exmta owns: decide on the first pass
 * and store it for the frame, then let stock TPKT/COTP dissect. The exmta
 * item itself is added by the postdissector from what was stored, so that
 * a frame TCP hands to us on one pass and not on another (a segment of a
 * reassembled PDU) shows the same exmta item on every pass. */
static int
dissect_rfc1006(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, guint8 detected_by,
                guint16 port, exmta_conv_t *cd)
{
    exmta_rfc1006_frame_t *fd = NULL;
    guint32 len = tvb_captured_length(tvb);
    guint whole;
    walk_ctx_t ctx;

    memset(&ctx, 0, sizeof(ctx));

    if (!PINFO_FD_VISITED(pinfo)) {
        /* TCP can call us more than once for a frame (a segment, then the
         * PDU it completes): the conversation is looked up only once. */
        fd = rfc1006_frame_of(pinfo);
        if (!fd) {
            /* A session found by port: pinned to exmta unless heuristics
             * go first (cap.pin_port_sessions). */
            if (!cd)
                cd = session_of(pinfo, SESSION_MAKE);
            if (!cd->first_frame) {
                cd->first_frame = pinfo->num;
                cd->detected_by = detected_by;
                cd->port = port;
                if (detected_by == DETECTED_PORT_PREF && cap.pin_port_sessions)
                    conversation_set_dissector(cd->conv, exmta_port_handle);
                if (!port_in_exmta_range(port))
                    exmta_set_port_bit(cap.found_port_bits, port);
            }
            fd = new_first_pass_frame(pinfo);
            fd->conv = cd;
            fd->detected_by = detected_by;
            fd->port = cd->port ? cd->port : port;
            fd->session_start = cd->first_frame;
            fd->nonstandard_port = detected_by == DETECTED_HEURISTIC && !port_in_exmta_range(port);
        }
        /* All of tvb is stock TPKT's unless it asks TCP for part of it
         * again, with more (below); stock throwing took all of it too. TCP
         * hands the data inside a reassembled PDU over once, with the frame
         * that completes it: every octet of the stream counts once. */
        cap.first_pass.payload += tvb_reported_length(tvb);
        ctx.fd = fd;
        ctx.tvb = tvb;
        ctx.pinfo = pinfo;
        ctx.buf = tvb_get_ptr(tvb, 0, len);
        ctx.dir = cmp_address(&pinfo->src, &pinfo->dst) < 0 ||
                  (addresses_equal(&pinfo->src, &pinfo->dst) && pinfo->srcport < pinfo->destport);
        whole = exmta_rfc1006_walk(ctx.buf, len, note_tpdu, &ctx);
        cap.first_pass.tpdus += whole;
        /* a chunk that starts inside a TPKT: bytes of this direction never
         * reached exmta or came out of order (stock TPKT: "Continuation") */
        if (!whole && len && ctx.buf[0] != EXMTA_TPKT_VERSION)
            exmta_cotp_tsdu_lost(&fd->conv->tsdu_open, ctx.dir);
    }

    if (!PINFO_FD_VISITED(pinfo)) {
        /* A transfer is read on the first pass that can show it
         * (transfer_shown). Any other pass leaves it to a later one that can,
         * unless the frame completes two or more: stock's RTSE keeps one
         * reassembly per frame and connection, so on a later pass it
         * decodes none of them (a sender that puts two transfers in one
         * TCP segment). Those are read now, and so is one that ends in a
         * PDU reassembled from earlier segments: TCP may hand over the rest
         * of the frame next, with another. */
        guint reads = ctx.reads;
        gboolean shown = (reads & EXMTA_X400_READ_TRANSFER) && transfer_shown(tree);
        guint read_before = transfers_in(&cap.first_pass.x400);

        if ((reads & EXMTA_X400_READ_TRANSFER) && !shown && cap.first_pass.transfer_ends < 2 &&
            offset_in_frame(tvb, pinfo) >= 0) {
            reads &= ~(guint)EXMTA_X400_READ_TRANSFER;
            cap.first_pass.x400.ev |= EXMTA_X4_PENDING;
        }
        /* A request or an acceptance only names (TSAPs, selectors,
         * context, MTA names, modes): the association needs no more of it
         * than that it came (CR, SES_CN, SES_AC: the walk sees them), and
         * what it names is read by the pass that shows the frame. Any other
         * answer (a refusal and why, one in several DTs) decides the
         * association: always read. */
        if ((reads == EXMTA_X400_READ_CR ||
             (reads == EXMTA_X400_READ_CONNECT && ctx.connect_phase && !ctx.answer)) &&
            !fd->unread && !names_shown(tree)) {
            fd->unread = (guint8)reads;
            dissect_stock(tvb, pinfo, tree, NULL, NULL, 0, NULL, NULL);
            exmta_x400_note_layers(pinfo, &cap.first_pass.x400);
        } else {
            dissect_stock(tvb, pinfo, tree, ctx.connect_phase ? fd : NULL, reads ? &cap.first_pass.x400 : NULL,
                          reads, &cap.first_pass.transfers, &cap.first_pass.n_transfers);
        }
        if (pinfo->desegment_len) {
            gint again = tvb_reported_length_remaining(tvb, pinfo->desegment_offset);

            if (again > 0)
                cap.first_pass.payload -= (guint32)again;
        }
        if (ctx.transfer_ends || ctx.connect_phase)
            note_stock_decode(pinfo, fd->conv, &ctx, reads, read_before);
    } else if (!read_pending_transfer(tvb, pinfo, tree) && !read_pending_names(tvb, pinfo, tree)) {
        dissect_stock(tvb, pinfo, tree, NULL, NULL, 0, NULL, NULL);
    }

    /* Not reached when stock throws (malformed PDU): the frame keeps what
     * the session had so far. */
    if (fd) {
        if (!fd->conv->x400_frame && frame_has_proto(pinfo, proto_p1))
            fd->conv->x400_frame = pinfo->num;
        fd->x400_frame = fd->conv->x400_frame;
    }
    return len;
}

/* tcp.port: the exmta.tcp.port range, or Decode As. */
static int
dissect_exmta_port(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    guint16 port;
    guint8 how;

    if (port_in_exmta_range((guint16)pinfo->destport)) {
        port = (guint16)pinfo->destport;
        how = DETECTED_PORT_PREF;
    } else if (port_in_exmta_range((guint16)pinfo->srcport)) {
        port = (guint16)pinfo->srcport;
        how = DETECTED_PORT_PREF;
    } else {
        port = (guint16)MIN(pinfo->srcport, pinfo->destport);
        how = DETECTED_DECODE_AS;
    }
    return dissect_rfc1006(tvb, pinfo, tree, how, port, NULL);
}

/* A session the heuristic recognised: every later frame comes here. */
static int
dissect_exmta_conv(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    /* The heuristic recorded the session (first frame, port): dissect_rfc1006
     * finds that record once per frame, on the first pass only. */
    return dissect_rfc1006(tvb, pinfo, tree, DETECTED_CONVERSATION, 0, NULL);
}

/* The shortest payload the heuristic looks at: a TPKT header and the
 * smallest COTP header (LI, code and one more octet). */
#define HEUR_MIN_LEN (EXMTA_TPKT_HEADER_LEN + 3)

/* A port some other dissector owns is left alone by the heuristic, even with
 * "try heuristic sub-dissectors first": stock decodes it as it always did. */
static gboolean
port_owned_elsewhere(guint32 port)
{
    dissector_handle_t h = dissector_get_uint_handle(tcp_port_table, port);
    return h != NULL && h != exmta_port_handle;
}

static
EXMTA_HEUR_CB(dissect_exmta_heur)
{
    exmta_r1006_info_t info;
    guint32 len = tvb_captured_length(tvb);
    conversation_t *conv;
    exmta_conv_t *cd;
    guint16 port;

    (void)data;
    /* The bytes first: almost every payload fails on its first octets. */
    if (len < HEUR_MIN_LEN || !exmta_rfc1006_check(tvb_get_ptr(tvb, 0, len), len, &info))
        return FALSE;
    /* The port preference and stock's own TPKT ports are decoded by port. */
    if (port_in_exmta_range((guint16)pinfo->srcport) || port_in_exmta_range((guint16)pinfo->destport) ||
        port_in_tpkt_range((guint16)pinfo->srcport) || port_in_tpkt_range((guint16)pinfo->destport))
        return FALSE;
    if (port_owned_elsewhere(pinfo->srcport) || port_owned_elsewhere(pinfo->destport))
        return FALSE;

    conv = find_or_create_conversation(pinfo);
    switch (info.tpdu) {
    case EXMTA_COTP_CR:
        port = (guint16)pinfo->destport;
        break;
    case EXMTA_COTP_CC:
        port = (guint16)pinfo->srcport;
        break;
    default:
        port = (guint16)MIN(pinfo->srcport, pinfo->destport);
        break;
    }
    cd = conv_data(conv, TRUE);
    /* the SYN's destination, if TCP saw it */
    if (exmta_tcp_server_port(cd->tcpd))
        port = exmta_tcp_server_port(cd->tcpd);
    if (!PINFO_FD_VISITED(pinfo) && !cd->first_frame) {
        cd->port = port;
    }
    conversation_set_dissector(conv, exmta_conv_handle);
    dissect_rfc1006(tvb, pinfo, tree, DETECTED_HEURISTIC, port, cd);
    return TRUE;
}

/* What to check for each MTABindError (an expert message holds about 240 characters). */
static const value_string bind_error_checks[] = {
    { 0, "the remote MTA has no association free: retry later, check its association limits" },
    { 2, "the local MTA name or password is not what the remote MTA expects (connector Override)" },
    { 3, "the remote MTA refuses the dialogue mode: compare 'Two way alternate' on both connectors" },
    { 4, "the remote MTA refuses the security context offered" },
    { 5, "the remote MTA wants more association confidentiality than offered" },
    { 0, NULL }
};

static void
add_bind_tree(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, proto_tree **etp,
              const exmta_rfc1006_frame_t *fd)
{
    proto_tree *et;
    proto_item *it, *bi;

    if (fd->bind == EXMTA_SUM_BIND_NONE || (!tree && fd->bind != EXMTA_SUM_BIND_REFUSED))
        return;
    et = exmta_frame_tree_post(tvb, pinfo, tree, etp);
    bi = proto_tree_add_uint(et, hf_x400_bind, tvb, 0, 0, fd->bind);
    proto_item_set_generated(bi);
    if (fd->initiator) {
        it = proto_tree_add_string(et, hf_x400_initiator, tvb, 0, 0, fd->initiator);
        proto_item_set_generated(it);
    }
    if (fd->responder) {
        it = proto_tree_add_string(et, hf_x400_responder, tvb, 0, 0, fd->responder);
        proto_item_set_generated(it);
    }
    if (fd->bind == EXMTA_SUM_BIND_REFUSED) {
        it = proto_tree_add_int(et, hf_x400_bind_error, tvb, 0, 0, fd->bind_error);
        proto_item_set_generated(it);
        expert_add_info_format(pinfo, bi, &ei_bind_refused,
            "[X.400 bind] MTA bind refused on RFC1006 port %u: %s (MTABindError %d): %s", fd->port,
            bind_error_str(fd->bind_error), fd->bind_error,
            val_to_str_const((guint32)fd->bind_error, bind_error_checks,
                             "the remote MTA's event log says why"));
    }
}

static guint8
found_by_of(guint8 detected_by)
{
    switch (detected_by) {
    case DETECTED_PORT_PREF:    return EXMTA_SUM_FOUND_PORT_PREF;
    case DETECTED_TPKT_PORT:    return EXMTA_SUM_FOUND_TPKT_PORT;
    case DETECTED_DECODE_AS:    return EXMTA_SUM_FOUND_DECODE_AS;
    default:                    return EXMTA_SUM_FOUND_HEURISTIC;
    }
}

/* The RFC1006 server of this frame: the end whose port is the session's. */
static void
server_of(packet_info *pinfo, guint16 port, address *host)
{
    if (pinfo->destport == port)
        copy_address_shallow(host, &pinfo->dst);
    else
        copy_address_shallow(host, &pinfo->src);
}

static void
queue_rfc1006_tap(packet_info *pinfo, const exmta_rfc1006_frame_t *fd, const exmta_x400_frame_t *xf,
                  guint8 detected_by, gboolean refused, guint16 port)
{
    exmta_tap_info_t *ti;

    if (!exmta_tap_wanted())
        return;
    ti = exmta_tap_new(pinfo, EXMTA_SUM_RFC1006);
    server_of(pinfo, port, &ti->host);
    ti->port = port;
    ti->found_by = found_by_of(detected_by);
    ti->mta = fd && fd->x400_frame;
    ti->kind = ti->mta ? EXMTA_SUM_KIND_X400 : EXMTA_SUM_KIND_RFC1006_OTHER;
    ti->refused = refused;
    if (fd && fd->has_dr) {
        ti->has_dr = TRUE;
        ti->dr_reason = fd->dr_reason;
    }
    ti->bind = fd ? fd->bind : EXMTA_SUM_BIND_NONE;
    if (fd && fd->bind == EXMTA_SUM_BIND_REFUSED) {
        ti->bind_error = fd->bind_error;
        if (fd->bind_error >= 0)
            ti->bind_error_str = bind_error_str(fd->bind_error);
    }
    ti->initiator = fd ? fd->initiator : NULL;
    ti->responder = fd ? fd->responder : NULL;
    /* an association the session, presentation, ACSE or RTSE refused:
     * the bind was answered, though not by the MTA (a COTP DR and the MTA
     * bind's own refusal say so above) */
    if (xf && xf->assoc && xf->refused_by >= EXMTA_X4_LAYER_SESSION && xf->refused_by <= EXMTA_X4_LAYER_RTSE) {
        char *s = exmta_x4_refused_by_text((exmta_x4_layer_t)xf->refused_by, xf->refuse_reason);

        ti->assoc_refused = wmem_strdup(pinfo->pool, s);
        g_free(s);
    }
    exmta_tap_queue(pinfo, ti);
}

static const char *
found_by_str(guint8 detected_by)
{
    switch (detected_by) {
    case DETECTED_PORT_PREF:    return "port preference";
    case DETECTED_TPKT_PORT:    return "tpkt.tcp.port";
    case DETECTED_DECODE_AS:    return "Decode As";
    default:                    return "heuristic";
    }
}

/* The TCP payload octets the frame completed, as its first pass decided
 * (a later pass may differ: stock's TCP can leave a segment after a gap to
 * a later frame on one pass and hand it over at once on another). */
static guint32
payload_of(guint32 num)
{
    return GPOINTER_TO_UINT(exmta_frameidx_get(cap.payloads, num));
}

/* The X.400 association's items and tap record of a frame. */
static void
add_x400(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, proto_tree **et, const exmta_x400_frame_t *xf,
         guint16 port, guint8 detected_by, guint32 payload)
{
    address server;

    if (!xf || !xf->assoc)
        return;
    exmta_x400_frame_tree(tvb, pinfo, tree, et, xf);
    server_of(pinfo, port, &server);
    exmta_x400_queue_tap(pinfo, xf, &server, port, found_by_str(detected_by), payload);
}

/* Postdissector: TCP frames without RFC1006 payload that still matter. It
 * asks for no fields, so it never forces a protocol tree, and returns at once
 * for a frame whose ports are not interesting. */
static void
post_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    exmta_rfc1006_frame_t *fd;
    const exmta_tcp_frame_t *tf = NULL;
    proto_tree *et = NULL;      /* the frame's exmta subtree, once looked up */
    proto_tree *xtree;          /* tree, if it can show exmta's items (expert info and taps need none) */

    if (!PINFO_FD_VISITED(pinfo)) {
        /* every frame: a stream TCP started in it is its own (frame_flow_sync) */
        exmta_frame_flow_sync(pinfo);
        /* the last to run for this frame: its RFC1006 record is final */
        if (cap.first_pass.num == pinfo->num)
            keep_first_pass_frame();
    }
    if (pinfo->ptype != PT_TCP) {
        if (pinfo->ptype == PT_UDP)
            exmta_epm_udp_frame(tvb, pinfo, tree);
        return;
    }

    fd = rfc1006_frame_of(pinfo);
    if (PINFO_FD_VISITED(pinfo)) {
        tf = fd ? NULL : (const exmta_tcp_frame_t *)exmta_frameidx_get(cap.tcp_frames, pinfo->num);
    } else if (!fd) {
        guint16 sp = (guint16)pinfo->srcport, dp = (guint16)pinfo->destport;
        gboolean r1006 = port_in_exmta_range(sp) || port_in_exmta_range(dp);
        gboolean tpkt = port_in_tpkt_range(sp) || port_in_tpkt_range(dp);
        gboolean found = !r1006 && !tpkt &&
                         (exmta_port_bit(cap.found_port_bits, sp) || exmta_port_bit(cap.found_port_bits, dp));
        exmta_conv_t *cd = NULL;
        exmta_tcp_frame_t tmp;

        memset(&tmp, 0, sizeof(tmp));
        /* Only RFC1006 ports can have a refusal or stock-TPKT frames to
         * annotate: every other TCP frame costs nothing more here, and
         * neither can a frame whose RFC1006 payload exmta itself dissected.
         * On a port where exmta found RFC1006 by itself, only the sessions
         * it found: a reset that ends one ends its association. */
        if (r1006 || tpkt || found) {
            cd = session_of(pinfo, found ? SESSION_FOUND : SESSION_ANY);

            if (cd && cd->tcpd) {
                if (exmta_tcp_refused_now(cd->conv, &cd->tcpd, &cd->refused_reported, FALSE)) {
                    tmp.refused = TRUE;
                    tmp.port = exmta_tcp_server_port(cd->tcpd) ? exmta_tcp_server_port(cd->tcpd) : dp;
                }
                /* Stock TPKT on a tpkt.tcp.port port outside ours: annotate. */
                if (tpkt && frame_has_proto(pinfo, proto_tpkt)) {
                    tmp.tpkt_port = TRUE;
                    tmp.port = port_in_tpkt_range(dp) ? dp : sp;
                    if (!cd->first_frame) {
                        cd->first_frame = pinfo->num;
                        cd->detected_by = DETECTED_TPKT_PORT;
                        cd->port = tmp.port;
                    }
                    tmp.session_start = cd->first_frame;
                }
                /* a reset that ends the session's X.400 association */
                if (!cd->rst_noted && exmta_tcp_rst_seen(cd->tcpd)) {
                    exmta_x400_frame_t x4;
                    exmta_x4_obs_t o;

                    cd->rst_noted = TRUE;
                    memset(&x4, 0, sizeof(x4));
                    exmta_x4_obs_init(&o);
                    o.ev = EXMTA_X4_RST;
                    o.frame = pinfo->num;
                    o.stream = exmta_tcp_stream_num(cd->tcpd);
                    exmta_x400_assign(&x4, &o, TRUE, EXMTA_X400_UNDECODED_DATA);
                    if (x4.assoc) {
                        tmp.x400 = (const exmta_x400_frame_t *)wmem_memdup(wmem_file_scope(), &x4, sizeof(x4));
                        if (!tmp.port)
                            tmp.port = cd->port;
                    }
                }
            }
        }
        /* Every stock-TPKT frame of a session decides alike: they share
         * the session's record, and the index costs 12 bytes a frame (a
         * copy and a proto data entry per frame cost about 36). */
        if (tmp.refused || tmp.tpkt_port || tmp.x400) {
            tf = (const exmta_tcp_frame_t *)same_or_copy(cd->last_tcp_rec, &tmp, sizeof(tmp));
            cd->last_tcp_rec = tf;
            exmta_frameidx_set(cap.tcp_frames, pinfo->num, (gpointer)tf);
        }
    }

    xtree = (fd || tf) && tree_shows_exmta(tree) ? tree : NULL;
    if (fd) {
        const exmta_x400_frame_t *xf = x400_of(fd, pinfo->num);

        /* Most frames of a plain read: nothing to show, to tap or to warn
         * of. Calling each part to find that costs more than asking. */
        if (xtree || rfc1006_warns(fd) || (xf && exmta_x400_frame_warns(xf)) || exmta_tap_wanted() ||
            exmta_x400_tapped()) {
            add_rfc1006_tree(tvb, pinfo, xtree, &et, fd);
            add_bind_tree(tvb, pinfo, xtree, &et, fd);
            queue_rfc1006_tap(pinfo, fd, xf, fd->detected_by, FALSE, fd->port);
            add_x400(tvb, pinfo, xtree, &et, xf, fd->port, fd->detected_by, payload_of(pinfo->num));
        }
    }
    if (tf && tf->x400)
        add_x400(tvb, pinfo, xtree, &et, tf->x400, tf->port, DETECTED_PORT_PREF, 0);
    if (tf && tf->tpkt_port) {
        exmta_rfc1006_frame_t pfd;

        memset(&pfd, 0, sizeof(pfd));
        pfd.detected_by = DETECTED_TPKT_PORT;
        pfd.port = tf->port;
        pfd.session_start = tf->session_start;
        add_rfc1006_tree(tvb, pinfo, xtree, &et, &pfd);
        queue_rfc1006_tap(pinfo, &pfd, NULL, DETECTED_TPKT_PORT, FALSE, tf->port);
    }
    if (tf && tf->refused) {
        proto_item *ti = proto_tree_add_uint(exmta_frame_tree_post(tvb, pinfo, xtree, &et), hf_refused, tvb, 0, 0, tf->port);
        proto_item_set_generated(ti);
        expert_add_info_format(pinfo, ti, &ei_conn_refused,
            "[RFC1006 Port Number] TCP connection to RFC1006 port %u refused (SYN answered by RST): "
            "nothing listens there; check the peer MTA's 'RFC1006 Port Number' and that its MTA service runs",
            tf->port);
        queue_rfc1006_tap(pinfo, NULL, NULL, DETECTED_PORT_PREF, TRUE, tf->port);
    }

    if (pinfo->srcport == EXMTA_EPM_PORT || pinfo->destport == EXMTA_EPM_PORT)
        exmta_epm_nobind_frame(tvb, pinfo, tree);
    exmta_epm_tcp_frame(tvb, pinfo, tree);
}

/* Postdissector: every frame of every capture, so its handle has no
 * protocol. With one, call_dissector_only() would push an exmta layer
 * (a list entry, a lookup and an insert in pinfo->proto_layers) and pop it
 * again, as the postdissector returns 0: 430 to 550 instructions a frame on
 * 4.0, more than post_frame() itself costs on most frames. What the layer
 * gave is done here, as packet-frame.c and packet-dcerpc.c do it: nothing
 * when exmta is disabled, and exmta as the current protocol meanwhile (the
 * protocol expert infos and exceptions are reported under). */
static protocol_t *exmta_protocol;
static const char *exmta_short_name;

static int
dissect_exmta_post(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    const char *saved_proto = pinfo->current_proto;

    if (!proto_is_protocol_enabled(exmta_protocol))
        return 0;
    pinfo->current_proto = exmta_short_name;
    post_frame(tvb, pinfo, tree);
    pinfo->current_proto = saved_proto;
    return 0;
}

/* What tcp.port had on a port before exmta took it (stock TPKT on 102):
 * given back when the port leaves exmta.tcp.port. Wireshark's own ways do
 * not fit: dissector_add_uint_range_with_preference() would make its own
 * "tcp.port" preference (another title and text in the GUI) and, when a
 * port leaves it, delete the entry, so 102 would lose stock TPKT; taking
 * the port with dissector_change_uint() and giving it back with
 * dissector_reset_uint() would list exmta in the Decode As dialog as a
 * user's change on every start. So the table calls are the public
 * dissector_add_uint()/dissector_change_uint(), and the handle that was
 * there is remembered here. */
static wmem_map_t *replaced_handles;     /* port -> dissector_handle_t (epan scope) */

static void
take_port(guint32 port, gpointer unused _U_)
{
    dissector_handle_t prev = dissector_get_uint_handle(tcp_port_table, port);

    if (prev && prev != exmta_port_handle)
        wmem_map_insert(replaced_handles, GUINT_TO_POINTER(port), prev);
    dissector_add_uint("tcp.port", port, exmta_port_handle);
}

static void
give_back_port(guint32 port, gpointer unused _U_)
{
    dissector_handle_t prev = (dissector_handle_t)wmem_map_lookup(replaced_handles, GUINT_TO_POINTER(port));

    if (dissector_get_uint_handle(tcp_port_table, port) != exmta_port_handle)
        return;     /* Decode As or another dissector has it now */
    if (prev) {
        dissector_change_uint("tcp.port", port, prev);
        wmem_map_remove(replaced_handles, GUINT_TO_POINTER(port));
    } else {
        dissector_delete_uint("tcp.port", port, exmta_port_handle);
    }
}

static void
foreach_port(const range_t *r, void (*fn)(guint32 port, gpointer user_data), gpointer user_data)
{
    for (guint i = 0; r && i < r->nranges; i++)
        for (guint32 p = r->ranges[i].low; p <= r->ranges[i].high && p <= 65535; p++)
            fn(p, user_data);
}

/* Session and frame records live in file scope: a new file (and the end of
 * one) starts with empty flow caches, as TCP's stream count starts again at
 * 0, and with no first-pass frame. */
static void
forget_sessions(void)
{
    read_stock_prefs();
    memset(cap.found_port_bits, 0, sizeof(cap.found_port_bits));
    memset(&cap.first_pass, 0, sizeof(cap.first_pass));
    cap.rtse_data_came = FALSE;
    exmta_frameidx_clear(cap.rfc1006_frames);
    exmta_frameidx_clear(cap.tcp_frames);
    exmta_frameidx_clear(cap.x400_frames);
    exmta_frameidx_clear(cap.payloads);
    exmta_x400_forget();
}

static void
free_sessions(void)
{
    exmta_frame_flow_free(cap.sessions);
    cap.sessions = NULL;
    exmta_frameidx_free(cap.rfc1006_frames);
    cap.rfc1006_frames = NULL;
    exmta_frameidx_free(cap.tcp_frames);
    cap.tcp_frames = NULL;
    exmta_frameidx_free(cap.x400_frames);
    cap.x400_frames = NULL;
    exmta_frameidx_free(cap.payloads);
    cap.payloads = NULL;
}

/* (Re)register exmta on exactly the ports of exmta.tcp.port: called at
 * handoff and whenever the preference changes, so no restart is needed. */
static void
apply_exmta_prefs(void)
{
    if (rfc1006_ports_registered) {
        foreach_port(rfc1006_ports_registered, give_back_port, NULL);
        wmem_free(wmem_epan_scope(), rfc1006_ports_registered);
        rfc1006_ports_registered = NULL;
    }
    if (rfc1006_ports) {
        rfc1006_ports_registered = range_copy(wmem_epan_scope(), rfc1006_ports);
        foreach_port(rfc1006_ports_registered, take_port, NULL);
    }
    exmta_fill_port_bits(exmta_port_bits, rfc1006_ports_registered);
}

void
proto_register_exmta(void)
{
    static hf_register_info hf[] = {
        { &hf_rfc1006,
          { "RFC1006 session", "exmta.rfc1006", FT_NONE, BASE_NONE, NULL, 0x0,
            "RFC1006 (TPKT + COTP over TCP) decoded by stock TPKT/COTP on behalf of exmta", HFILL } },
        { &hf_detected_by,
          { "Detected by", "exmta.rfc1006.detected_by", FT_UINT8, BASE_DEC, VALS(detected_by_vals), 0x0,
            "How exmta attributed this frame to RFC1006", HFILL } },
        { &hf_port,
          { "RFC1006 port", "exmta.rfc1006.port", FT_UINT16, BASE_DEC, NULL, 0x0,
            "The TCP port the RFC1006 listener (MTA) uses in this session", HFILL } },
        { &hf_default_port,
          { "Default port 102", "exmta.rfc1006.default_port", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "Whether the session uses TCP port 102, Exchange's default 'RFC1006 Port Number'", HFILL } },
        { &hf_session_start,
          { "Session recognised in", "exmta.rfc1006.session_start", FT_FRAMENUM, BASE_NONE,
            FRAMENUM_TYPE(FT_FRAMENUM_NONE), 0x0,
            "Frame in which exmta first attributed this TCP session to RFC1006", HFILL } },
        { &hf_tpkt_reserved,
          { "TPKT reserved byte (non-zero)", "exmta.rfc1006.tpkt_reserved", FT_UINT8, BASE_HEX, NULL, 0x0,
            "Non-zero TPKT reserved byte, as sent by Exchange 4.0 MTAs before SP3", HFILL } },
        { &hf_x400,
          { "MTA session (X.400)", "exmta.rfc1006.mta", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "Whether this session has carried X.411 (P1) so far: an MTA session", HFILL } },
        { &hf_x400_since,
          { "X.400 first seen in", "exmta.rfc1006.mta_since", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            "Frame in which this session first carried X.411 (P1)", HFILL } },
        { &hf_dr_reason,
          { "COTP disconnect reason", "exmta.rfc1006.dr_reason", FT_UINT8, BASE_HEX, NULL, 0x0,
            "Reason of a COTP disconnect request (DR) in this frame", HFILL } },
        { &hf_x400_bind,
          { "MTA bind", "exmta.x400.bind", FT_UINT8, BASE_DEC, VALS(bind_state_vals), 0x0,
            "X.411 MTA bind in this frame, as stock P1 decoded it", HFILL } },
        { &hf_x400_initiator,
          { "Initiator MTA", "exmta.x400.initiator", FT_STRING, BASE_NONE, NULL, 0x0,
            "initiator-name of the MTA bind", HFILL } },
        { &hf_x400_responder,
          { "Responder MTA", "exmta.x400.responder", FT_STRING, BASE_NONE, NULL, 0x0,
            "responder-name of the MTA bind result", HFILL } },
        { &hf_x400_bind_error,
          { "Bind error", "exmta.x400.bind_error", FT_INT32, BASE_DEC, VALS(bind_error_vals), 0x0,
            "MTABindError of a refused MTA bind", HFILL } },
        { &hf_refused,
          { "Connection refused to port", "exmta.tcp.refused", FT_UINT16, BASE_DEC, NULL, 0x0,
            "A SYN to this RFC1006 port was answered by RST", HFILL } },
    };
    static gint *ett[] = {
        &ett_exmta,
        &ett_rfc1006,
    };
    static ei_register_info ei[] = {
        { &ei_nonstandard_port,
          { "exmta.expert.nonstandard_port", PI_PROTOCOL, PI_WARN,
            "[RFC1006 Port Number] RFC1006 found by heuristic on a port not in exmta.tcp.port", EXPFILL } },
        { &ei_reserved_nonzero,
          { "exmta.expert.tpkt_reserved_nonzero", PI_PROTOCOL, PI_NOTE,
            "[RFC1006 Port Number] TPKT reserved byte is not 0 (Exchange 4.0 before SP3, KB Q157015)", EXPFILL } },
        { &ei_cotp_disconnect,
          { "exmta.expert.cotp_disconnect", PI_RESPONSE_CODE, PI_WARN,
            "COTP disconnect request", EXPFILL } },
        { &ei_conn_refused,
          { "exmta.expert.rfc1006_refused", PI_SEQUENCE, PI_WARN,
            "[RFC1006 Port Number] TCP connection to an RFC1006 port refused", EXPFILL } },
        { &ei_bind_refused,
          { "exmta.expert.x400_bind_refused", PI_RESPONSE_CODE, PI_WARN,
            "[X.400 bind] MTA bind refused by the remote MTA", EXPFILL } },
    };
    module_t *module;
    expert_module_t *expert;

    proto_exmta = proto_register_protocol("Exchange MTA", "EXMTA", "exmta");
    proto_register_field_array(proto_exmta, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert = expert_register_protocol(proto_exmta);
    expert_register_field_array(expert, ei, array_length(ei));

    module = prefs_register_protocol(proto_exmta, apply_exmta_prefs);
    range_convert_str(wmem_epan_scope(), &rfc1006_ports, EXMTA_DEFAULT_RFC1006_PORT_STR, 65535);
    prefs_register_range_preference(module, "tcp.port", "RFC1006 Port Number (TCP ports)",
        "TCP ports on which exmta decodes RFC1006 (TPKT + COTP) and hands it to stock TPKT/COTP. "
        "Set it to the Exchange registry value 'RFC1006 Port Number' "
        "(HKLM\\System\\CurrentControlSet\\Services\\MSExchangeMTA\\Parameters); default 102. "
        "Every MTA that talks to another must use the same port.",
        &rfc1006_ports, 65535);
    exmta_port_handle = register_dissector("exmta", dissect_exmta_port, proto_exmta);
    exmta_conv_handle = create_dissector_handle(dissect_exmta_conv, proto_exmta);
    exmta_epm_register(proto_exmta, module);
    exmta_epm_nobind_register(proto_exmta);
    exmta_uat_register(module);
    exmta_frame_register(proto_exmta, ett_exmta, module);
    exmta_x400_register(proto_exmta);
    /* the Statistics tables belong to the protocol, as stock's do, so
     * sharkd, which registers no tap plugins, has them too */
    exmta_stats_register_tables();
    exmta_x400_stats_register_tables();
    rfc1006_labels = wmem_map_new(wmem_epan_scope(), g_direct_hash, g_direct_equal);
    replaced_handles = wmem_map_new(wmem_epan_scope(), g_direct_hash, g_direct_equal);
    cap.sessions = exmta_frame_flow_new(EXMTA_SESSION_CACHE_SLOTS);
    cap.rfc1006_frames = exmta_frameidx_new();
    cap.tcp_frames = exmta_frameidx_new();
    cap.x400_frames = exmta_frameidx_new();
    cap.payloads = exmta_frameidx_new();
    register_init_routine(forget_sessions);
    register_cleanup_routine(forget_sessions);
    register_shutdown_routine(free_sessions);
}

void
proto_reg_handoff_exmta(void)
{
    tpkt_handle = find_dissector_add_dependency("tpkt", proto_exmta);
    proto_tpkt = proto_get_id_by_filter_name("tpkt");
    proto_p1 = proto_get_id_by_filter_name("p1");
    proto_acse = proto_get_id_by_filter_name("acse");
    proto_ws_expert = proto_get_id_by_filter_name("_ws.expert");
    exmta_frame_handoff();
    exmta_x400_handoff();
    tcp_port_table = find_dissector_table("tcp.port");
    hf_p1_bind_argument = proto_registrar_get_id_byname("p1.MTABindArgument");
    hf_p1_bind_result = proto_registrar_get_id_byname("p1.MTABindResult");
    hf_p1_bind_error = proto_registrar_get_id_byname("p1.MTABindError");
    hf_p1_initiator_name = proto_registrar_get_id_byname("p1.authenticated.initiator-name");
    hf_p1_responder_name = proto_registrar_get_id_byname("p1.authenticated.responder-name");
    for (size_t i = 0; i < G_N_ELEMENTS(bind_hfs); i++)
        bind_ids[i] = *bind_hfs[i];
    exmta_fields_register(bind_ids, G_N_ELEMENTS(bind_ids));

    /* Registered after stock TPKT (plugins hand off last), so on 102 the
     * tcp.port table calls exmta, which calls stock TPKT: one decode. */
    dissector_add_for_decode_as("tcp.port", exmta_port_handle);
    apply_exmta_prefs();
    heur_dissector_add("tcp", dissect_exmta_heur, "RFC1006 (TPKT + COTP) for Exchange MTAs",
                       "exmta_tcp", proto_exmta, HEURISTIC_ENABLE);
    exmta_protocol = find_protocol_by_id(proto_exmta);
    exmta_short_name = proto_get_protocol_short_name(exmta_protocol);
    register_postdissector(create_dissector_handle(dissect_exmta_post, -1));
    exmta_epm_handoff();
    exmta_epm_nobind_handoff();
    exmta_known_menu_handoff(proto_exmta);
}
