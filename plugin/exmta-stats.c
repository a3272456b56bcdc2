/* exmta-stats.c - the endpoint summary: one row per MTA endpoint that the
 * exmta tap reported, for tshark (-z exmta,endpoints) and the GUI
 * (Statistics > Exchange MTA Endpoints). The aggregation is plugin/core/
 * summary.c; this file turns tap records into summary records and renders.
 *
 * Two registrations share that one model:
 *  - -z exmta,endpoints[,text|csv|json|uat][,FILTER]: a stat_tap_ui. Prints at
 *    draw.
 *  - -z exmta,table (Statistics menu): a stat_tap_table_ui, the table the Qt
 *    SimpleStatisticsDialog shows (tshark prints it in the generic
 *    "simple table" layout).
 * Neither needs a protocol tree: every tap record, the MTA bind's outcome and
 * names included, is what the first pass stored for its frame.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "exmta-frame.h"
#include <stdlib.h>
#include <string.h>
#include <epan/prefs.h>
#include <epan/addr_resolv.h>
#include <epan/to_str.h>
#include <epan/tap.h>
#include <epan/stat_tap_ui.h>

#include "exmta-stats.h"
#include "summary.h"
#include "epm_parse.h"

#define ENDPOINTS_CLI "exmta,endpoints"
#define TABLE_CLI "exmta,table"
#define SESSIONS_CLI "exmta,sessions"
#define TABLE_TITLE "Exchange MTA Endpoints"

/* ---- tap record -> summary record ---------------------------------------- */

static gboolean
uuid_is_nil(const exmta_uuid_t *u)
{
    for (size_t i = 0; i < sizeof(u->b); i++)
        if (u->b[i])
            return FALSE;
    return TRUE;
}

/* Fills rec from ti; strings point into pinfo->pool or uuid (37 octets). */
static void
rec_from_tap(exmta_summary_rec_t *rec, packet_info *pinfo, const exmta_tap_info_t *ti, char *uuid)
{
    memset(rec, 0, sizeof(*rec));
    rec->type = (exmta_sum_type_t)ti->type;
    rec->host = address_to_str(pinfo->pool, &ti->host);
    rec->port = ti->port;
    rec->kind = ti->kind;
    rec->found_by = ti->found_by;
    rec->learned_in = ti->learned_in;
    switch (ti->type) {
    case EXMTA_SUM_RFC1006:
    case EXMTA_SUM_RPC:
        rec->stream = ti->stream;
        rec->has_stream = TRUE;
        rec->syn_in_file = ti->syn_in_file;
        /* the client is the end that is not the server's port */
        if (pinfo->destport == ti->port) {
            rec->client = address_to_str(pinfo->pool, &pinfo->src);
            rec->client_port = (guint16)pinfo->srcport;
        } else {
            rec->client = address_to_str(pinfo->pool, &pinfo->dst);
            rec->client_port = (guint16)pinfo->destport;
        }
        break;
    case EXMTA_SUM_EPM_FAILED:
        rec->stream = ti->stream;
        rec->has_stream = ti->has_stream;
        break;
    default:
        break;
    }
    rec->frame = pinfo->num;
    rec->frame_len = ti->frame_len;
    rec->time_sec = (gint64)pinfo->abs_ts.secs;
    rec->time_nsec = pinfo->abs_ts.nsecs;
    rec->mta = ti->mta;
    rec->refused = ti->refused;
    rec->has_dr = ti->has_dr;
    rec->dr_reason = ti->dr_reason;
    rec->bind = ti->bind;
    rec->initiator = ti->initiator;
    rec->responder = ti->responder;
    rec->bind_error = ti->bind_error;
    rec->bind_error_str = ti->bind_error_str;
    rec->assoc_refused = ti->assoc_refused;
    rec->epm_status = ti->epm_status;
    rec->interface_name = ti->interface_name;
    if (ti->type != EXMTA_SUM_RFC1006 && !uuid_is_nil(&ti->iface)) {
        exmta_uuid_to_string(&ti->iface, uuid);
        rec->interface_uuid = uuid;
        rec->ver_major = ti->ver_major;
        rec->ver_minor = ti->ver_minor;
    }
}

static guint
summary_add_tap(exmta_summary_t *model, packet_info *pinfo, const void *data)
{
    exmta_summary_rec_t rec;
    char uuid[37];

    rec_from_tap(&rec, pinfo, (const exmta_tap_info_t *)data, uuid);
    return exmta_summary_add(model, &rec);
}

/* ---- -z exmta,endpoints --------------------------------------------------- */

typedef enum { FMT_TEXT, FMT_CSV, FMT_JSON, FMT_UAT } endpoints_fmt_t;

typedef struct {
    endpoints_fmt_t fmt;
    gboolean sessions;          /* -z exmta,sessions: one line per TCP session */
    exmta_summary_t *model;
    char *capture_name;         /* the tap records' exmta.capture_name (UAT lines) */
} endpoints_tap_t;

static void
endpoints_reset(void *tapdata)
{
    endpoints_tap_t *t = (endpoints_tap_t *)tapdata;

    exmta_summary_reset(t->model);
}

static EXMTA_TAP_PACKET_CB(endpoints_packet)
{
    endpoints_tap_t *t = (endpoints_tap_t *)tapdata;

    const exmta_tap_info_t *ti = (const exmta_tap_info_t *)data;

    (void)edt;
    (void)flags;
    if (g_strcmp0(t->capture_name, ti->capture_name) != 0) {
        g_free(t->capture_name);
        t->capture_name = g_strdup(ti->capture_name);
    }
    summary_add_tap(t->model, pinfo, data);
    return TAP_PACKET_REDRAW;
}

static void
endpoints_draw(void *tapdata)
{
    endpoints_tap_t *t = (endpoints_tap_t *)tapdata;
    GPtrArray *rows = t->sessions ? NULL : exmta_summary_rows(t->model);
    GString *s = g_string_new(NULL);

    if (t->sessions) {
        switch (t->fmt) {
        case FMT_CSV:   exmta_summary_format_sessions_csv(s, t->model); break;
        case FMT_JSON:  exmta_summary_format_sessions_json(s, t->model); break;
        default:        exmta_summary_format_sessions_text(s, t->model); break;
        }
    } else {
        switch (t->fmt) {
        case FMT_CSV:   exmta_summary_format_csv(s, rows); break;
        case FMT_JSON:  exmta_summary_format_json(s, rows); break;
        case FMT_UAT:   exmta_summary_format_uat(s, rows, t->capture_name ? t->capture_name : ""); break;
        default:        exmta_summary_format_text(s, rows); break;
        }
    }
    fputs(s->str, stdout);
    fflush(stdout);
    g_string_free(s, TRUE);
    if (rows)
        g_ptr_array_unref(rows);
}

static void
endpoints_finish(void *tapdata)
{
    endpoints_tap_t *t = (endpoints_tap_t *)tapdata;

    exmta_summary_free(t->model);
    g_free(t->capture_name);
    g_free(t);
}

/* -z exmta,endpoints[,text|csv|json|uat][,FILTER] and
 * -z exmta,sessions[,text|csv|json][,FILTER] */
static gboolean
summary_tap_init(const char *opt_arg, const char *cli, gboolean sessions)
{
    static const struct { const char *name; endpoints_fmt_t fmt; } formats[] = {
        { "text", FMT_TEXT }, { "csv", FMT_CSV }, { "json", FMT_JSON }, { "uat", FMT_UAT },
    };
    const char *rest = opt_arg + strlen(cli);
    const char *formats_help = sessions ? "text|csv|json" : "text|csv|json|uat";
    const char *user_filter = NULL;
    endpoints_fmt_t fmt = FMT_TEXT;
    endpoints_tap_t *t;
    GString *err;

    if (*rest != '\0' && *rest != ',') {
        fprintf(stderr, "tshark: invalid \"-z %s\": use -z %s[,%s][,filter]\n", opt_arg, cli, formats_help);
        return FALSE;
    }
    if (*rest == ',') {
        rest++;
        user_filter = rest;
        for (size_t i = 0; i < G_N_ELEMENTS(formats) - (sessions ? 1 : 0); i++) {
            size_t n = strlen(formats[i].name);

            if (strncmp(rest, formats[i].name, n) == 0 && (rest[n] == '\0' || rest[n] == ',')) {
                fmt = formats[i].fmt;
                user_filter = rest[n] == ',' ? rest + n + 1 : NULL;
                break;
            }
        }
        if (user_filter && *user_filter == '\0')
            user_filter = NULL;
    }

    t = g_new0(endpoints_tap_t, 1);
    t->fmt = fmt;
    t->sessions = sessions;
    t->model = exmta_summary_new();
    err = register_tap_listener(EXMTA_TAP_NAME, t, user_filter, TL_REQUIRES_NOTHING,
                                endpoints_reset, endpoints_packet, endpoints_draw, endpoints_finish);
    if (err) {
        fprintf(stderr, "tshark: couldn't register the %s tap: %s\n", cli, err->str);
        g_string_free(err, TRUE);
        exmta_summary_free(t->model);
        g_free(t);
        return FALSE;
    }
    return TRUE;
}

static EXMTA_STAT_TAP_INIT_CB(endpoints_init)
{
    (void)userdata;
    if (!summary_tap_init(opt_arg, ENDPOINTS_CLI, FALSE))
        EXMTA_STAT_TAP_INIT_FAIL();
    EXMTA_STAT_TAP_INIT_RETURN(true);
}

static EXMTA_STAT_TAP_INIT_CB(sessions_init)
{
    (void)userdata;
    if (!summary_tap_init(opt_arg, SESSIONS_CLI, TRUE))
        EXMTA_STAT_TAP_INIT_FAIL();
    EXMTA_STAT_TAP_INIT_RETURN(true);
}



/* ---- Statistics > Exchange MTA Endpoints (-z exmta,table) ----------------- */

enum {
    COL_HOST, COL_PORT, COL_KIND, COL_FOUND_BY, COL_SESSIONS, COL_FRAMES, COL_BYTES,
    COL_FIRST, COL_LAST, COL_OUTCOME, NUM_COLS
};
G_STATIC_ASSERT(NUM_COLS == EXMTA_SUMMARY_NCOLS);

static stat_tap_table_item table_fields[] = {
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Host",        "%-15s" },
    { TABLE_ITEM_UINT,   TAP_ALIGN_RIGHT, "Port",        "%5u" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Kind",        "%-20s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Found by",    "%-16s" },
    { TABLE_ITEM_UINT,   TAP_ALIGN_RIGHT, "Sessions",    "%8u" },
    { TABLE_ITEM_UINT,   TAP_ALIGN_RIGHT, "Frames",      "%8u" },
    { TABLE_ITEM_UINT,   TAP_ALIGN_RIGHT, "Bytes",       "%10u" },
    { TABLE_ITEM_UINT,   TAP_ALIGN_RIGHT, "First frame", "%11u" },
    { TABLE_ITEM_UINT,   TAP_ALIGN_RIGHT, "Last frame",  "%10u" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT,  "Outcome",     "%s" },
};

static tap_param table_params[] = {
    { PARAM_FILTER, "filter", "Filter", NULL, TRUE },
};

/* The model behind the one table (the table holds rendered rows only). */
static exmta_summary_t *table_model;
/* At capture file close (cleanup routine). */
static void
table_model_cleanup(void)
{
    if (table_model)
        exmta_summary_reset(table_model);
}

static stat_tap_table_ui *table_ui_registered;

/* At program exit (shutdown routine): the table's model, and the tables the
 * framework keeps in our stat_tap_table_ui (tshark never frees them; the Qt
 * dialog frees them only while it exists, and checks for NULL). */
static void
table_shutdown(void)
{
    exmta_summary_free(table_model);
    table_model = NULL;
    exmta_stat_tables_free(table_ui_registered);
}

static void
table_free_item(stat_tap_table *table, guint row, guint column, stat_tap_table_item_type *field_data)
{
    (void)table;
    (void)row;
    if (column < NUM_COLS && table_fields[column].type == TABLE_ITEM_STRING && field_data) {
        g_free((char *)field_data->value.string_value);
        field_data->value.string_value = NULL;
    }
}

static void
table_reset(stat_tap_table *table)
{
    for (guint i = 0; i < table->num_elements; i++) {
        for (guint c = 0; c < table->num_fields; c++)
            table_free_item(table, i, c, stat_tap_get_field_data(table, i, c));
        g_free(table->elements[i]);
    }
    g_free(table->elements);
    table->elements = NULL;
    table->num_elements = 0;
    if (table_model)
        exmta_summary_reset(table_model);
}

static void
table_init(stat_tap_table_ui *new_stat)
{
    stat_tap_table *table;

    if (!table_model)
        table_model = exmta_summary_new();
    table = stat_tap_find_table(new_stat, TABLE_TITLE);
    if (table) {
        table_reset(table);
        return;
    }
    exmta_summary_reset(table_model);
    table = stat_tap_init_table(TABLE_TITLE, NUM_COLS, 0, NULL);
    stat_tap_add_table(new_stat, table);
}

static guint
clamp_u32(guint64 v)
{
    return v > G_MAXUINT ? G_MAXUINT : (guint)v;
}

static void
table_set_row(stat_tap_table *table, guint idx, const exmta_summary_row_t *r)
{
    stat_tap_table_item_type items[NUM_COLS];

    memset(items, 0, sizeof(items));
    for (guint c = 0; c < NUM_COLS; c++)
        items[c].type = table_fields[c].type;
    items[COL_HOST].value.string_value = g_strdup(r->host);
    items[COL_PORT].value.uint_value = r->port;
    items[COL_KIND].value.string_value = g_strdup(r->kind);
    items[COL_FOUND_BY].value.string_value = g_strdup(r->found_by);
    items[COL_SESSIONS].value.uint_value = r->sessions;
    items[COL_FRAMES].value.uint_value = clamp_u32(r->frames);
    items[COL_BYTES].value.uint_value = clamp_u32(r->bytes);
    items[COL_FIRST].value.uint_value = r->first_frame;
    items[COL_LAST].value.uint_value = r->last_frame;
    items[COL_OUTCOME].value.string_value = g_strdup(r->outcome);

    if (idx < table->num_elements)
        for (guint c = 0; c < NUM_COLS; c++)
            table_free_item(table, idx, c, stat_tap_get_field_data(table, idx, c));
    stat_tap_init_table_row(table, idx, NUM_COLS, items);
}

static EXMTA_TAP_PACKET_CB(table_packet)
{
    stat_data_t *stat_data = (stat_data_t *)tapdata;
    stat_tap_table *table;
    exmta_summary_row_t *row;
    guint idx;

    (void)edt;
    (void)flags;
    if (!table_model || stat_data->stat_tap_data->tables->len == 0)
        return TAP_PACKET_DONT_REDRAW;
    table = g_array_index(stat_data->stat_tap_data->tables, stat_tap_table *, 0);
    idx = summary_add_tap(table_model, pinfo, data);
    row = exmta_summary_row(table_model, idx);
    if (row && idx <= table->num_elements)
        table_set_row(table, idx, row);
    exmta_summary_row_free(row);
    return TAP_PACKET_REDRAW;
}

void
exmta_stats_register_tables(void)
{
    static stat_tap_table_ui table_ui = {
        REGISTER_PACKET_STAT_GROUP_UNSORTED,
        TABLE_TITLE,
        EXMTA_TAP_NAME,
        TABLE_CLI,
        table_init,
        table_packet,
        table_reset,
        table_free_item,
        NULL,
        G_N_ELEMENTS(table_fields), table_fields,
        G_N_ELEMENTS(table_params), table_params,
        NULL,
        0,
    };

    register_stat_tap_table_ui(&table_ui);
    table_ui_registered = &table_ui;
    register_cleanup_routine(table_model_cleanup);
    register_shutdown_routine(table_shutdown);
}

void
exmta_stats_register(void)
{
    static stat_tap_ui endpoints_ui = {
        REGISTER_STAT_GROUP_GENERIC,
        TABLE_TITLE,
        ENDPOINTS_CLI,
        endpoints_init,
        0,
        NULL,
    };
    static stat_tap_ui sessions_ui = {
        REGISTER_STAT_GROUP_GENERIC,
        "Exchange MTA Sessions",
        SESSIONS_CLI,
        sessions_init,
        0,
        NULL,
    };

    register_stat_tap_ui(&endpoints_ui, NULL);
    register_stat_tap_ui(&sessions_ui, NULL);
}
