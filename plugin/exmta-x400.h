/* exmta-x400.h - X.400 associations (exmta-x400.c): what stock's COTP,
 * session, presentation, ACSE, RTSE and X.411 dissectors put in a frame's
 * tree, read on the first pass into an observation (core/x400assoc.h), the
 * association each RFC1006 frame belongs to, the exmta.x400.* items and
 * expert infos shown from what was stored, and the "exmta.x400" tap that
 * -z exmta,associations reads. Calls exmta-frame.c and core/ only.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef EXMTA_X400_H
#define EXMTA_X400_H

#include "exmta-frame.h"
#include <epan/epan_dissect.h>
#include "x400assoc.h"
#include "x400msg.h"

#define EXMTA_X400_TAP_NAME "exmta.x400"

/* What one RFC1006 frame showed of X.400, kept in file scope: the
 * observation's events and counts, the rest of it only when it says more
 * (a name, a mode, a reason: a few frames of each association), and the
 * association. About a third of a busy link's frames keep one. */
typedef struct exmta_x400_frame {
    guint32 ev;                 /* EXMTA_X4_* */
    guint16 messages, probes, reports;
    guint8 undecoded;           /* transfers that ended here with no P1 decoded by stock */
    guint8 undecoded_cause;     /* EXMTA_X400_UNDECODED_*: why, as far as exmta can tell */
    guint32 late_of;            /* stock shows here the transfer whose end in this frame it lost; 0 */
    exmta_x4_obs_t *said;       /* file scope, its strings too; NULL when exmta_x4_obs_says() is not */
    guint32 assoc;
    guint32 assoc_start;        /* first frame of the association */
    gboolean start_seen;        /* the association's CR or CONNECT is in the capture */
    /* what this frame did to the association, as the model decided */
    guint8 refused_by;          /* exmta_x4_layer_t */
    guint8 end;                 /* exmta_x4_end_t */
    guint8 abort_by;            /* exmta_x4_layer_t */
    gint refuse_reason, end_reason;
    /* the P1 transfers stock decoded in the frame (file scope) */
    const exmta_x4_transfer_t *transfers;
    guint n_transfers;
} exmta_x400_frame_t;

/* Why stock decoded no P1 for a transfer that ended in a frame
 * (exmta.x400.undecoded; public: append, never renumber). */
enum {
    EXMTA_X400_UNDECODED_MIDSTREAM = 1, /* the association's set-up is not in the capture */
    EXMTA_X400_UNDECODED_X410 = 2,      /* the association is in X.410-1984 mode */
    EXMTA_X400_UNDECODED_DATA = 3,      /* none of the others: its data is incomplete to stock */
    EXMTA_X400_UNDECODED_INTERLEAVED = 4, /* another transfer ended between its data and its end */
    EXMTA_X400_UNDECODED_REASSEMBLY_OFF = 5, /* a reassembly preference stock needs is off */
};

/* The tap record: everything a listener needs (pinfo->pool). */
typedef struct {
    exmta_x4_obs_t obs;         /* obs.assoc set */
    const exmta_x4_transfer_t *transfers;       /* file scope */
    guint n_transfers;
    guint32 late_of;            /* the first of them really ended in this frame (exmta_x400_frame_t) */
} exmta_x400_tap_t;

void exmta_x400_register(int proto);
void exmta_x400_handoff(void);

/* What a frame can tell about its X.400 association, as exmta's walker
 * sees it in the COTP and session headers: which of stock's fields a read
 * asks for (a bit set). */
enum {
    EXMTA_X400_READ_CR       = 1u << 0, /* COTP CR: the TSAPs */
    EXMTA_X400_READ_CONNECT  = 1u << 1, /* session CONNECT, ACCEPT or REFUSE: set-up and bind */
    EXMTA_X400_READ_RELEASE  = 1u << 2, /* session DISCONNECT: how the release ended */
    EXMTA_X400_READ_ABORT    = 1u << 3, /* session ABORT or ABORT ACCEPT */
    EXMTA_X400_READ_TRANSFER = 1u << 4, /* stock may complete a P1 transfer */
};

/* Ask for the stock fields those reads need in tree, before stock
 * dissects into it: each occurrence is then kept in the tree's field
 * arrays whether the tree is visible or not. */
void exmta_x400_prime(proto_tree *tree, guint reads);
/* Read those fields of tree into o, and, for EXMTA_X400_READ_TRANSFER from
 * a visible tree, the P1 transfers into *transfers (file scope; appended,
 * *n counts them). own_tree: tree is the frame's own, which an earlier PDU
 * of the frame may have dissected into too (its transfers are not read
 * again); else a throwaway tree of this PDU only. */
void exmta_x400_read(proto_tree *tree, packet_info *pinfo, gboolean own_tree, guint reads, exmta_x4_obs_t *o,
                     const exmta_x4_transfer_t **transfers, guint *n);
/* The RFC1006 users stock decoded in the frame (EXMTA_X4_X400, _OTHER),
 * into o: what exmta_x400_read notes of a frame it does not read. */
void exmta_x400_note_layers(packet_info *pinfo, exmta_x4_obs_t *o);
/* A later pass's read of a frame's COTP CR or session CONNECT (o), into
 * the frame's own record: what the request names. */
void exmta_x400_merge_names(exmta_x400_frame_t *xf, const exmta_x4_obs_t *o);
/* The frame shows nothing of its association but that it belongs to it. */
gboolean exmta_x400_frame_empty(const exmta_x400_frame_t *xf);
/* Someone listens: the exmta.x400 tap (-z exmta,associations|messages, the
 * tables) or the expert tap. */
gboolean exmta_x400_wanted(void);
/* tree names something that only a transfer's read shows: the transfer's
 * items, the association start they bring to its frame, or their expert
 * infos (a visible tree names everything). */
gboolean exmta_x400_transfer_named(proto_tree *tree);
/* The first report in the capture on the message or probe with MTS
 * identifier mts_id in frame, as far as transfers have been read; 0 none
 * (exmta_x4_msgs_link_reports). */
guint32 exmta_x400_report_in(guint32 frame, const char *mts_id, gpointer user_data);
/* A report's link: the report in frame report is on the message or probe
 * subject_id of frame subject. */
typedef struct {
    guint32 subject, report;
    const char *subject_id;
} exmta_x400_link_t;
/* The links in the order they were learned (*n of them; a link that an
 * earlier report replaces comes again). A table drawn as frames go by
 * applies those past the ones it has applied; *n falls to 0 when the file
 * is closed. */
const exmta_x400_link_t *exmta_x400_report_links(guint *n);

/* First pass: the association of a frame of stream after feeding o
 * (o->frame, o->stream, o->ev set, o->assoc 0: the model decides); fills xf
 * from o and the association (xf->said is a file-scope copy of o when it
 * says more than events and counts). join_only: the frame never starts an
 * association (a TCP RST; a frame with no whole TPKT): xf->assoc stays 0
 * when the stream has none. cause: why a transfer of the frame that stock
 * decodes no P1 for was not (EXMTA_X400_UNDECODED_*), as the shell sees it;
 * an association whose set-up is not in the capture says so instead. */
void exmta_x400_assign(exmta_x400_frame_t *xf, const exmta_x4_obs_t *o, gboolean join_only, guint8 cause);

/* One of the frame's reports says a recipient was not delivered to. */
gboolean exmta_x400_has_non_delivery(const exmta_x400_frame_t *xf);
/* The frame has an expert info to add even without a tree (a refusal, an
 * abort, a reset, a set-up not in the capture, a transfer or a bind not
 * decoded, a non-delivery). Inline: it is asked for every frame of an
 * association. */
static inline gboolean
exmta_x400_frame_warns(const exmta_x400_frame_t *xf)
{
    return xf->assoc && (xf->refused_by || xf->end == EXMTA_X4_END_ABORT || xf->end == EXMTA_X4_END_RST ||
                         !xf->start_seen || xf->undecoded || xf->late_of || exmta_x4_bind_undecoded(xf->ev) ||
                         (xf->n_transfers && exmta_x400_has_non_delivery(xf)));
}
/* The exmta.x400 tap has a listener. */
gboolean exmta_x400_tapped(void);

/* The items and expert infos of a frame, and its tap record: payload is
 * the TCP payload octets the frame completed (the association's bytes). */
void exmta_x400_frame_tree(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, proto_tree **et,
                           const exmta_x400_frame_t *xf);
void exmta_x400_queue_tap(packet_info *pinfo, const exmta_x400_frame_t *xf, const address *server,
                          guint16 port, const char *found_by, guint32 payload);

/* A new capture file (reads stock's rtse.reassemble). */
void exmta_x400_forget(void);
/* Stock's RTSE reassembly is off: a P1 transfer may complete at any end of
 * a TSDU, not only at the MAJOR SYNC POINT after it. */
gboolean exmta_x400_read_every_tsdu(void);
/* The first of the reassembly preferences a transfer over several TCP
 * segments or COTP DTs needs that is off (tcp.desegment_tcp_streams,
 * tpkt.desegment, cotp.reassemble), or NULL: read as a file starts. */
const char *exmta_x400_reassembly_off(void);

#endif /* EXMTA_X400_H */
