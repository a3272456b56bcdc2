/* x400assoc.h - the X.400 association model (x400assoc.c): one row per
 * association an RFC1006 session carried, built from what each frame showed
 * at each OSI layer (an observation the shell reads from stock's fields), and
 * its renderings for -z exmta,associations. Pure C over GLib.
 *
 * An association starts at a COTP CR, or at a session CONNECT when the
 * stream's current association already had one or has ended (several
 * associations in turn on one transport connection); the first frame of a
 * stream that is neither starts one whose beginning is not in the capture.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef EXMTA_X400ASSOC_H
#define EXMTA_X400ASSOC_H

#include <string.h>

#include <glib.h>

/* What a frame showed (exmta_x4_obs_t.ev), one bit per fact. */
enum {
    EXMTA_X4_CR        = 1u << 0,   /* COTP connect request */
    EXMTA_X4_CC        = 1u << 1,   /* COTP connect confirm */
    EXMTA_X4_DR        = 1u << 2,   /* COTP disconnect request (dr_reason) */
    EXMTA_X4_RST       = 1u << 3,   /* TCP reset */
    EXMTA_X4_SES_CN    = 1u << 4,   /* session CONNECT */
    EXMTA_X4_SES_AC    = 1u << 5,   /* session ACCEPT */
    EXMTA_X4_SES_RF    = 1u << 6,   /* session REFUSE (ses_reason) */
    EXMTA_X4_SES_FN    = 1u << 7,   /* session FINISH */
    EXMTA_X4_SES_DN    = 1u << 8,   /* session DISCONNECT */
    EXMTA_X4_SES_AB    = 1u << 9,   /* session ABORT */
    EXMTA_X4_PRES_CP   = 1u << 10,  /* presentation CP (mode) */
    EXMTA_X4_PRES_CPR  = 1u << 11,  /* presentation CPR (pres_reason) */
    EXMTA_X4_PRES_ABORT = 1u << 12, /* presentation ARU, or ARP (pres_reason) */
    EXMTA_X4_AARQ      = 1u << 13,
    EXMTA_X4_AARE      = 1u << 14,  /* acse_result */
    EXMTA_X4_RLRQ      = 1u << 15,
    EXMTA_X4_RLRE      = 1u << 16,
    EXMTA_X4_ABRT      = 1u << 17,  /* acse_abort_source */
    EXMTA_X4_RTORQ     = 1u << 18,  /* dialogue_mode */
    EXMTA_X4_RTOAC     = 1u << 19,
    EXMTA_X4_RTORJ     = 1u << 20,  /* rtse_refuse */
    EXMTA_X4_RTAB      = 1u << 21,  /* rtse_abort */
    EXMTA_X4_BIND_ARG  = 1u << 22,  /* initiator */
    EXMTA_X4_BIND_RES  = 1u << 23,  /* responder */
    EXMTA_X4_BIND_ERR  = 1u << 24,  /* bind_error */
    EXMTA_X4_X400      = 1u << 25,  /* stock decoded RTSE or X.411 (P1) in the frame */
    EXMTA_X4_OTHER     = 1u << 26,  /* stock decoded another RFC1006 user (S7comm, MMS) */
    EXMTA_X4_PENDING   = 1u << 27,  /* a P1 transfer may complete here; not read yet */
};

/* Layers, as exmta.x400.refused_by and exmta.x400.abort_by number them
 * (public: append, never renumber). */
typedef enum {
    EXMTA_X4_LAYER_NONE = 0,
    EXMTA_X4_LAYER_TRANSPORT = 1,
    EXMTA_X4_LAYER_SESSION = 2,
    EXMTA_X4_LAYER_PRESENTATION = 3,
    EXMTA_X4_LAYER_ACSE = 4,
    EXMTA_X4_LAYER_RTSE = 5,
    EXMTA_X4_LAYER_MTA_BIND = 6,
    EXMTA_X4_LAYER_TCP = 7,
} exmta_x4_layer_t;

/* How an association ended (exmta.x400.end; public). */
typedef enum {
    EXMTA_X4_END_NONE = 0,      /* still open at the end of the capture */
    EXMTA_X4_END_RELEASE = 1,   /* orderly release */
    EXMTA_X4_END_ABORT = 2,     /* abort (abort_by, abort_reason) */
    EXMTA_X4_END_DR = 3,        /* COTP disconnect request */
    EXMTA_X4_END_RST = 4,       /* TCP reset */
    EXMTA_X4_END_REFUSED = 5,   /* refused while being set up */
} exmta_x4_end_t;

/* The bind (association set-up) result. */
typedef enum {
    EXMTA_X4_BIND_NOT_SEEN = 0, /* the set-up is not in the capture */
    EXMTA_X4_BIND_PENDING,      /* requested, no answer */
    EXMTA_X4_BIND_ACCEPTED,
    EXMTA_X4_BIND_REFUSED,
} exmta_x4_bind_t;

/* RTSE modes (exmta.x400.rtse_mode; public). */
enum { EXMTA_X4_RTSE_UNKNOWN = 0, EXMTA_X4_RTSE_NORMAL = 1, EXMTA_X4_RTSE_X410 = 2 };

/* One frame's facts. Strings are borrowed (copied by the model). Integers
 * that a frame does not carry are -1. */
typedef struct {
    guint32 frame;
    gint64 sec;                 /* absolute time */
    gint32 nsec;
    guint32 stream;             /* tcp.stream */
    guint32 assoc;              /* the association, or 0: the model assigns it */
    gboolean from_client;       /* sent by the end that is not the RFC1006 port's */
    guint32 bytes;              /* TCP payload octets (RFC1006: TPKTs) the frame completed */
    const char *client, *server;
    guint16 client_port, server_port;
    const char *found_by;       /* how exmta found RFC1006 ("port preference", ...) */
    guint32 ev;                 /* EXMTA_X4_* */
    const char *calling_tsap, *called_tsap;
    const char *calling_ssap, *called_ssap;     /* hex */
    const char *calling_psap, *called_psap;     /* hex */
    const char *app_context;    /* dotted OID */
    gint pres_mode;             /* mode-value of CP: 0 x410-1984, 1 normal; -1 */
    gint dialogue_mode;         /* 0 monologue, 1 two-way-alternate; -1 */
    const char *initiator, *responder;
    gint bind_error, ses_reason, pres_reason, acse_result, acse_abort_source;
    gint rtse_refuse, rtse_abort, dr_reason;
    guint16 messages, probes, reports;          /* P1 transfers in this frame */
    guint16 undecoded;          /* transfers that ended in this frame with no P1 decoded by stock */
} exmta_x4_obs_t;

/* An observation with every integer "not carried". Inline, as
 * exmta_x4_obs_empty: the shell asks both on every frame of a session. */
static inline void
exmta_x4_obs_init(exmta_x4_obs_t *o)
{
    memset(o, 0, sizeof(*o));
    o->pres_mode = o->dialogue_mode = -1;
    o->bind_error = o->ses_reason = o->pres_reason = o->acse_result = o->acse_abort_source = -1;
    o->rtse_refuse = o->rtse_abort = o->dr_reason = -1;
}

/* The frame showed nothing of the association but its bytes (a transfer
 * not read yet, EXMTA_X4_PENDING, shows nothing either). */
static inline gboolean
exmta_x4_obs_empty(const exmta_x4_obs_t *o)
{
    return !(o->ev & ~(guint32)EXMTA_X4_PENDING) && !o->messages && !o->probes && !o->reports && !o->undecoded &&
           !o->calling_tsap &&
           !o->called_tsap && !o->calling_ssap && !o->called_ssap && !o->calling_psap && !o->called_psap &&
           !o->app_context && !o->initiator && !o->responder && o->pres_mode < 0 && o->dialogue_mode < 0;
}
/* Stock read an RTSE open request (RTORQ) or acceptance (RTOAC) in the
 * frame (events ev) but no MTA bind argument or result in it, which an
 * MTA's always carries. */
static inline gboolean
exmta_x4_bind_undecoded(guint32 ev)
{
    return ((ev & EXMTA_X4_RTORQ) && !(ev & EXMTA_X4_BIND_ARG)) ||
           ((ev & EXMTA_X4_RTOAC) && !(ev & EXMTA_X4_BIND_RES));
}

/* It carries more than its events and counts: a name, a mode or a reason
 * (what exmta_x4_obs_init leaves unset, but for the frame's identity:
 * frame, time, stream, association, direction, bytes, ends, found_by). */
gboolean exmta_x4_obs_says(const exmta_x4_obs_t *o);

/* The refusal or abort a frame shows, decided from its facts alone:
 * the layer (0: none), its reason code (-1 none) and what the layer and
 * reason mean, with a check to make ("[Connector] Session refused: ..."). */
exmta_x4_layer_t exmta_x4_obs_refusal(const exmta_x4_obs_t *o, gint *reason);
exmta_x4_layer_t exmta_x4_obs_abort(const exmta_x4_obs_t *o, gint *reason);
char *exmta_x4_refusal_text(exmta_x4_layer_t layer, gint reason);      /* g_free */
char *exmta_x4_abort_text(exmta_x4_layer_t layer, gint reason);        /* g_free */
const char *exmta_x4_layer_name(exmta_x4_layer_t layer);
const char *exmta_x4_reason_name(exmta_x4_layer_t layer, gint reason, gboolean abort); /* NULL if unknown */
/* "name (code)" as the association table writes it, NULL if the code has no
 * name (g_free) */
char *exmta_x4_reason_label(exmta_x4_layer_t layer, gint reason, gboolean abort);

/* One association. */
typedef struct {
    guint32 id;
    guint32 stream;
    char *client, *server;
    guint16 client_port, server_port;
    char *found_by;
    gboolean start_seen;        /* its CR or session CONNECT is in the capture */
    guint32 first_frame, last_frame;
    gint64 first_sec, last_sec;
    gint32 first_nsec, last_nsec;
    char *calling_tsap, *called_tsap, *calling_ssap, *called_ssap, *calling_psap, *called_psap, *app_context;
    gint rtse_mode;             /* EXMTA_X4_RTSE_* */
    gint dialogue_mode;         /* -1 unknown */
    char *initiator, *responder;
    exmta_x4_bind_t bind;
    exmta_x4_layer_t refused_by;
    gint refuse_reason;
    guint32 refused_in;
    exmta_x4_end_t end;
    exmta_x4_layer_t abort_by;
    gint end_reason;            /* abort or DR reason, -1 */
    guint32 end_frame;
    gboolean had_cn;
    gboolean x400, other;       /* EXMTA_X4_X400 or EXMTA_X4_OTHER seen */
    guint32 messages[2], probes[2], reports[2];     /* [0] client to server, [1] back */
    guint32 undecoded[2];       /* transfers stock decoded no P1 for */
    guint64 bytes[2];
    guint32 frames;
} exmta_x4_assoc_t;

typedef struct exmta_x4_model exmta_x4_model_t;

exmta_x4_model_t *exmta_x4_model_new(void);
void exmta_x4_model_free(exmta_x4_model_t *m);
void exmta_x4_model_reset(exmta_x4_model_t *m);
/* Feeds one frame; returns its association (o->assoc, or the one the model
 * assigned). Frames of one stream must come in frame order. */
guint32 exmta_x4_model_add(exmta_x4_model_t *m, const exmta_x4_obs_t *o);
/* The association id, or NULL. */
const exmta_x4_assoc_t *exmta_x4_model_get(const exmta_x4_model_t *m, guint32 id);
/* The stream's current association, 0 if none. */
guint32 exmta_x4_model_current(const exmta_x4_model_t *m, guint32 stream);
/* Every association, by id (the model owns them), but those of another
 * RFC1006 user that never carried X.400 (S7comm, MMS). */
GPtrArray *exmta_x4_model_rows(const exmta_x4_model_t *m);
/* Whether exmta_x4_model_rows lists the association. */
gboolean exmta_x4_assoc_listed(const exmta_x4_assoc_t *a);

/* What became of an association's row after a frame (exmta_x4_rows_follow). */
typedef enum {
    EXMTA_X4_ROW_UNLISTED = 0,  /* not listed, before or after: no row */
    EXMTA_X4_ROW_CHANGED,       /* its row, at pos, changed */
    EXMTA_X4_ROW_INSERTED,      /* a row at pos: the rows from pos on moved down by one */
    EXMTA_X4_ROW_REMOVED,       /* its row at pos left: the rows after it moved up by one */
} exmta_x4_row_change_t;
/* A table that is drawn as frames go by (the GUI's) follows the listed
 * rows one frame at a time and sets only the rows the frame changed
 * (setting every row on every frame is quadratic in a large capture's
 * associations). ids holds the
 * ids of the rows shown so far in order (guint32, as exmta_x4_model_rows
 * lists them); after exmta_x4_model_add returned id, this brings ids up to
 * date and says what became of id's row, at *pos. A frame changes only
 * the association it was added to. */
exmta_x4_row_change_t exmta_x4_rows_follow(GArray *ids, const exmta_x4_model_t *m, guint32 id, guint *pos);

/* The row's columns. */
#define EXMTA_X4_NCOLS 33
extern const char *const exmta_x4_columns[EXMTA_X4_NCOLS];      /* text headers */
extern const char *const exmta_x4_keys[EXMTA_X4_NCOLS];         /* CSV/JSON keys */
/* Cell c of a row (g_free), NULL for "no value". */
char *exmta_x4_cell(const exmta_x4_assoc_t *a, int c);
gboolean exmta_x4_col_numeric(int c);
/* "accepted", "refused by session: ...", "requested, no answer", "not in the capture" */
char *exmta_x4_result_text(const exmta_x4_assoc_t *a);
/* "refused by LAYER: REASON (CODE)", as the result column says it (g_free) */
char *exmta_x4_refused_by_text(exmta_x4_layer_t layer, gint reason);
/* "orderly release", "abort by RTSE: ...", "COTP DR: ...", "TCP RST", "open" */
char *exmta_x4_end_text(const exmta_x4_assoc_t *a);

void exmta_x4_format_text(GString *out, const GPtrArray *rows);
void exmta_x4_format_csv(GString *out, const GPtrArray *rows);
void exmta_x4_format_json(GString *out, const GPtrArray *rows);

#endif /* EXMTA_X400ASSOC_H */
