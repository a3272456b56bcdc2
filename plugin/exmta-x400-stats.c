/* exmta-x400-stats.c - the X.400 associations and transfers tables: one
 * row per association, and one per P1 message, probe or report, that the
 * "exmta.x400" tap reported, for tshark
 * (-z exmta,associations|messages[,text|csv|json][,FILTER]) and the GUI
 * (Statistics > Exchange MTA X.400 Associations and Messages,
 * -z exmta,associations_table and -z exmta,messages_table). The models and
 * their renderings are plugin/core/x400assoc.c and x400msg.c; this file only
 * feeds them the tap records and prints or fills the tables. Neither needs a
 * protocol tree: every record is what the first pass stored for its frame.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "exmta-x400.h"
#include <stdlib.h>
#include <string.h>
#include <epan/tap.h>
#include <epan/stat_tap_ui.h>

#include "exmta-x400-stats.h"
#include "x400assoc.h"
#include "x400msg.h"

#define ASSOC_CLI "exmta,associations"
#define ASSOC_TABLE_CLI "exmta,associations_table"
#define ASSOC_TITLE "Exchange MTA X.400 Associations"
#define MSGS_CLI "exmta,messages"
#define MSGS_TABLE_CLI "exmta,messages_table"
#define MSGS_TITLE "Exchange MTA X.400 Messages"

typedef enum { FMT_TEXT, FMT_CSV, FMT_JSON } assoc_fmt_t;

typedef struct {
    assoc_fmt_t fmt;
    gboolean messages;          /* -z exmta,messages: the transfers */
    exmta_x4_model_t *model;
    exmta_x4_msgs_t *msgs;
} assoc_tap_t;

static void
assoc_reset(void *tapdata)
{
    exmta_x4_model_reset(((assoc_tap_t *)tapdata)->model);
    exmta_x4_msgs_reset(((assoc_tap_t *)tapdata)->msgs);
}

/* The frame's transfers, then those stock decoded no P1 for: a row that
 * says only where each was. */
static void
msgs_add_tap(exmta_x4_msgs_t *msgs, const exmta_x400_tap_t *r)
{
    static const exmta_x4_transfer_t undecoded = { .kind = EXMTA_X4_UNDECODED, .size = -1, .priority = -1 };

    for (guint i = 0; i < r->n_transfers; i++) {
        exmta_x4_transfer_t t = r->transfers[i];

        /* stock shows the first late: where it really ended */
        t.ended_in = i == 0 ? r->late_of : 0;
        exmta_x4_msgs_add(msgs, &t, r->obs.frame, r->obs.assoc, r->obs.stream, r->obs.from_client);
    }
    for (guint i = 0; i < r->obs.undecoded; i++)
        exmta_x4_msgs_add(msgs, &undecoded, r->obs.frame, r->obs.assoc, r->obs.stream, r->obs.from_client);
}

static EXMTA_TAP_PACKET_CB(assoc_packet)
{
    const exmta_x400_tap_t *r = (const exmta_x400_tap_t *)data;

    (void)pinfo;
    (void)edt;
    (void)flags;
    if (((assoc_tap_t *)tapdata)->messages)
        msgs_add_tap(((assoc_tap_t *)tapdata)->msgs, r);
    else
        exmta_x4_model_add(((assoc_tap_t *)tapdata)->model, &r->obs);
    return TAP_PACKET_REDRAW;
}

static void
assoc_draw(void *tapdata)
{
    assoc_tap_t *t = (assoc_tap_t *)tapdata;
    GPtrArray *rows;
    GString *s = g_string_new(NULL);

    if (t->messages) {
        const GPtrArray *mr = exmta_x4_msgs_rows(t->msgs);

        exmta_x4_msgs_link_reports(t->msgs, exmta_x400_report_in, NULL);
        switch (t->fmt) {
        case FMT_CSV:   exmta_x4_msgs_format_csv(s, mr); break;
        case FMT_JSON:  exmta_x4_msgs_format_json(s, mr); break;
        default:        exmta_x4_msgs_format_text(s, mr); break;
        }
        fputs(s->str, stdout);
        fflush(stdout);
        g_string_free(s, TRUE);
        return;
    }
    rows = exmta_x4_model_rows(t->model);
    switch (t->fmt) {
    case FMT_CSV:   exmta_x4_format_csv(s, rows); break;
    case FMT_JSON:  exmta_x4_format_json(s, rows); break;
    default:        exmta_x4_format_text(s, rows); break;
    }
    fputs(s->str, stdout);
    fflush(stdout);
    g_string_free(s, TRUE);
    g_ptr_array_free(rows, TRUE);
}

static void
assoc_finish(void *tapdata)
{
    assoc_tap_t *t = (assoc_tap_t *)tapdata;

    exmta_x4_model_free(t->model);
    exmta_x4_msgs_free(t->msgs);
    g_free(t);
}

static gboolean
assoc_tap_init(const char *opt_arg, const char *cli, gboolean messages)
{
    static const struct { const char *name; assoc_fmt_t fmt; } formats[] = {
        { "text", FMT_TEXT }, { "csv", FMT_CSV }, { "json", FMT_JSON },
    };
    const char *rest = opt_arg + strlen(cli);
    const char *user_filter = NULL;
    assoc_fmt_t fmt = FMT_TEXT;
    assoc_tap_t *t;
    GString *err;

    if (*rest != '\0' && *rest != ',') {
        fprintf(stderr, "tshark: invalid \"-z %s\": use -z %s[,text|csv|json][,filter]\n", opt_arg, cli);
        return FALSE;
    }
    if (*rest == ',') {
        rest++;
        user_filter = rest;
        for (size_t i = 0; i < G_N_ELEMENTS(formats); i++) {
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
    t = g_new0(assoc_tap_t, 1);
    t->fmt = fmt;
    t->messages = messages;
    t->model = exmta_x4_model_new();
    t->msgs = exmta_x4_msgs_new();
    err = register_tap_listener(EXMTA_X400_TAP_NAME, t, user_filter, TL_REQUIRES_NOTHING,
                                assoc_reset, assoc_packet, assoc_draw, assoc_finish);
    if (err) {
        fprintf(stderr, "tshark: couldn't register the %s tap: %s\n", cli, err->str);
        g_string_free(err, TRUE);
        exmta_x4_model_free(t->model);
        exmta_x4_msgs_free(t->msgs);
        g_free(t);
        return FALSE;
    }
    return TRUE;
}

static EXMTA_STAT_TAP_INIT_CB(assoc_init)
{
    (void)userdata;
    if (!assoc_tap_init(opt_arg, ASSOC_CLI, FALSE))
        EXMTA_STAT_TAP_INIT_FAIL();
    EXMTA_STAT_TAP_INIT_RETURN(true);
}

static EXMTA_STAT_TAP_INIT_CB(msgs_init)
{
    (void)userdata;
    if (!assoc_tap_init(opt_arg, MSGS_CLI, TRUE))
        EXMTA_STAT_TAP_INIT_FAIL();
    EXMTA_STAT_TAP_INIT_RETURN(true);
}

/* ---- Statistics > Exchange MTA X.400 Associations -------------------------- */

static stat_tap_table_item table_fields[EXMTA_X4_NCOLS];
static tap_param table_params[] = {
    { PARAM_FILTER, "filter", "Filter", NULL, TRUE },
};

static exmta_x4_model_t *table_model;
/* the association of each row the table shows (exmta_x4_rows_follow) */
static GArray *table_ids;
static stat_tap_table_ui *table_ui_registered;
/* The rows can fall in number: an association that turns out to carry
 * another RFC1006 user (MMS, S7comm) leaves the table. The GUI keeps a
 * pointer to every row it has drawn (a long retap draws before it ends),
 * so a row that falls off is emptied and kept here, last off first, until
 * the table is reset; the next row at its place reuses it. */
static GPtrArray *spare_rows;

static void
table_model_reset(void)
{
    exmta_x4_model_reset(table_model);
    if (table_ids)
        g_array_set_size(table_ids, 0);
}

static void
table_shutdown(void)
{
    exmta_x4_model_free(table_model);
    table_model = NULL;
    if (table_ids)
        g_array_free(table_ids, TRUE);
    table_ids = NULL;
    exmta_stat_tables_free(table_ui_registered);
    if (spare_rows)
        g_ptr_array_free(spare_rows, TRUE);
    spare_rows = NULL;
}

static void
table_free_item(stat_tap_table *table, guint row, guint column, stat_tap_table_item_type *field_data)
{
    (void)table;
    (void)row;
    if (column < EXMTA_X4_NCOLS && table_fields[column].type == TABLE_ITEM_STRING && field_data) {
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
    if (spare_rows)
        g_ptr_array_set_size(spare_rows, 0);
    table_model_reset();
}

static void
table_init(stat_tap_table_ui *new_stat)
{
    stat_tap_table *table;

    if (!table_model)
        table_model = exmta_x4_model_new();
    if (!table_ids)
        table_ids = g_array_new(FALSE, FALSE, sizeof(guint32));
    table = stat_tap_find_table(new_stat, ASSOC_TITLE);
    if (table) {
        table_reset(table);
        return;
    }
    table_model_reset();
    table = stat_tap_init_table(ASSOC_TITLE, EXMTA_X4_NCOLS, 0, NULL);
    stat_tap_add_table(new_stat, table);
}

/* Row idx of the table: association a (rows in order of association id). */
static void
table_set_row(stat_tap_table *table, guint idx, const exmta_x4_assoc_t *a)
{
    stat_tap_table_item_type items[EXMTA_X4_NCOLS];

    memset(items, 0, sizeof(items));
    for (guint c = 0; c < EXMTA_X4_NCOLS; c++) {
        char *v = exmta_x4_cell(a, (int)c);

        items[c].type = table_fields[c].type;
        if (items[c].type == TABLE_ITEM_UINT)
            items[c].value.uint_value = v ? (guint)g_ascii_strtoull(v, NULL, 10) : 0;
        else if (items[c].type == TABLE_ITEM_FLOAT)
            items[c].value.float_value = v ? g_ascii_strtod(v, NULL) : 0;
        else
            items[c].value.string_value = g_strdup(v ? v : "");
        g_free(v);
    }
    if (idx < table->num_elements) {
        for (guint c = 0; c < EXMTA_X4_NCOLS; c++)
            table_free_item(table, idx, c, stat_tap_get_field_data(table, idx, c));
    } else if (idx == table->num_elements && spare_rows && spare_rows->len) {
        table->elements = (stat_tap_table_item_type **)g_realloc(table->elements,
                                                                 sizeof(*table->elements) * (idx + 1));
        table->elements[idx] = (stat_tap_table_item_type *)g_ptr_array_steal_index(spare_rows, spare_rows->len - 1);
        table->num_elements = idx + 1;
    }
    stat_tap_init_table_row(table, idx, EXMTA_X4_NCOLS, items);
}

/* The table shows n rows: the ones past n are emptied and kept (spare_rows). */
static void
table_keep_rows(stat_tap_table *table, guint n)
{
    if (!spare_rows)
        spare_rows = g_ptr_array_new_with_free_func(g_free);
    while (table->num_elements > n) {
        guint i = table->num_elements - 1;

        for (guint c = 0; c < table->num_fields; c++) {
            stat_tap_table_item_type *f = stat_tap_get_field_data(table, i, c);

            table_free_item(table, i, c, f);
            memset(&f->value, 0, sizeof(f->value));
        }
        g_ptr_array_add(spare_rows, table->elements[i]);
        table->num_elements = i;
    }
}

static EXMTA_TAP_PACKET_CB(table_packet)
{
    stat_data_t *stat_data = (stat_data_t *)tapdata;
    const exmta_x400_tap_t *r = (const exmta_x400_tap_t *)data;
    stat_tap_table *table;
    guint32 id;
    guint pos;

    (void)pinfo;
    (void)edt;
    (void)flags;
    if (!table_model || !table_ids || stat_data->stat_tap_data->tables->len == 0)
        return TAP_PACKET_DONT_REDRAW;
    table = g_array_index(stat_data->stat_tap_data->tables, stat_tap_table *, 0);
    id = exmta_x4_model_add(table_model, &r->obs);
    /* only the frame's association changed; a row that comes or goes (an
     * association turns out to carry another RFC1006 user) moves the rows
     * after it */
    switch (exmta_x4_rows_follow(table_ids, table_model, id, &pos)) {
    case EXMTA_X4_ROW_CHANGED:
        table_set_row(table, pos, exmta_x4_model_get(table_model, id));
        break;
    case EXMTA_X4_ROW_INSERTED:
    case EXMTA_X4_ROW_REMOVED:
        for (guint i = pos; i < table_ids->len; i++)
            table_set_row(table, i, exmta_x4_model_get(table_model, g_array_index(table_ids, guint32, i)));
        table_keep_rows(table, table_ids->len);
        break;
    default:
        return TAP_PACKET_DONT_REDRAW;
    }
    return TAP_PACKET_REDRAW;
}

/* ---- Statistics > Exchange MTA X.400 Messages ------------------------------ */

static stat_tap_table_item msgs_fields[EXMTA_X4_MSG_NCOLS];
static exmta_x4_msgs_t *msgs_model;
/* the links to reports (exmta_x400_report_links) the table has applied */
static guint msgs_links_applied;
static stat_tap_table_ui *msgs_ui_registered;

static void
msgs_model_reset(void)
{
    exmta_x4_msgs_reset(msgs_model);
    msgs_links_applied = 0;
}

static void
msgs_shutdown(void)
{
    exmta_x4_msgs_free(msgs_model);
    msgs_model = NULL;
    exmta_stat_tables_free(msgs_ui_registered);
}

static void
msgs_free_item(stat_tap_table *table, guint row, guint column, stat_tap_table_item_type *field_data)
{
    (void)table;
    (void)row;
    if (column < EXMTA_X4_MSG_NCOLS && msgs_fields[column].type == TABLE_ITEM_STRING && field_data) {
        g_free((char *)field_data->value.string_value);
        field_data->value.string_value = NULL;
    }
}

static void
msgs_table_reset(stat_tap_table *table)
{
    for (guint i = 0; i < table->num_elements; i++) {
        for (guint c = 0; c < table->num_fields; c++)
            msgs_free_item(table, i, c, stat_tap_get_field_data(table, i, c));
        g_free(table->elements[i]);
    }
    g_free(table->elements);
    table->elements = NULL;
    table->num_elements = 0;
    msgs_model_reset();
}

static void
msgs_table_init(stat_tap_table_ui *new_stat)
{
    stat_tap_table *table;

    if (!msgs_model)
        msgs_model = exmta_x4_msgs_new();
    table = stat_tap_find_table(new_stat, MSGS_TITLE);
    if (table) {
        msgs_table_reset(table);
        return;
    }
    msgs_model_reset();
    table = stat_tap_init_table(MSGS_TITLE, EXMTA_X4_MSG_NCOLS, 0, NULL);
    stat_tap_add_table(new_stat, table);
}

static void
msgs_set_row(stat_tap_table *table, guint idx, const exmta_x4_msg_row_t *r)
{
    stat_tap_table_item_type items[EXMTA_X4_MSG_NCOLS];

    memset(items, 0, sizeof(items));
    for (guint c = 0; c < EXMTA_X4_MSG_NCOLS; c++) {
        char *v = exmta_x4_msg_cell(r, (int)c);

        items[c].type = msgs_fields[c].type;
        if (items[c].type == TABLE_ITEM_UINT)
            items[c].value.uint_value = v ? (guint)g_ascii_strtoull(v, NULL, 10) : 0;
        else
            items[c].value.string_value = g_strdup(v ? v : "");
        g_free(v);
    }
    if (idx < table->num_elements)
        for (guint c = 0; c < EXMTA_X4_MSG_NCOLS; c++)
            msgs_free_item(table, idx, c, stat_tap_get_field_data(table, idx, c));
    stat_tap_init_table_row(table, idx, EXMTA_X4_MSG_NCOLS, items);
}

static void
msgs_set_rows(stat_tap_table *table, guint first, guint n)
{
    const GPtrArray *rows = exmta_x4_msgs_rows(msgs_model);

    for (guint i = first; i < first + n; i++)
        msgs_set_row(table, i, (const exmta_x4_msg_row_t *)g_ptr_array_index(rows, i));
}

static EXMTA_TAP_PACKET_CB(msgs_table_packet)
{
    stat_data_t *stat_data = (stat_data_t *)tapdata;
    const exmta_x400_tap_t *r = (const exmta_x400_tap_t *)data;
    stat_tap_table *table;
    const GPtrArray *rows;
    const exmta_x400_link_t *links;
    guint from, first, n_links;

    (void)pinfo;
    (void)edt;
    (void)flags;
    if (!msgs_model || !(r->n_transfers || r->obs.undecoded) || stat_data->stat_tap_data->tables->len == 0)
        return TAP_PACKET_DONT_REDRAW;
    table = g_array_index(stat_data->stat_tap_data->tables, stat_tap_table *, 0);
    rows = exmta_x4_msgs_rows(msgs_model);
    from = rows->len;
    msgs_add_tap(msgs_model, r);
    /* Set the new rows, and the earlier ones a link changed. A new message
     * or probe takes the first report on it known so far; every link the
     * shell learned since the last call (each new report's among them, and
     * those of reports this table's filter leaves out) links its subject's
     * row. */
    for (guint i = from; i < rows->len; i++) {
        const exmta_x4_msg_row_t *row = (const exmta_x4_msg_row_t *)g_ptr_array_index(rows, i);
        guint32 rep;

        if (row->kind != EXMTA_X4_REPORT && (rep = exmta_x400_report_in(row->frame, row->mts_id, NULL)) != 0)
            exmta_x4_msgs_link_report(msgs_model, row->frame, row->mts_id, rep, &first);
    }
    links = exmta_x400_report_links(&n_links);
    if (msgs_links_applied > n_links)
        msgs_links_applied = 0;
    for (; msgs_links_applied < n_links; msgs_links_applied++) {
        const exmta_x400_link_t *l = links + msgs_links_applied;
        guint n = exmta_x4_msgs_link_report(msgs_model, l->subject, l->subject_id, l->report, &first);

        msgs_set_rows(table, first, first < from ? MIN(n, from - first) : 0);
    }
    for (guint i = from; i < rows->len; i++)
        msgs_set_row(table, i, (const exmta_x4_msg_row_t *)g_ptr_array_index(rows, i));
    return TAP_PACKET_REDRAW;
}

void
exmta_x400_stats_register_tables(void)
{
    static stat_tap_table_ui table_ui = {
        REGISTER_PACKET_STAT_GROUP_UNSORTED,
        ASSOC_TITLE,
        EXMTA_X400_TAP_NAME,
        ASSOC_TABLE_CLI,
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
    static stat_tap_table_ui msgs_table_ui = {
        REGISTER_PACKET_STAT_GROUP_UNSORTED,
        MSGS_TITLE,
        EXMTA_X400_TAP_NAME,
        MSGS_TABLE_CLI,
        msgs_table_init,
        msgs_table_packet,
        msgs_table_reset,
        msgs_free_item,
        NULL,
        G_N_ELEMENTS(msgs_fields), msgs_fields,
        G_N_ELEMENTS(table_params), table_params,
        NULL,
        0,
    };

    for (int c = 0; c < EXMTA_X4_NCOLS; c++) {
        gboolean num = exmta_x4_col_numeric(c) && c != 9;

        table_fields[c].type = c == 9 ? TABLE_ITEM_FLOAT : num ? TABLE_ITEM_UINT : TABLE_ITEM_STRING;
        table_fields[c].align = num || c == 9 ? TAP_ALIGN_RIGHT : TAP_ALIGN_LEFT;
        table_fields[c].column_name = exmta_x4_columns[c];
        table_fields[c].field_format = c == 9 ? "%.6f" : num ? "%u" : "%s";
    }
    for (int c = 0; c < EXMTA_X4_MSG_NCOLS; c++) {
        gboolean num = exmta_x4_msg_col_numeric(c);

        msgs_fields[c].type = num ? TABLE_ITEM_UINT : TABLE_ITEM_STRING;
        msgs_fields[c].align = num ? TAP_ALIGN_RIGHT : TAP_ALIGN_LEFT;
        msgs_fields[c].column_name = exmta_x4_msg_columns[c];
        msgs_fields[c].field_format = num ? "%u" : "%s";
    }
    register_stat_tap_table_ui(&msgs_table_ui);
    msgs_ui_registered = &msgs_table_ui;
    register_cleanup_routine(msgs_model_reset);
    register_shutdown_routine(msgs_shutdown);
    register_stat_tap_table_ui(&table_ui);
    table_ui_registered = &table_ui;
    register_cleanup_routine(table_model_reset);
    register_shutdown_routine(table_shutdown);
}

void
exmta_x400_stats_register(void)
{
    static stat_tap_ui assoc_ui = {
        REGISTER_STAT_GROUP_GENERIC,
        ASSOC_TITLE,
        ASSOC_CLI,
        assoc_init,
        0,
        NULL,
    };
    static stat_tap_ui msgs_ui = {
        REGISTER_STAT_GROUP_GENERIC,
        MSGS_TITLE,
        MSGS_CLI,
        msgs_init,
        0,
        NULL,
    };

    register_stat_tap_ui(&msgs_ui, NULL);
    register_stat_tap_ui(&assoc_ui, NULL);
}
