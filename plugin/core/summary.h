/* summary.h - the endpoint summary: what an exmta tap run found, one row per
 * MTA endpoint (-z exmta,endpoints and Statistics > Exchange MTA Endpoints).
 *
 * Plain C over GLib: no libwireshark. The Wireshark shell (exmta-stats.c)
 * turns every exmta tap record into an exmta_summary_rec_t and adds it; the
 * model aggregates, and renders rows as text, CSV, JSON or UAT lines.
 *
 * Row key: (group, host, port) where group separates RFC1006 rows from RPC
 * rows; endpoint-mapper failures are keyed by (EPM host, port, requested
 * interface kind) in their own group.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef EXMTA_SUMMARY_H
#define EXMTA_SUMMARY_H

#include <glib.h>

/* Record types of the exmta tap (the shell queues them, exmta.h). */
typedef enum {
    EXMTA_SUM_RFC1006 = 1,      /* a frame of an RFC1006 session (or its refused SYN/RST) */
    EXMTA_SUM_RPC,              /* a frame of a session to an RPC endpoint */
    EXMTA_SUM_EPM_LEARNED,      /* an ept_map response taught this endpoint */
    EXMTA_SUM_EPM_FAILED,       /* an ept_map lookup gave no TCP endpoint */
} exmta_sum_type_t;

/* How an endpoint was found. */
typedef enum {
    EXMTA_SUM_FOUND_PORT_PREF = 1,
    EXMTA_SUM_FOUND_TPKT_PORT,
    EXMTA_SUM_FOUND_HEURISTIC,
    EXMTA_SUM_FOUND_DECODE_AS,
    EXMTA_SUM_FOUND_EPM,
    EXMTA_SUM_FOUND_STATIC_PREF,
    EXMTA_SUM_FOUND_KNOWN_TABLE,
} exmta_sum_found_by_t;

/* Kinds: exmta_ep_kind_t (endpoints.h) for RPC, plus the two RFC1006 ones
 * (X.400, or RFC1006 that has not carried X.411). */
#define EXMTA_SUM_KIND_X400 10
#define EXMTA_SUM_KIND_RFC1006_OTHER 11

/* MTA bind states, as read from stock X.411 in the tree. */
enum {
    EXMTA_SUM_BIND_NONE = 0,
    EXMTA_SUM_BIND_REQUEST,
    EXMTA_SUM_BIND_ACCEPTED,
    EXMTA_SUM_BIND_REFUSED,
};

/* One tap record. Strings are copied by exmta_summary_add(). */
typedef struct {
    exmta_sum_type_t type;
    const char *host;           /* server side, as text */
    guint16 port;
    guint8 kind;
    guint8 found_by;            /* exmta_sum_found_by_t */
    guint32 learned_in;         /* EPM response frame, 0 if none */
    guint32 stream;             /* tcp.stream */
    gboolean has_stream;
    const char *client;         /* the other end of the session, as text (NULL: unknown) */
    guint16 client_port;
    gboolean syn_in_file;       /* the session's SYN or SYN/ACK is in this file */
    guint32 frame;              /* frame number */
    guint32 frame_len;
    gint64 time_sec;            /* absolute time of the frame (UTC) */
    gint32 time_nsec;
    gboolean mta;
    gboolean refused;
    gboolean has_dr;
    guint8 dr_reason;
    int bind;                   /* EXMTA_SUM_BIND_* */
    const char *initiator;
    const char *responder;
    gint bind_error;            /* -1 if none */
    const char *bind_error_str; /* name of bind_error (NULL: the number is shown) */
    const char *assoc_refused;  /* an X.400 association refused below the MTA bind, as
                                 * "refused by session: REASON (CODE)"; NULL if none */
    guint32 epm_status;
    const char *interface_name; /* NULL if none */
    const char *interface_uuid; /* "9e8ee830-..." or NULL */
    guint16 ver_major, ver_minor;
} exmta_summary_rec_t;

/* One rendered row. Every string is owned by the row. */
typedef struct {
    char *host;
    guint16 port;
    char *kind;                 /* "X.400 over RFC1006", "MTA RPC", ... */
    char *found_by;             /* "heuristic", "EPM frame 7 (+2 more); static port preference":
                                 * each way in order of first mention, the
                                 * ept_map responses as the first and a count */
    guint32 *epm_frames;        /* every ept_map response frame, ascending, distinct */
    guint n_epm_frames;
    char **found_by_methods;    /* NULL-terminated tokens (exmta_summary_found_token), in
                                 * the order of found_by */
    guint sessions;             /* distinct TCP streams */
    guint64 frames;
    guint64 bytes;
    guint32 first_frame;        /* 0: no frame (learned, no session) */
    guint32 last_frame;
    char *outcome;
    /* For UAT lines: an RPC endpoint learned from an ept_map response. */
    gboolean rpc;               /* an RPC row (not RFC1006, not an EPM failure) */
    gboolean learned_from_epm;
    guint8 rpc_kind;            /* exmta_ep_kind_t */
    char *interface_uuid;       /* NULL if unknown */
    guint16 ver_major, ver_minor;
    guint32 learned_in;         /* first ept_map response that taught it */
    gint64 learned_sec;
    gint32 learned_nsec;
} exmta_summary_row_t;

typedef struct exmta_summary exmta_summary_t;

exmta_summary_t *exmta_summary_new(void);
void exmta_summary_free(exmta_summary_t *s);
void exmta_summary_reset(exmta_summary_t *s);

/* Add one record; returns the index of its row (stable: rows are numbered
 * in the order they were first mentioned, from 0). */
guint exmta_summary_add(exmta_summary_t *s, const exmta_summary_rec_t *rec);

guint exmta_summary_num_rows(const exmta_summary_t *s);

/* Row i as it stands now (free with exmta_summary_row_free). */
exmta_summary_row_t *exmta_summary_row(const exmta_summary_t *s, guint i);
void exmta_summary_row_free(exmta_summary_row_t *row);

/* Every row, in order (free with g_ptr_array_unref: it frees the rows). */
GPtrArray *exmta_summary_rows(const exmta_summary_t *s);

/* The stable machine name of a way of finding ("port_preference",
 * "tpkt_port", "heuristic", "decode_as", "epm", "static_port",
 * "known_table"); NULL for a value outside exmta_sum_found_by_t. */
const char *exmta_summary_found_token(guint8 found_by);

/* The sessions of the RFC1006 and RPC rows, one NULL-ended
 * char *[EXMTA_SUMMARY_SESSION_NCOLS + 1] per session (host, port, group, stream, client, client_port,
 * syn_in_file, first_frame, last_frame, frames as text), rows in order and
 * sessions in order of first frame within their row. Free with
 * exmta_summary_session_cells_free. */
#define EXMTA_SUMMARY_SESSION_NCOLS 10
GPtrArray *exmta_summary_session_cells(const exmta_summary_t *s);
void exmta_summary_session_cells_free(GPtrArray *cells);

/* Column titles of the table, in order (for the GUI). */
#define EXMTA_SUMMARY_NCOLS 10
extern const char *const exmta_summary_columns[EXMTA_SUMMARY_NCOLS];

/* The renderings (summary_format.c), declared here too for the model's
 * users that print it. */
#include "summary_format.h"

#endif /* EXMTA_SUMMARY_H */
