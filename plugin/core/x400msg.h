/* x400msg.h - the X.400 transfers model (x400msg.c): one row per P1
 * message, probe or report an association carried, each report linked to
 * the message or probe it reports on (both frame numbers), and the
 * renderings for -z exmta,messages. Pure C over GLib; the shell fills a
 * transfer from stock X.411's fields.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef EXMTA_X400MSG_H
#define EXMTA_X400MSG_H

#include <glib.h>

/* stock X.411's MTS-APDU choice values, and a transfer that ended (as
 * exmta's walk of the session sees it) with no P1 decoded by stock: its
 * row says only where it was */
enum { EXMTA_X4_MESSAGE = 0, EXMTA_X4_REPORT = 1, EXMTA_X4_PROBE = 2, EXMTA_X4_UNDECODED = 3 };

/* One recipient of a report. */
typedef struct {
    const char *recipient;      /* actual recipient O/R name */
    gboolean delivered;
    gint reason, diagnostic;    /* non-delivery-reason-code, -diagnostic-code; -1 none */
    const char *reason_name, *diagnostic_name;  /* stock's names, NULL if none */
} exmta_x4_rr_t;

/* One transfer as a frame showed it. Strings are borrowed. */
typedef struct {
    guint8 kind;                /* EXMTA_X4_MESSAGE, _REPORT, _PROBE, _UNDECODED */
    const char *mts_id;         /* "/C=XZ/A= /P=EXMTA/ $ EXMTA-MSG-0101" (message, probe or report id) */
    const char *originator;     /* message, probe */
    const char **recipients;    /* message, probe */
    guint n_recipients;
    const char *content_type;   /* "interpersonal-messaging-1988 (22)", an OID */
    gint64 size;                /* message: content octets; probe: content-length; -1 unknown */
    gint priority;              /* 0 normal, 1 non-urgent, 2 urgent; -1 absent (normal) */
    const char *subject_id;     /* report: the MTS identifier of the subject message or probe */
    const exmta_x4_rr_t *rr;    /* report: per recipient */
    guint n_rr;
    guint32 subject_in;         /* report: the frame of its subject, when the shell has seen it; 0 */
    guint32 ended_in;           /* the frame where it really ended, when stock shows it late; 0 */
} exmta_x4_transfer_t;

/* A row: the transfer, where it was, and its link. */
typedef struct {
    guint32 frame, assoc, stream;
    gboolean from_client;
    guint8 kind;
    char *mts_id, *originator, *recipients, *content_type, *subject_id;
    gint64 size;
    gint priority;
    char *delivered;            /* report: recipients delivered, "; "-joined */
    char *non_delivered;        /* report: "NAME: reason (n) / diagnostic (m)", "; "-joined */
    guint n_non_delivered;
    guint32 report_in;          /* message, probe: the first report on it; 0 none */
    guint32 subject_in;         /* report: the transfer it reports on; 0 not in the capture */
    guint32 ended_in;           /* stock shows it late: where it really ended; 0 */
} exmta_x4_msg_row_t;

typedef struct exmta_x4_msgs exmta_x4_msgs_t;

exmta_x4_msgs_t *exmta_x4_msgs_new(void);
void exmta_x4_msgs_free(exmta_x4_msgs_t *m);
void exmta_x4_msgs_reset(exmta_x4_msgs_t *m);
/* Adds a transfer of frame (frames in order); a report is linked to its
 * t->subject_in, or else to the last earlier message or probe of this
 * table with its subject's MTS identifier.
 * Returns the row's index. */
guint exmta_x4_msgs_add(exmta_x4_msgs_t *m, const exmta_x4_transfer_t *t, guint32 frame, guint32 assoc,
                        guint32 stream, gboolean from_client);
/* Sets the report_in of every message and probe row that report_of
 * (given the row's frame and MTS identifier) answers with a frame: the
 * first report on it in the whole capture, which a filter on the table may
 * have left out. Rows without an MTS identifier are no report's subject. */
void exmta_x4_msgs_link_reports(exmta_x4_msgs_t *m,
                                guint32 (*report_of)(guint32 frame, const char *mts_id, gpointer user_data),
                                gpointer user_data);
/* One link, as a table drawn while frames go by learns it: the message and
 * probe rows of subject_frame with MTS identifier subject_id get
 * report_in = report_frame unless they have an earlier one (a frame may
 * carry several transfers; the report names one). Returns how many rows
 * subject_frame has, the first at *first (rows come in frame order), so
 * that only they are drawn again. */
guint exmta_x4_msgs_link_report(exmta_x4_msgs_t *m, guint32 subject_frame, const char *subject_id,
                                guint32 report_frame, guint *first);
/* The rows in order (the model owns them). */
const GPtrArray *exmta_x4_msgs_rows(const exmta_x4_msgs_t *m);

/* The frame of the last message or probe with this MTS identifier, 0 if none. */
guint32 exmta_x4_msgs_find(const exmta_x4_msgs_t *m, const char *mts_id);

#define EXMTA_X4_MSG_NCOLS 18
extern const char *const exmta_x4_msg_columns[EXMTA_X4_MSG_NCOLS];
extern const char *const exmta_x4_msg_keys[EXMTA_X4_MSG_NCOLS];
char *exmta_x4_msg_cell(const exmta_x4_msg_row_t *r, int c);   /* g_free; NULL: no value */
gboolean exmta_x4_msg_col_numeric(int c);

void exmta_x4_msgs_format_text(GString *out, const GPtrArray *rows);
void exmta_x4_msgs_format_csv(GString *out, const GPtrArray *rows);
void exmta_x4_msgs_format_json(GString *out, const GPtrArray *rows);

/* "/C=XZ/A= /P=EXMTA/O=Example Org/S=Sender/G=Alice/OU=SITE-A/" from its
 * attributes (any may be NULL; ous NULL-terminated or NULL), as stock X.411
 * labels an O/R name (g_free). */
char *exmta_x4_orname(const char *c, const char *a, const char *p, const char *o, const char *s,
                      const char *g, const char *i, const char *const *ous);
/* "/C=XZ/A= /P=EXMTA/ $ LOCAL" as stock labels an MTS identifier (g_free). */
char *exmta_x4_mts_id(const char *c, const char *a, const char *p, const char *local);

#endif /* EXMTA_X400MSG_H */
