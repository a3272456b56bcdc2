/* exmta-x400.c - X.400 associations read from stock's tree (see
 * exmta-x400.h). exmta decodes no OSI layer itself: every fact here is a
 * field that stock COTP, session, presentation, ACSE, RTSE or X.411 put in
 * the frame's tree on the first pass (made visible or primed by
 * packet-exmta.c's dissect_stock), kept for the frame in file scope, and
 * shown from there on every pass.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "exmta-x400.h"

#include <epan/tap.h>
#include <epan/expert.h>
#include <epan/ftypes/ftypes.h>
#include <epan/to_str.h>
#include <epan/prefs.h>
#include <epan/proto_data.h>
#include <epan/uat-int.h>

static int proto_exmta_x400 = -1;
static int x400_tap = -1;
static int expert_tap = -1;

static int hf_assoc = -1;
static int hf_assoc_start = -1;
static int hf_start_missing = -1;
static int hf_calling_tsap = -1;
static int hf_called_tsap = -1;
static int hf_calling_ssap = -1;
static int hf_called_ssap = -1;
static int hf_calling_psap = -1;
static int hf_called_psap = -1;
static int hf_app_context = -1;
static int hf_rtse_mode = -1;
static int hf_dialogue_mode = -1;
static int hf_refused_by = -1;
static int hf_refuse_reason = -1;
static int hf_end = -1;
static int hf_abort_by = -1;
static int hf_end_reason = -1;
static int hf_apdu = -1;
static int hf_undecoded = -1;
static int hf_ended_in = -1;
static int hf_mts_id = -1;
static int hf_originator = -1;
static int hf_recipient = -1;
static int hf_content_type = -1;
static int hf_size = -1;
static int hf_priority = -1;
static int hf_subject_id = -1;
static int hf_subject_in = -1;
static int hf_delivered = -1;
static int hf_non_delivered = -1;
static int hf_nd_reason = -1;
static int hf_nd_diagnostic = -1;

static gint ett_x400 = EXMTA_ETT_INIT;
static gint ett_transfer = EXMTA_ETT_INIT;
static gint ett_rr = EXMTA_ETT_INIT;

static expert_field ei_refused = EI_INIT;
static expert_field ei_aborted = EI_INIT;
static expert_field ei_start_missing = EI_INIT;
static expert_field ei_undecoded = EI_INIT;
static expert_field ei_shown_late = EI_INIT;
static expert_field ei_non_delivery = EI_INIT;
static expert_field ei_bind_undecoded = EI_INIT;

/* A stock field read back, looked up by abbreviation at handoff: every
 * hfid of that name (ACSE registers aSO-context-name four times). */
#define STOCK_HF_MAX 8
typedef struct {
    int id[STOCK_HF_MAX];
    guint n;
} stock_hf_t;

static struct {
    stock_hf_t cotp_src_tsap, cotp_dst_tsap;
    stock_hf_t ses_type, ses_calling_sel, ses_called_sel, ses_reason;
    stock_hf_t pres_abort_reason;
    stock_hf_t pres_cp, pres_cpr, pres_mode, pres_calling_sel, pres_called_sel, pres_reason, pres_aru, pres_arp;
    stock_hf_t acse_aarq, acse_aare, acse_rlrq, acse_rlre, acse_abrt, acse_context, acse_result, acse_abort_source;
    stock_hf_t rtse_rtorq, rtse_rtoac, rtse_rtorj, rtse_rtab, rtse_dialogue, rtse_refuse, rtse_abort;
    /* P1 transfers */
    stock_hf_t p1_message, p1_probe, p1_report, p1_msg_id, p1_probe_id, p1_report_id, p1_subject_id;
    stock_hf_t p1_originator, p1_recipient, p1_actual_recipient, p1_per_msg_rcpt, p1_per_probe_rcpt;
    stock_hf_t p1_per_report_rcpt, p1_delivery, p1_nd_reason, p1_nd_diag, p1_built_in, p1_extended;
    stock_hf_t p1_priority, p1_content, p1_content_length;
    stock_hf_t p1_country_iso, p1_country_x121, p1_admd, p1_prmd_id, p1_prmd_name, p1_printable, p1_numeric;
    stock_hf_t p1_prmd_s1, p1_prmd_s2, p1_prmd_s3, p1_prmd_s4;
    stock_hf_t p1_local_id, p1_org, p1_surname, p1_given, p1_initials, p1_ou;
    stock_hf_t p1_bind_arg, p1_bind_res, p1_bind_err, p1_initiator, p1_responder, p1_apdu;
} hf_stock;

/* name: the field's abbreviation; 4.6 renamed a few, tried first (newer).
 * reads: the reads (EXMTA_X400_READ_*) that ask for it; 0: a field of a
 * transfer's subtree, found by walking it. */
static const struct { stock_hf_t *hf; const char *name; const char *newer; guint reads; } stock_fields[] = {
    { &hf_stock.cotp_src_tsap, "cotp.src-tsap", NULL, EXMTA_X400_READ_CR },
    { &hf_stock.cotp_dst_tsap, "cotp.dst-tsap", NULL, EXMTA_X400_READ_CR },
    { &hf_stock.ses_type, "ses.type", NULL, EXMTA_X400_READ_CONNECT | EXMTA_X400_READ_RELEASE | EXMTA_X400_READ_ABORT },
    { &hf_stock.ses_calling_sel, "ses.calling_session_selector", NULL, EXMTA_X400_READ_CONNECT },
    { &hf_stock.ses_called_sel, "ses.called_session_selector", NULL, EXMTA_X400_READ_CONNECT },
    { &hf_stock.ses_reason, "ses.reason_code", NULL, EXMTA_X400_READ_CONNECT },
    { &hf_stock.pres_cp, "pres.cptype", NULL, EXMTA_X400_READ_CONNECT },
    { &hf_stock.pres_cpr, "pres.cprtype", NULL, EXMTA_X400_READ_CONNECT },
    { &hf_stock.pres_mode, "pres.mode_value", NULL, EXMTA_X400_READ_CONNECT },
    { &hf_stock.pres_calling_sel, "pres.calling_presentation_selector", NULL, EXMTA_X400_READ_CONNECT },
    { &hf_stock.pres_called_sel, "pres.called_presentation_selector", NULL, EXMTA_X400_READ_CONNECT },
    /* CPR's provider-reason; 4.0 and 4.4 give the per-context reason the same name */
    { &hf_stock.pres_reason, "pres.provider_reason", "pres.cPR_PPDU__provider_reason", EXMTA_X400_READ_CONNECT },
    /* ARP's abort-reason */
    { &hf_stock.pres_abort_reason, "pres.provider_reason", "pres.aRU_PPDU_provider_reason", EXMTA_X400_READ_ABORT },
    { &hf_stock.pres_aru, "pres.aru_ppdu", NULL, EXMTA_X400_READ_ABORT },
    { &hf_stock.pres_arp, "pres.arp_ppdu_element", NULL, EXMTA_X400_READ_ABORT },
    { &hf_stock.acse_aarq, "acse.aarq_element", NULL, EXMTA_X400_READ_CONNECT },
    { &hf_stock.acse_aare, "acse.aare_element", NULL, EXMTA_X400_READ_CONNECT },
    { &hf_stock.acse_rlrq, "acse.rlrq_element", NULL, EXMTA_X400_READ_RELEASE },
    { &hf_stock.acse_rlre, "acse.rlre_element", NULL, EXMTA_X400_READ_RELEASE },
    { &hf_stock.acse_abrt, "acse.abrt_element", NULL, EXMTA_X400_READ_ABORT },
    { &hf_stock.acse_context, "acse.aSO_context_name", "acse.aARQ_aSO_context_name", EXMTA_X400_READ_CONNECT },
    { &hf_stock.acse_result, "acse.result", NULL, EXMTA_X400_READ_CONNECT },
    { &hf_stock.acse_abort_source, "acse.abort_source", NULL, EXMTA_X400_READ_ABORT },
    { &hf_stock.rtse_rtorq, "rtse.rtorq_apdu_element", NULL, EXMTA_X400_READ_CONNECT },
    { &hf_stock.rtse_rtoac, "rtse.rtoac_apdu_element", NULL, EXMTA_X400_READ_CONNECT },
    { &hf_stock.rtse_rtorj, "rtse.rtorj_apdu_element", NULL, EXMTA_X400_READ_CONNECT },
    { &hf_stock.rtse_rtab, "rtse.rtab_apdu_element", NULL, EXMTA_X400_READ_ABORT },
    { &hf_stock.rtse_dialogue, "rtse.dialogueMode", NULL, EXMTA_X400_READ_CONNECT },
    { &hf_stock.rtse_refuse, "rtse.refuseReason", NULL, EXMTA_X400_READ_CONNECT },
    { &hf_stock.rtse_abort, "rtse.abortReason", NULL, EXMTA_X400_READ_ABORT },
    { &hf_stock.p1_bind_arg, "p1.MTABindArgument", NULL, EXMTA_X400_READ_CONNECT },
    { &hf_stock.p1_bind_res, "p1.MTABindResult", NULL, EXMTA_X400_READ_CONNECT },
    { &hf_stock.p1_bind_err, "p1.MTABindError", NULL, EXMTA_X400_READ_CONNECT },
    { &hf_stock.p1_initiator, "p1.authenticated.initiator-name", NULL, EXMTA_X400_READ_CONNECT },
    { &hf_stock.p1_responder, "p1.authenticated.responder-name", NULL, EXMTA_X400_READ_CONNECT },
    { &hf_stock.p1_apdu, "p1.MTS_APDU", NULL, 0 },
    { &hf_stock.p1_message, "p1.message_element", NULL, 0 },
    { &hf_stock.p1_probe, "p1.probe_element", NULL, 0 },
    { &hf_stock.p1_report, "p1.report_element", NULL, 0 },
    { &hf_stock.p1_msg_id, "p1.message_identifier_element", NULL, 0 },
    { &hf_stock.p1_probe_id, "p1.probe_identifier_element", NULL, 0 },
    { &hf_stock.p1_report_id, "p1.report_identifier_element", NULL, 0 },
    { &hf_stock.p1_subject_id, "p1.subject_identifier_element", NULL, 0 },
    { &hf_stock.p1_originator, "p1.originator_name_element", "p1.mta_originator_name_element", 0 },
    { &hf_stock.p1_recipient, "p1.recipient_name_element", NULL, 0 },
    { &hf_stock.p1_actual_recipient, "p1.actual_recipient_name_element", "p1.mta_actual_recipient_name_element", 0 },
    { &hf_stock.p1_per_msg_rcpt, "p1.PerRecipientMessageTransferFields_element", NULL, 0 },
    { &hf_stock.p1_per_probe_rcpt, "p1.PerRecipientProbeTransferFields_element", NULL, 0 },
    { &hf_stock.p1_per_report_rcpt, "p1.PerRecipientReportTransferFields_element", NULL, 0 },
    { &hf_stock.p1_delivery, "p1.delivery_element", NULL, 0 },
    { &hf_stock.p1_nd_reason, "p1.non_delivery_reason_code", NULL, 0 },
    { &hf_stock.p1_nd_diag, "p1.non_delivery_diagnostic_code", NULL, 0 },
    { &hf_stock.p1_built_in, "p1.built_in", NULL, 0 },
    { &hf_stock.p1_extended, "p1.extended", NULL, 0 },
    { &hf_stock.p1_priority, "p1.priority", NULL, 0 },
    { &hf_stock.p1_content, "p1.content", NULL, 0 },
    { &hf_stock.p1_content_length, "p1.content_length", NULL, 0 },
    { &hf_stock.p1_country_iso, "p1.iso_3166_alpha2_code", NULL, 0 },
    { &hf_stock.p1_country_x121, "p1.x121_dcc_code", NULL, 0 },
    { &hf_stock.p1_admd, "p1.administration_domain_name", NULL, 0 },
    { &hf_stock.p1_prmd_id, "p1.private_domain_identifier", NULL, 0 },
    { &hf_stock.p1_prmd_name, "p1.private_domain_name", NULL, 0 },
    /* 4.6 names the PRMD's strings by their parent */
    { &hf_stock.p1_prmd_s1, "p1.printable_private_domain_identifier", NULL, 0 },
    { &hf_stock.p1_prmd_s2, "p1.numeric_private_domain_identifier", NULL, 0 },
    { &hf_stock.p1_prmd_s3, "p1.printable_private_domain_name", NULL, 0 },
    { &hf_stock.p1_prmd_s4, "p1.numeric_private_domain_name", NULL, 0 },
    { &hf_stock.p1_printable, "p1.printable", NULL, 0 },
    { &hf_stock.p1_numeric, "p1.numeric", NULL, 0 },
    { &hf_stock.p1_local_id, "p1.local_identifier", NULL, 0 },
    { &hf_stock.p1_org, "p1.organization_name", NULL, 0 },
    { &hf_stock.p1_surname, "p1.surname", "p1.printable_surname", 0 },
    { &hf_stock.p1_given, "p1.given_name", "p1.printable_given_name", 0 },
    { &hf_stock.p1_initials, "p1.initials", "p1.printable_initials", 0 },
    { &hf_stock.p1_ou, "p1.OrganizationalUnitName", NULL, 0 },
};

static int proto_rtse = -1, proto_p1 = -1, proto_s7comm = -1, proto_mms = -1;

/* The association of every stream, capture-wide, first pass only. */
static exmta_x4_model_t *assign_model;
/* MTS identifier -> frame of every message and probe so far (first pass):
 * a report's subject, when it came earlier. */
static GHashTable *seen_ids;
/* The first report on each message or probe, over the whole capture, a
 * set of exmta_x400_link_t keyed by the subject's frame and MTS identifier
 * (a frame may carry several transfers): -z exmta,messages links a row to
 * its report even when the table's filter leaves the report out. */
static GHashTable *first_report;
/* The same links in the order first_report learned them (subject_id points
 * into first_report): a table drawn as frames go by applies the ones it
 * has not applied yet (exmta_x400_report_links). */
static GArray *report_links;
/* An O/R name's text by the octets stock decoded it from (orname_key_t ->
 * a string in file scope): a capture names the same few MTAs and users in
 * message after message, and the same octets decode alike. */
static GHashTable *orname_cache;

/* ---- values ---------------------------------------------------------------- */

static const value_string layer_vals[] = {
    { EXMTA_X4_LAYER_TRANSPORT,    "transport (COTP)" },
    { EXMTA_X4_LAYER_SESSION,      "session" },
    { EXMTA_X4_LAYER_PRESENTATION, "presentation" },
    { EXMTA_X4_LAYER_ACSE,         "ACSE" },
    { EXMTA_X4_LAYER_RTSE,         "RTSE" },
    { EXMTA_X4_LAYER_MTA_BIND,     "MTA bind (X.411)" },
    { EXMTA_X4_LAYER_TCP,          "TCP" },
    { 0, NULL }
};

static const value_string end_vals[] = {
    { EXMTA_X4_END_RELEASE, "orderly release" },
    { EXMTA_X4_END_ABORT,   "abort" },
    { EXMTA_X4_END_DR,      "COTP disconnect request" },
    { EXMTA_X4_END_RST,     "TCP reset" },
    { EXMTA_X4_END_REFUSED, "refused" },
    { 0, NULL }
};

static const value_string rtse_mode_vals[] = {
    { EXMTA_X4_RTSE_NORMAL, "normal mode (over ACSE and presentation)" },
    { EXMTA_X4_RTSE_X410,   "X.410-1984 mode" },
    { 0, NULL }
};

static const value_string dialogue_vals[] = {
    { 0, "monologue" },
    { 1, "two-way-alternate" },
    { 0, NULL }
};

static const value_string priority_vals[] = {
    { 0, "normal" },
    { 1, "non-urgent" },
    { 2, "urgent" },
    { 0, NULL }
};

/* stock X.411's MTS-APDU choice, and a transfer stock did not decode */
static const value_string apdu_vals[] = {
    { EXMTA_X4_MESSAGE,   "message" },
    { EXMTA_X4_REPORT,    "report" },
    { EXMTA_X4_PROBE,     "probe" },
    { EXMTA_X4_UNDECODED, "not decoded" },
    { 0, NULL }
};

static const value_string undecoded_vals[] = {
    { EXMTA_X400_UNDECODED_MIDSTREAM, "association set-up not in the capture" },
    { EXMTA_X400_UNDECODED_X410,      "X.410-1984 mode" },
    { EXMTA_X400_UNDECODED_DATA,      "transfer data incomplete" },
    { EXMTA_X400_UNDECODED_INTERLEAVED, "another transfer ended in the middle of it" },
    { EXMTA_X400_UNDECODED_REASSEMBLY_OFF, "a reassembly preference is off" },
    { 0, NULL }
};

/* ---- reading stock's tree -------------------------------------------------- */

/* Asking for a field (Wireshark's "priming", exmta_prime_tree) makes stock
 * keep a real item of each occurrence even in a tree that is not visible,
 * in the tree's field arrays, so a read is one lookup per field, in any
 * tree. The hfids each read asks for, by bit of EXMTA_X400_READ_*
 * (handoff): */
#define N_READS 5
static GArray *read_hfids[N_READS];

void
exmta_x400_prime(proto_tree *tree, guint reads)
{
    for (guint b = 0; b < N_READS; b++)
        if ((reads & (1u << b)) && read_hfids[b])
            exmta_prime_tree(tree, (const int *)(void *)read_hfids[b]->data, read_hfids[b]->len);
}

static field_info *
first(proto_tree *tree, const stock_hf_t *hf)
{
    for (guint k = 0; k < hf->n; k++) {
        GPtrArray *a = exmta_fields_of(tree, hf->id[k]);

        if (a && a->len)
            return (field_info *)g_ptr_array_index(a, 0);
    }
    return NULL;
}

/* Calls fn for the unsigned value of every occurrence of hf. */
static void
each_uint(proto_tree *tree, const stock_hf_t *hf, void (*fn)(guint32 v, exmta_x4_obs_t *o), exmta_x4_obs_t *o)
{
    for (guint k = 0; k < hf->n; k++) {
        GPtrArray *a = exmta_fields_of(tree, hf->id[k]);

        for (guint i = 0; a && i < a->len; i++)
            fn(fvalue_get_uinteger(EXMTA_FINFO_FVALUE((field_info *)g_ptr_array_index(a, i))), o);
    }
}

static gboolean
has(proto_tree *tree, const stock_hf_t *hfid)
{
    return first(tree, hfid) != NULL;
}

/* The octets of tvb at off, len as lowercase hex digits (file scope). */
static char *
bytes_to_hexstr_plain(tvbuff_t *tvb, gint off, gint len)
{
    static const char hex[] = "0123456789abcdef";
    const guint8 *p = tvb_get_ptr(tvb, off, len);
    char *out = (char *)wmem_alloc(wmem_file_scope(), (gsize)len * 2 + 1);

    for (gint i = 0; i < len; i++) {
        out[2 * i] = hex[p[i] >> 4];
        out[2 * i + 1] = hex[p[i] & 0xf];
    }
    out[2 * len] = '\0';
    return out;
}

/* The value as -T fields would show it, in file scope. */
static const char *
text_of(proto_tree *tree, const stock_hf_t *hfid)
{
    field_info *fi = first(tree, hfid);
    char *s, *kept;

    if (!fi)
        return NULL;
    switch (fi->hfinfo->type) {
    case FT_STRING:
    case FT_STRINGZ:
        return wmem_strdup(wmem_file_scope(), fvalue_get_string(EXMTA_FINFO_FVALUE(fi)));
    case FT_BYTES:
        /* selectors, as -T fields prints them: hex digits, from the
         * octets stock's item stands for */
        if (fi->ds_tvb && fi->length > 0 && tvb_bytes_exist(fi->ds_tvb, fi->start, fi->length))
            return bytes_to_hexstr_plain(fi->ds_tvb, fi->start, fi->length);
        break;
    default:
        break;
    }
    s = fvalue_to_string_repr(NULL, EXMTA_FINFO_FVALUE(fi), FTREPR_DISPLAY, fi->hfinfo->display);
    if (s && fi->hfinfo->type == FT_BYTES) {
        char *w = s;

        for (const char *r = s; *r; r++)
            if (g_ascii_isxdigit(*r))
                *w++ = *r;
        *w = '\0';
    }
    kept = s ? wmem_strdup(wmem_file_scope(), s) : NULL;
    wmem_free(NULL, s);
    return kept;
}

static gint
int_of(proto_tree *tree, const stock_hf_t *hfid)
{
    field_info *fi = first(tree, hfid);

    if (!fi)
        return -1;
    switch (fi->hfinfo->type) {
    case FT_INT8: case FT_INT16: case FT_INT24: case FT_INT32:
        return (gint)fvalue_get_sinteger(EXMTA_FINFO_FVALUE(fi));
    default:
        return (gint)fvalue_get_uinteger(EXMTA_FINFO_FVALUE(fi));
    }
}

/* ---- P1 transfers, by walking the tree under each transfer's element ------ */

/* hfid -> the transfer field it is (handoff): one lookup per node walked */
static const stock_hf_t **walk_role;
static guint walk_role_n;

static inline const stock_hf_t *
role_of(const field_info *fi)
{
    int id = fi ? fi->hfinfo->id : -1;

    return id >= 0 && (guint)id < walk_role_n ? walk_role[id] : NULL;
}

static const char *
str_of(field_info *fi)
{
    char *s;
    const char *kept;

    if (fi->hfinfo->type == FT_STRING || fi->hfinfo->type == FT_STRINGZ)
        return wmem_strdup(wmem_file_scope(), fvalue_get_string(EXMTA_FINFO_FVALUE(fi)));
    s = fvalue_to_string_repr(NULL, EXMTA_FINFO_FVALUE(fi), FTREPR_DISPLAY, fi->hfinfo->display);
    kept = s ? wmem_strdup(wmem_file_scope(), s) : NULL;
    wmem_free(NULL, s);
    return kept;
}

/* An attribute of an O/R name, for the name's text only: the string
 * stock's item holds, or its text in the frame's pool. */
static wmem_allocator_t *read_pool;

static const char *
part_of(field_info *fi)
{
    if (fi->hfinfo->type == FT_STRING || fi->hfinfo->type == FT_STRINGZ)
        return fvalue_get_string(EXMTA_FINFO_FVALUE(fi));
    return fvalue_to_string_repr(read_pool, EXMTA_FINFO_FVALUE(fi), FTREPR_DISPLAY, fi->hfinfo->display);
}

/* The attributes of an O/R name or an MTS identifier below node. */
typedef struct {
    const char *c, *a, *p, *o, *s, *g, *i, *local;
    GPtrArray *ous;
} orname_t;

static void
collect_orname(proto_node *node, orname_t *on, int domain)
{
    for (proto_node *n = node->first_child; n; n = n->next) {
        field_info *fi = PNODE_FINFO(n);
        const stock_hf_t *r;
        int d = domain;

        if (!fi)
            continue;
        r = role_of(fi);
        if (!r) {
            collect_orname(n, on, domain);
            continue;
        }
        if (r == &hf_stock.p1_country_iso || r == &hf_stock.p1_country_x121) {
            if (!on->c)
                on->c = part_of(fi);
        } else if (r == &hf_stock.p1_admd) {
            d = 'A';
        } else if (r == &hf_stock.p1_prmd_id || r == &hf_stock.p1_prmd_name) {
            d = 'P';
        } else if (r == &hf_stock.p1_printable || r == &hf_stock.p1_numeric) {
            if (domain == 'A' && !on->a)
                on->a = part_of(fi);
            else if (domain == 'P' && !on->p)
                on->p = part_of(fi);
        } else if (r == &hf_stock.p1_prmd_s1 || r == &hf_stock.p1_prmd_s2 ||
                   r == &hf_stock.p1_prmd_s3 || r == &hf_stock.p1_prmd_s4) {
            if (!on->p)
                on->p = part_of(fi);
        } else if (r == &hf_stock.p1_local_id) {
            if (!on->local)
                on->local = part_of(fi);
        } else if (r == &hf_stock.p1_org) {
            if (!on->o)
                on->o = part_of(fi);
        } else if (r == &hf_stock.p1_surname) {
            if (!on->s)
                on->s = part_of(fi);
        } else if (r == &hf_stock.p1_given) {
            if (!on->g)
                on->g = part_of(fi);
        } else if (r == &hf_stock.p1_initials) {
            if (!on->i)
                on->i = part_of(fi);
        } else if (r == &hf_stock.p1_ou) {
            if (!on->ous)
                on->ous = g_ptr_array_new();
            g_ptr_array_add(on->ous, (gpointer)part_of(fi));
        }
        collect_orname(n, on, d);
    }
}

typedef struct {
    guint len;
    int hf;
    guint8 octets[];
} orname_key_t;

static guint
orname_key_hash(gconstpointer p)
{
    const orname_key_t *k = (const orname_key_t *)p;
    guint64 h = 14695981039346656037ull ^ (guint64)(guint)k->hf;
    guint i = 0;

    for (; i + 8 <= k->len; i += 8) {
        guint64 w;

        memcpy(&w, k->octets + i, 8);
        h = (h ^ w) * 1099511628211ull;
    }
    for (; i < k->len; i++)
        h = (h ^ k->octets[i]) * 1099511628211ull;
    return (guint)(h ^ (h >> 32));
}

static gboolean
orname_key_equal(gconstpointer pa, gconstpointer pb)
{
    const orname_key_t *a = (const orname_key_t *)pa, *b = (const orname_key_t *)pb;

    return a->len == b->len && a->hf == b->hf && memcmp(a->octets, b->octets, a->len) == 0;
}

/* The longest O/R name looked up in the cache; a longer one is decoded
 * every time. */
#define ORNAME_KEY_MAX 512

static const char *
orname_of(proto_node *node, gboolean mts_id)
{
    field_info *nfi = PNODE_FINFO(node);
    union {
        orname_key_t k;
        guint8 space[sizeof(orname_key_t) + ORNAME_KEY_MAX];
    } key;
    gboolean cached = FALSE;
    orname_t on;
    char *s;
    const char *kept;

    /* an MTS identifier names one message: not worth keeping */
    if (!mts_id && nfi && nfi->ds_tvb && nfi->length > 0 && nfi->length <= ORNAME_KEY_MAX &&
        tvb_bytes_exist(nfi->ds_tvb, nfi->start, nfi->length)) {
        key.k.len = (guint)nfi->length;
        key.k.hf = nfi->hfinfo->id;
        tvb_memcpy(nfi->ds_tvb, key.k.octets, nfi->start, nfi->length);
        if (!orname_cache)
            orname_cache = g_hash_table_new_full(orname_key_hash, orname_key_equal, g_free, NULL);
        kept = (const char *)g_hash_table_lookup(orname_cache, &key.k);
        if (kept)
            return kept;
        cached = TRUE;
    }
    memset(&on, 0, sizeof(on));
    collect_orname(node, &on, 0);
    if (on.ous)
        g_ptr_array_add(on.ous, NULL);
    s = mts_id ? exmta_x4_mts_id(on.c, on.a, on.p, on.local)
               : exmta_x4_orname(on.c, on.a, on.p, on.o, on.s, on.g, on.i,
                                 on.ous ? (const char *const *)on.ous->pdata : NULL);
    if (on.ous)
        g_ptr_array_free(on.ous, TRUE);
    kept = wmem_strdup(wmem_file_scope(), s);
    g_free(s);
    if (cached)
        g_hash_table_insert(orname_cache, g_memdup2(&key.k, sizeof(orname_key_t) + key.k.len), (gpointer)kept);
    return kept;
}

typedef struct {
    exmta_x4_transfer_t t;
    GPtrArray *recipients;      /* const char * (file scope) */
    GArray *rr;                 /* exmta_x4_rr_t */
    exmta_x4_rr_t *cur_rr;
} transfer_ctx_t;

/* The name stock's field gives a value (its value_string), or NULL. */
static const char *
hf_name(const header_field_info *h, guint32 v)
{
    if (!h->strings || (h->display & (BASE_UNIT_STRING | BASE_VAL64_STRING)))
        return NULL;
    if (h->display & BASE_RANGE_STRING)
        return try_rval_to_str(v, (const range_string *)h->strings);
    if (h->display & BASE_EXT_STRING)
        return try_val_to_str_ext(v, (value_string_ext *)h->strings);
    return try_val_to_str(v, (const value_string *)h->strings);
}

static const char *
val_name(field_info *fi, guint32 v)
{
    const char *n = hf_name(fi->hfinfo, v);

    return n ? wmem_strdup(wmem_file_scope(), n) : NULL;
}

/* A built-in content type's text, "name (number)": one per number in a
 * file (content_types: number + 1 -> file scope). */
static GHashTable *content_types;

static const char *
built_in_type(field_info *fi)
{
    guint32 v = fvalue_get_uinteger(EXMTA_FINFO_FVALUE(fi));
    const char *name, *text;

    if (!content_types)
        content_types = g_hash_table_new(g_direct_hash, g_direct_equal);
    text = (const char *)g_hash_table_lookup(content_types, GUINT_TO_POINTER(v + 1));
    if (!text) {
        name = hf_name(fi->hfinfo, v);
        text = name ? wmem_strdup_printf(wmem_file_scope(), "%s (%u)", name, v)
                    : wmem_strdup_printf(wmem_file_scope(), "%u", v);
        g_hash_table_insert(content_types, GUINT_TO_POINTER(v + 1), (gpointer)text);
    }
    return text;
}

static void
collect_transfer(proto_node *node, transfer_ctx_t *x)
{
    for (proto_node *n = node->first_child; n; n = n->next) {
        field_info *fi = PNODE_FINFO(n);
        const stock_hf_t *r;

        if (!fi)
            continue;
        r = role_of(fi);
        if (!r) {
            collect_transfer(n, x);
            continue;
        }
        if (r == &hf_stock.p1_msg_id || r == &hf_stock.p1_probe_id ||
            r == &hf_stock.p1_report_id) {
            if (!x->t.mts_id)
                x->t.mts_id = orname_of(n, TRUE);
            continue;
        }
        if (r == &hf_stock.p1_subject_id) {
            if (!x->t.subject_id)
                x->t.subject_id = orname_of(n, TRUE);
            continue;
        }
        if (r == &hf_stock.p1_originator) {
            if (!x->t.originator)
                x->t.originator = orname_of(n, FALSE);
            continue;
        }
        if (r == &hf_stock.p1_recipient) {
            g_ptr_array_add(x->recipients, (gpointer)orname_of(n, FALSE));
            continue;
        }
        if (r == &hf_stock.p1_per_report_rcpt) {
            exmta_x4_rr_t rr;

            memset(&rr, 0, sizeof(rr));
            rr.reason = rr.diagnostic = -1;
            g_array_append_val(x->rr, rr);
            x->cur_rr = &g_array_index(x->rr, exmta_x4_rr_t, x->rr->len - 1);
            collect_transfer(n, x);
            x->cur_rr = NULL;
            continue;
        }
        if (x->cur_rr && r == &hf_stock.p1_actual_recipient) {
            if (!x->cur_rr->recipient)
                x->cur_rr->recipient = orname_of(n, FALSE);
            continue;
        }
        if (x->cur_rr && r == &hf_stock.p1_delivery)
            x->cur_rr->delivered = TRUE;
        if (x->cur_rr && r == &hf_stock.p1_nd_reason) {
            x->cur_rr->reason = (gint)fvalue_get_uinteger(EXMTA_FINFO_FVALUE(fi));
            x->cur_rr->reason_name = val_name(fi, (guint32)x->cur_rr->reason);
        }
        if (x->cur_rr && r == &hf_stock.p1_nd_diag) {
            x->cur_rr->diagnostic = (gint)fvalue_get_uinteger(EXMTA_FINFO_FVALUE(fi));
            x->cur_rr->diagnostic_name = val_name(fi, (guint32)x->cur_rr->diagnostic);
        }
        if (!x->t.content_type && r == &hf_stock.p1_built_in)
            x->t.content_type = built_in_type(fi);
        if (!x->t.content_type && r == &hf_stock.p1_extended)
            x->t.content_type = str_of(fi);
        if (x->t.priority < 0 && r == &hf_stock.p1_priority)
            x->t.priority = (gint)fvalue_get_uinteger(EXMTA_FINFO_FVALUE(fi));
        if (x->t.size < 0 && x->t.kind == EXMTA_X4_MESSAGE && r == &hf_stock.p1_content) {
            x->t.size = fi->length;
            continue;           /* the content's own tree (P22) is not P1's envelope */
        }
        if (x->t.size < 0 && x->t.kind == EXMTA_X4_PROBE && r == &hf_stock.p1_content_length)
            x->t.size = fvalue_get_uinteger(EXMTA_FINFO_FVALUE(fi));
        collect_transfer(n, x);
    }
}

static int transfer_kind(const stock_hf_t *r);

/* P1 transfers of the frame: every message, probe or report element, and
 * every MTS-APDU (o). */
typedef struct {
    GArray *out;                /* exmta_x4_transfer_t */
    exmta_x4_obs_t *o;
} find_ctx_t;

/* Scratch space of a transfer's read, kept from one to the next. */
static GPtrArray *scratch_recipients;
static GArray *scratch_rr, *scratch_out;

static void
read_transfer(proto_node *n, int kind, find_ctx_t *f)
{
    transfer_ctx_t x;

    memset(&x, 0, sizeof(x));
    x.t.kind = (guint8)kind;
    x.t.size = -1;
    x.t.priority = -1;
    if (!scratch_recipients) {
        scratch_recipients = g_ptr_array_new();
        scratch_rr = g_array_new(FALSE, TRUE, sizeof(exmta_x4_rr_t));
    }
    x.recipients = scratch_recipients;
    x.rr = scratch_rr;
    g_ptr_array_set_size(x.recipients, 0);
    g_array_set_size(x.rr, 0);
    collect_transfer(n, &x);
    x.t.n_recipients = x.recipients->len;
    x.t.recipients = x.recipients->len ? (const char **)wmem_memdup(wmem_file_scope(), x.recipients->pdata,
                                           x.recipients->len * sizeof(gpointer)) : NULL;
    x.t.n_rr = x.rr->len;
    x.t.rr = x.rr->len ? (const exmta_x4_rr_t *)wmem_memdup(wmem_file_scope(), x.rr->data,
                                                             x.rr->len * sizeof(exmta_x4_rr_t)) : NULL;
    g_array_append_val(f->out, x.t);
}

static int
transfer_kind(const stock_hf_t *r)
{
    if (!r)
        return -1;
    if (r == &hf_stock.p1_message)
        return EXMTA_X4_MESSAGE;
    if (r == &hf_stock.p1_probe)
        return EXMTA_X4_PROBE;
    if (r == &hf_stock.p1_report)
        return EXMTA_X4_REPORT;
    return -1;
}

static void note_apdu(guint32 v, exmta_x4_obs_t *o);

static void
find_transfers(proto_node *node, find_ctx_t *f)
{
    for (proto_node *n = node->first_child; n; n = n->next) {
        field_info *fi = PNODE_FINFO(n);
        const stock_hf_t *r = role_of(fi);
        int kind = transfer_kind(r);

        if (r == &hf_stock.p1_apdu)
            note_apdu(fvalue_get_uinteger(EXMTA_FINFO_FVALUE(fi)), f->o);
        if (kind >= 0)
            read_transfer(n, kind, f);
        else
            find_transfers(n, f);
    }
}

/* ISO 8327 SPDU types */
enum { SPDU_FN = 9, SPDU_DN = 10, SPDU_RF = 12, SPDU_CN = 13, SPDU_AC = 14, SPDU_AB = 25 };

static void
note_spdu(guint32 v, exmta_x4_obs_t *o)
{
    switch (v) {
    case SPDU_CN: o->ev |= EXMTA_X4_SES_CN; break;
    case SPDU_AC: o->ev |= EXMTA_X4_SES_AC; break;
    case SPDU_RF: o->ev |= EXMTA_X4_SES_RF; break;
    case SPDU_FN: o->ev |= EXMTA_X4_SES_FN; break;
    case SPDU_DN: o->ev |= EXMTA_X4_SES_DN; break;
    case SPDU_AB: o->ev |= EXMTA_X4_SES_AB; break;
    default: break;
    }
}

static void
note_apdu(guint32 v, exmta_x4_obs_t *o)
{
    switch (v) {
    case 0: o->messages++; break;
    case 1: o->reports++; break;
    case 2: o->probes++; break;
    default: break;
    }
}

static guint
link_hash(gconstpointer k)
{
    const exmta_x400_link_t *l = (const exmta_x400_link_t *)k;

    return g_str_hash(l->subject_id) ^ (l->subject * 2654435761u);
}

static gboolean
link_equal(gconstpointer a, gconstpointer b)
{
    const exmta_x400_link_t *x = (const exmta_x400_link_t *)a, *y = (const exmta_x400_link_t *)b;

    return x->subject == y->subject && strcmp(x->subject_id, y->subject_id) == 0;
}

static void
link_free(gpointer p)
{
    g_free((char *)((exmta_x400_link_t *)p)->subject_id);
    g_free(p);
}

/* The report in frame report reports on subject_id, a message or probe of
 * frame subject: first_report keeps the earliest such report (a later pass
 * may read reports out of order), report_links each change. */
static void
learn_report(guint32 subject, const char *subject_id, guint32 report)
{
    exmta_x400_link_t key = { subject, report, subject_id }, *l;

    if (!first_report) {
        first_report = g_hash_table_new_full(link_hash, link_equal, link_free, NULL);
        report_links = g_array_new(FALSE, FALSE, sizeof(exmta_x400_link_t));
    }
    l = (exmta_x400_link_t *)g_hash_table_lookup(first_report, &key);
    if (!l) {
        l = g_new(exmta_x400_link_t, 1);
        *l = key;
        l->subject_id = g_strdup(subject_id);
        g_hash_table_add(first_report, l);
    } else if (report < l->report) {
        l->report = report;
    } else {
        return;
    }
    g_array_append_val(report_links, *l);
}

/* pinfo->pool data of proto_exmta_x400: the last top-level node of the
 * frame's own tree that a read of this dissection passed. TCP may hand
 * exmta two PDUs of one frame (one reassembled from the segment before,
 * then the rest); both dissect into that tree, and the second read must
 * not read the first one's transfers again. */
#define EXMTA_KEY_X400_READ_UPTO 5

/* The P1 transfers stock completed in tree (a visible one: a transfer's
 * parts are read by following its hierarchy), appended to *transfers.
 * own_tree: tree is the frame's (not a throwaway one for this PDU only). */
static void
read_transfers(proto_tree *tree, packet_info *pinfo, gboolean own_tree, exmta_x4_obs_t *o,
               const exmta_x4_transfer_t **transfers, guint *n)
{
    guint before = (guint)o->messages + o->reports + o->probes;
    proto_node *upto = own_tree ?
        (proto_node *)p_get_proto_data(pinfo->pool, pinfo, proto_exmta_x400, EXMTA_KEY_X400_READ_UPTO) : NULL;
    proto_node *top;
    find_ctx_t f;

    if (!scratch_out)
        scratch_out = g_array_new(FALSE, TRUE, sizeof(exmta_x4_transfer_t));
    f.out = scratch_out;
    f.o = o;
    g_array_set_size(f.out, 0);
    if (*n)
        g_array_append_vals(f.out, *transfers, *n);
    /* X.411 hangs its tree at the top, as RTSE hands it the frame's tree:
     * the lower layers' and the content's (P22) subtrees are not walked */
    for (top = upto ? upto->next : ((proto_node *)tree)->first_child; top; top = top->next) {
        field_info *fi = PNODE_FINFO(top);

        if (fi && (fi->hfinfo->id == proto_p1 || fi->hfinfo->id == proto_rtse))
            find_transfers(top, &f);
        upto = top;
    }
    if (own_tree && upto)
        p_set_proto_data(pinfo->pool, pinfo, proto_exmta_x400, EXMTA_KEY_X400_READ_UPTO, upto);
    if ((guint)o->messages + o->reports + o->probes == before)
        return;
    for (guint i = *n; i < f.out->len; i++) {
        exmta_x4_transfer_t *t = &g_array_index(f.out, exmta_x4_transfer_t, i);

        if (t->kind == EXMTA_X4_REPORT) {
            t->subject_in = t->subject_id && seen_ids ?
                GPOINTER_TO_UINT(g_hash_table_lookup(seen_ids, t->subject_id)) : 0;
            if (t->subject_in)
                learn_report(t->subject_in, t->subject_id, pinfo->num);
        } else if (t->mts_id) {
            if (!seen_ids)
                seen_ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
            g_hash_table_insert(seen_ids, g_strdup(t->mts_id), GUINT_TO_POINTER(pinfo->num));
        }
    }
    *transfers = (const exmta_x4_transfer_t *)wmem_memdup(wmem_file_scope(), f.out->data,
                                                          f.out->len * sizeof(exmta_x4_transfer_t));
    *n = f.out->len;
}

guint32
exmta_x400_report_in(guint32 frame, const char *mts_id, gpointer user_data)
{
    exmta_x400_link_t key = { frame, 0, mts_id };
    const exmta_x400_link_t *l = first_report && mts_id ?
        (const exmta_x400_link_t *)g_hash_table_lookup(first_report, &key) : NULL;

    (void)user_data;
    return l ? l->report : 0;
}

const exmta_x400_link_t *
exmta_x400_report_links(guint *n)
{
    *n = report_links ? report_links->len : 0;
    return report_links ? (const exmta_x400_link_t *)(void *)report_links->data : NULL;
}

gboolean
exmta_x400_wanted(void)
{
    /* the expert tap is registered when expert infos are first set up,
     * which may come after exmta's handoff (find_tap_id: 0, not found) */
    if (expert_tap <= 0)
        expert_tap = find_tap_id("expert");
    return exmta_x400_tapped() || (expert_tap > 0 && have_tap_listener(expert_tap));
}

/* What a transfer's read brings to its frame (exmta_x400_frame_tree): the
 * association start of a frame that otherwise shows nothing but its
 * association, and the transfer's items and expert infos. */
static int *const transfer_hfs[] = {
    &hf_assoc_start, &hf_apdu, &hf_undecoded, &hf_ended_in, &hf_mts_id, &hf_originator, &hf_recipient,
    &hf_content_type, &hf_size, &hf_priority, &hf_subject_id, &hf_subject_in, &hf_delivered,
    &hf_non_delivered, &hf_nd_reason, &hf_nd_diagnostic,
    &ei_undecoded.hf, &ei_shown_late.hf, &ei_non_delivery.hf,
};

gboolean
exmta_x400_transfer_named(proto_tree *tree)
{
    if (!tree)
        return FALSE;
    for (guint i = 0; i < G_N_ELEMENTS(transfer_hfs); i++)
        if (*transfer_hfs[i] > 0 && proto_field_is_referenced(tree, *transfer_hfs[i]))
            return TRUE;
    return FALSE;
}

void
exmta_x400_read(proto_tree *tree, packet_info *pinfo, gboolean own_tree, guint reads, exmta_x4_obs_t *o,
                const exmta_x4_transfer_t **transfers, guint *n)
{
    if (!tree)
        return;
    read_pool = pinfo->pool;
    if (reads & EXMTA_X400_READ_CR) {
        if (!o->calling_tsap)
            o->calling_tsap = text_of(tree, &hf_stock.cotp_src_tsap);
        if (!o->called_tsap)
            o->called_tsap = text_of(tree, &hf_stock.cotp_dst_tsap);
    }
    if (reads & (EXMTA_X400_READ_CONNECT | EXMTA_X400_READ_RELEASE | EXMTA_X400_READ_ABORT))
        each_uint(tree, &hf_stock.ses_type, note_spdu, o);
    if (reads & EXMTA_X400_READ_CONNECT) {
        if (o->ev & (EXMTA_X4_SES_CN | EXMTA_X4_SES_AC)) {
            if (!o->calling_ssap)
                o->calling_ssap = text_of(tree, &hf_stock.ses_calling_sel);
            if (!o->called_ssap)
                o->called_ssap = text_of(tree, &hf_stock.ses_called_sel);
        }
        if ((o->ev & EXMTA_X4_SES_RF) && o->ses_reason < 0)
            o->ses_reason = int_of(tree, &hf_stock.ses_reason);
        if (has(tree, &hf_stock.pres_cp)) {
            o->ev |= EXMTA_X4_PRES_CP;
            o->pres_mode = int_of(tree, &hf_stock.pres_mode);
            if (!o->calling_psap)
                o->calling_psap = text_of(tree, &hf_stock.pres_calling_sel);
            if (!o->called_psap)
                o->called_psap = text_of(tree, &hf_stock.pres_called_sel);
        }
        if (has(tree, &hf_stock.pres_cpr)) {
            o->ev |= EXMTA_X4_PRES_CPR;
            o->pres_reason = int_of(tree, &hf_stock.pres_reason);
        }
        if (has(tree, &hf_stock.acse_aarq)) {
            o->ev |= EXMTA_X4_AARQ;
            if (!o->app_context)
                o->app_context = text_of(tree, &hf_stock.acse_context);
        }
        if (has(tree, &hf_stock.acse_aare)) {
            o->ev |= EXMTA_X4_AARE;
            o->acse_result = int_of(tree, &hf_stock.acse_result);
        }
        if (has(tree, &hf_stock.rtse_rtorq))
            o->ev |= EXMTA_X4_RTORQ;
        /* in X.410-1984 mode too, where the RTORQ is the session's user data */
        if (o->dialogue_mode < 0)
            o->dialogue_mode = int_of(tree, &hf_stock.rtse_dialogue);
        if (has(tree, &hf_stock.rtse_rtoac))
            o->ev |= EXMTA_X4_RTOAC;
        if (has(tree, &hf_stock.rtse_rtorj)) {
            o->ev |= EXMTA_X4_RTORJ;
            o->rtse_refuse = int_of(tree, &hf_stock.rtse_refuse);
        }
        if (has(tree, &hf_stock.p1_bind_arg)) {
            o->ev |= EXMTA_X4_BIND_ARG;
            if (!o->initiator)
                o->initiator = text_of(tree, &hf_stock.p1_initiator);
        }
        if (has(tree, &hf_stock.p1_bind_res)) {
            o->ev |= EXMTA_X4_BIND_RES;
            if (!o->responder)
                o->responder = text_of(tree, &hf_stock.p1_responder);
        }
        if (has(tree, &hf_stock.p1_bind_err)) {
            o->ev |= EXMTA_X4_BIND_ERR;
            o->bind_error = int_of(tree, &hf_stock.p1_bind_err);
        }
    }
    if (reads & EXMTA_X400_READ_RELEASE) {
        if (has(tree, &hf_stock.acse_rlrq))
            o->ev |= EXMTA_X4_RLRQ;
        if (has(tree, &hf_stock.acse_rlre))
            o->ev |= EXMTA_X4_RLRE;
    }
    if (reads & EXMTA_X400_READ_ABORT) {
        if (has(tree, &hf_stock.pres_aru))
            o->ev |= EXMTA_X4_PRES_ABORT;
        if (has(tree, &hf_stock.pres_arp)) {
            o->ev |= EXMTA_X4_PRES_ABORT;
            if (o->pres_reason < 0)
                o->pres_reason = int_of(tree, &hf_stock.pres_abort_reason);
        }
        if (has(tree, &hf_stock.acse_abrt)) {
            o->ev |= EXMTA_X4_ABRT;
            o->acse_abort_source = int_of(tree, &hf_stock.acse_abort_source);
        }
        if (has(tree, &hf_stock.rtse_rtab)) {
            o->ev |= EXMTA_X4_RTAB;
            o->rtse_abort = int_of(tree, &hf_stock.rtse_abort);
        }
    }
    if (reads & EXMTA_X400_READ_TRANSFER)
        read_transfers(tree, pinfo, own_tree, o, transfers, n);
    exmta_x400_note_layers(pinfo, o);
}

void
exmta_x400_note_layers(packet_info *pinfo, exmta_x4_obs_t *o)
{
    for (wmem_list_frame_t *f = wmem_list_head(pinfo->layers); f; f = wmem_list_frame_next(f)) {
        int id = GPOINTER_TO_INT(wmem_list_frame_data(f));

        if (id > 0 && (id == proto_rtse || id == proto_p1))
            o->ev |= EXMTA_X4_X400;
        if (id > 0 && (id == proto_s7comm || id == proto_mms))
            o->ev |= EXMTA_X4_OTHER;
    }
}

void
exmta_x400_merge_names(exmta_x400_frame_t *xf, const exmta_x4_obs_t *o)
{
    exmta_x4_obs_t *d;

    xf->ev |= o->ev;
    if (!exmta_x4_obs_says(o))
        return;
    /* into a copy: xf may be a copy of a record that keeps the same said */
    d = wmem_new(wmem_file_scope(), exmta_x4_obs_t);
    if (xf->said)
        *d = *xf->said;
    else
        exmta_x4_obs_init(d);
    xf->said = d;
#define MERGE_STR(f) if (o->f && !d->f) d->f = o->f
    MERGE_STR(calling_tsap);
    MERGE_STR(called_tsap);
    MERGE_STR(calling_ssap);
    MERGE_STR(called_ssap);
    MERGE_STR(calling_psap);
    MERGE_STR(called_psap);
    MERGE_STR(app_context);
    MERGE_STR(initiator);
    MERGE_STR(responder);
#undef MERGE_STR
    if (o->pres_mode >= 0 && d->pres_mode < 0)
        d->pres_mode = o->pres_mode;
    if (o->dialogue_mode >= 0 && d->dialogue_mode < 0)
        d->dialogue_mode = o->dialogue_mode;
}

/* ---- associations ----------------------------------------------------------- */

gboolean
exmta_x400_frame_empty(const exmta_x400_frame_t *xf)
{
    return !(xf->ev & ~(guint32)EXMTA_X4_PENDING) && !xf->messages && !xf->probes && !xf->reports &&
           !xf->undecoded && !xf->said;
}

/* Whether stock PRES's Users Context List (pres_context_list) has rows:
 * with them, stock decodes an association whose set-up is not in the
 * capture, so a transfer it does not decode there has another cause. */
static gboolean
pres_contexts_given(void)
{
    uat_t *u = uat_get_table_by_name("PRES Users Context List");

    return u && u->user_data && u->user_data->len > 0;
}

void
exmta_x400_assign(exmta_x400_frame_t *xf, const exmta_x4_obs_t *o, gboolean join_only, guint8 cause)
{
    const exmta_x4_assoc_t *a;
    guint32 id;

    if (!assign_model)
        assign_model = exmta_x4_model_new();
    if (join_only && !exmta_x4_model_current(assign_model, o->stream))
        return;
    id = exmta_x4_model_add(assign_model, o);
    a = exmta_x4_model_get(assign_model, id);
    xf->ev = o->ev;
    xf->messages = o->messages;
    xf->probes = o->probes;
    xf->reports = o->reports;
    xf->undecoded = (guint8)MIN(o->undecoded, G_MAXUINT8);
    /* why a transfer here, read now or by a later pass, may be undecoded */
    if (xf->undecoded || (o->ev & EXMTA_X4_PENDING))
        xf->undecoded_cause = !a->start_seen && !pres_contexts_given() ? EXMTA_X400_UNDECODED_MIDSTREAM : cause;
    if (exmta_x4_obs_says(o))
        xf->said = (exmta_x4_obs_t *)wmem_memdup(wmem_file_scope(), o, sizeof(*o));
    xf->assoc = id;
    xf->assoc_start = a->first_frame;
    xf->start_seen = a->start_seen || a->first_frame != o->frame;
    if (a->refused_in == o->frame && a->refused_by) {
        xf->refused_by = (guint8)a->refused_by;
        xf->refuse_reason = a->refuse_reason;
    } else {
        xf->refuse_reason = -1;
    }
    xf->end_reason = -1;
    if (a->end_frame == o->frame && a->end != EXMTA_X4_END_NONE) {
        xf->end = (guint8)a->end;
        xf->abort_by = (guint8)a->abort_by;
        xf->end_reason = a->end_reason;
    }
}

static gboolean every_tsdu;     /* stock's rtse.reassemble is off */

gboolean
exmta_x400_read_every_tsdu(void)
{
    return every_tsdu;
}

/* The reassembly preferences a transfer over several TCP segments or COTP
 * DTs needs, in the order stock's dissectors use them, with where the GUI
 * shows each (Edit > Preferences > Protocols). */
static const struct {
    const char *module, *name, *full, *where;
} reassembly_prefs[] = {
    { "tcp",  "desegment_tcp_streams", "tcp.desegment_tcp_streams",
      "TCP > Allow subdissector to reassemble TCP streams" },
    { "tpkt", "desegment", "tpkt.desegment", "TPKT > Reassemble TPKT messages spanning multiple TCP segments" },
    { "cotp", "reassemble", "cotp.reassemble", "COTP > Reassemble segmented COTP datagrams" },
};
static gint reassembly_off = -1;        /* index into reassembly_prefs, or -1 */

const char *
exmta_x400_reassembly_off(void)
{
    return reassembly_off < 0 ? NULL : reassembly_prefs[reassembly_off].full;
}

void
exmta_x400_forget(void)
{
    every_tsdu = exmta_stock_pref_off("rtse", "reassemble");
    reassembly_off = -1;
    for (guint i = 0; i < G_N_ELEMENTS(reassembly_prefs) && reassembly_off < 0; i++)
        if (exmta_stock_pref_off(reassembly_prefs[i].module, reassembly_prefs[i].name))
            reassembly_off = (gint)i;
    exmta_x4_model_reset(assign_model);
    if (seen_ids)
        g_hash_table_remove_all(seen_ids);
    if (first_report)
        g_hash_table_remove_all(first_report);
    if (report_links)
        g_array_set_size(report_links, 0);
    if (orname_cache)
        g_hash_table_remove_all(orname_cache);
    if (content_types)
        g_hash_table_remove_all(content_types);
}

static void
x400_shutdown(void)
{
    exmta_x4_model_free(assign_model);
    assign_model = NULL;
    if (seen_ids)
        g_hash_table_destroy(seen_ids);
    seen_ids = NULL;
    if (first_report)
        g_hash_table_destroy(first_report);
    first_report = NULL;
    if (report_links)
        g_array_free(report_links, TRUE);
    report_links = NULL;
    if (orname_cache)
        g_hash_table_destroy(orname_cache);
    orname_cache = NULL;
    if (content_types)
        g_hash_table_destroy(content_types);
    content_types = NULL;
    if (scratch_recipients)
        g_ptr_array_free(scratch_recipients, TRUE);
    if (scratch_rr)
        g_array_free(scratch_rr, TRUE);
    if (scratch_out)
        g_array_free(scratch_out, TRUE);
    scratch_recipients = NULL;
    scratch_rr = scratch_out = NULL;
    g_free(walk_role);
    walk_role = NULL;
    walk_role_n = 0;
    for (guint b = 0; b < N_READS; b++) {
        if (read_hfids[b])
            g_array_free(read_hfids[b], TRUE);
        read_hfids[b] = NULL;
    }
}

/* ---- the frame's items ------------------------------------------------------ */

static proto_item *
gen(proto_item *ti)
{
    proto_item_set_generated(ti);
    return ti;
}

/* A refusal's or abort's code, named by its layer ("Refuse reason:
 * authentication-error (2)") as in the association table; the field's value
 * is the code */
static void
add_reason(proto_tree *xt, int hf, tvbuff_t *tvb, exmta_x4_layer_t layer, gint reason, gboolean abort)
{
    char *label = exmta_x4_reason_label(layer, reason, abort);

    if (label) {
        gen(proto_tree_add_int_format_value(xt, hf, tvb, 0, 0, reason, "%s", label));
        g_free(label);
    } else {
        gen(proto_tree_add_int(xt, hf, tvb, 0, 0, reason));
    }
}

gboolean
exmta_x400_has_non_delivery(const exmta_x400_frame_t *xf)
{
    for (guint i = 0; i < xf->n_transfers; i++)
        for (guint k = 0; k < xf->transfers[i].n_rr; k++)
            if (!xf->transfers[i].rr[k].delivered)
                return TRUE;
    return FALSE;
}

/* A transfer stock decoded in the frame; late_of: the frame where it
 * really ended (stock lost that end and shows the transfer here), or 0. */
static void
add_transfer(tvbuff_t *tvb, packet_info *pinfo, proto_tree *xt, const exmta_x4_transfer_t *t, guint32 late_of)
{
    proto_item *ti = gen(proto_tree_add_uint(xt, hf_apdu, tvb, 0, 0, t->kind));
    proto_tree *tt = proto_item_add_subtree(ti, ett_transfer);

    if (late_of) {
        proto_item *li = gen(proto_tree_add_uint(tt, hf_ended_in, tvb, 0, 0, late_of));

        expert_add_info_format(pinfo, li, &ei_shown_late,
            "[Capture] Wireshark shows here the transfer that ended in frame %u, whose end its session "
            "dissector lost; the transfer that ends here is not shown", late_of);
    }

    if (t->mts_id)
        gen(proto_tree_add_string(tt, hf_mts_id, tvb, 0, 0, t->mts_id));
    if (t->originator)
        gen(proto_tree_add_string(tt, hf_originator, tvb, 0, 0, t->originator));
    for (guint i = 0; i < t->n_recipients; i++)
        gen(proto_tree_add_string(tt, hf_recipient, tvb, 0, 0, t->recipients[i]));
    if (t->content_type)
        gen(proto_tree_add_string(tt, hf_content_type, tvb, 0, 0, t->content_type));
    if (t->size >= 0)
        gen(proto_tree_add_uint(tt, hf_size, tvb, 0, 0, (guint32)MIN(t->size, G_MAXUINT32)));
    if (t->kind != EXMTA_X4_REPORT)
        gen(proto_tree_add_uint(tt, hf_priority, tvb, 0, 0, t->priority >= 0 ? (guint32)t->priority : 0));
    if (t->subject_id)
        gen(proto_tree_add_string(tt, hf_subject_id, tvb, 0, 0, t->subject_id));
    if (t->subject_in)
        gen(proto_tree_add_uint(tt, hf_subject_in, tvb, 0, 0, t->subject_in));
    for (guint i = 0; i < t->n_rr; i++) {
        const exmta_x4_rr_t *rr = &t->rr[i];
        const char *who = rr->recipient ? rr->recipient : "";
        proto_item *ri;
        proto_tree *rt;

        if (rr->delivered) {
            gen(proto_tree_add_string(tt, hf_delivered, tvb, 0, 0, who));
            continue;
        }
        ri = gen(proto_tree_add_string(tt, hf_non_delivered, tvb, 0, 0, who));
        rt = proto_item_add_subtree(ri, ett_rr);
        if (rr->reason >= 0)
            gen(proto_tree_add_uint_format_value(rt, hf_nd_reason, tvb, 0, 0, (guint32)rr->reason, "%s (%d)",
                                                 rr->reason_name ? rr->reason_name : "?", rr->reason));
        if (rr->diagnostic >= 0)
            gen(proto_tree_add_uint_format_value(rt, hf_nd_diagnostic, tvb, 0, 0, (guint32)rr->diagnostic,
                                                 "%s (%d)", rr->diagnostic_name ? rr->diagnostic_name : "?",
                                                 rr->diagnostic));
        expert_add_info_format(pinfo, ri, &ei_non_delivery,
            "[Non-delivery] %s was not delivered: %s (%d) / %s (%d); the message %s%s",
            who, rr->reason_name ? rr->reason_name : "reason", rr->reason,
            rr->diagnostic_name ? rr->diagnostic_name : "diagnostic", rr->diagnostic,
            t->subject_id ? t->subject_id : "(identifier not decoded)",
            t->subject_in ? wmem_strdup_printf(pinfo->pool, " is in frame %u", t->subject_in)
                          : " is not in the capture");
    }
}

/* A transfer that ended in the frame (exmta's walk saw its activity end)
 * with no P1 decoded by stock: where it was, and why as far as exmta can
 * tell, so that a message missing from the tables is not missed. */
static void
add_undecoded(tvbuff_t *tvb, packet_info *pinfo, proto_tree *xt, const exmta_x400_frame_t *xf)
{
    proto_item *ti = gen(proto_tree_add_uint(xt, hf_apdu, tvb, 0, 0, EXMTA_X4_UNDECODED));
    proto_tree *tt = proto_item_add_subtree(ti, ett_transfer);
    guint32 stream;

    ti = gen(proto_tree_add_uint(tt, hf_undecoded, tvb, 0, 0, xf->undecoded_cause));
    /* each well under ITEM_LABEL_LENGTH, which cuts an expert message */
    switch (xf->undecoded_cause) {
    case EXMTA_X400_UNDECODED_MIDSTREAM:
        expert_add_info_format(pinfo, ti, &ei_undecoded,
            "[Capture] X.400 transfer not decoded: association %u began before the capture, so Wireshark lacks "
            "its presentation contexts; add them to PRES's Users Context List (pres_context_list)", xf->assoc);
        break;
    case EXMTA_X400_UNDECODED_X410:
        expert_add_info_format(pinfo, ti, &ei_undecoded,
            "[Capture] X.400 transfer not decoded: association %u is in X.410-1984 mode (the connector's "
            "X.410 mode), whose transfers Wireshark does not decode", xf->assoc);
        break;
    case EXMTA_X400_UNDECODED_INTERLEAVED:
        stream = exmta_tcp_stream_of(pinfo, NULL, NULL);
        expert_add_info_format(pinfo, ti, &ei_undecoded,
            "[Capture] X.400 transfer not decoded: another transfer ended meanwhile and Wireshark's session "
            "dissector lost it; save TCP stream %u alone (-Y tcp.stream==%u -w) and open that", stream, stream);
        break;
    case EXMTA_X400_UNDECODED_REASSEMBLY_OFF:
        expert_add_info_format(pinfo, ti, &ei_undecoded,
            "[Capture] X.400 transfer not decoded: %s is off, so Wireshark does not reassemble it; turn it on "
            "(Preferences > Protocols > %s)", reassembly_prefs[MAX(reassembly_off, 0)].full,
            reassembly_prefs[MAX(reassembly_off, 0)].where);
        break;
    default:
        expert_add_info_format(pinfo, ti, &ei_undecoded,
            "[Capture] X.400 transfer not decoded: its TCP data is incomplete (segments lost, or out of order: "
            "see TCP's expert info); if they are all in the capture, set tcp.reassemble_out_of_order:TRUE");
        break;
    }
}

gboolean
exmta_x400_tapped(void)
{
    return have_tap_listener(x400_tap);
}

/* what a frame says when it says nothing but events and counts */
static exmta_x4_obs_t says_nothing;

void
exmta_x400_frame_tree(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, proto_tree **et,
                      const exmta_x400_frame_t *xf)
{
    const exmta_x4_obs_t *o = xf->said ? xf->said : &says_nothing;
    proto_tree *xt = NULL;
    proto_item *ti;
    char *msg;

    if (!xf->assoc)
        return;
    /* without a tree only the expert infos matter */
    if (!tree && !exmta_x400_frame_warns(xf))
        return;
    if (tree) {
        ti = gen(proto_tree_add_uint(exmta_frame_tree_post(tvb, pinfo, tree, et), hf_assoc, tvb, 0, 0, xf->assoc));
        /* most frames show nothing but their association: one item (-T
         * fields on 4.0 builds the whole tree of every frame) */
        if (exmta_x400_frame_empty(xf) && !xf->n_transfers && xf->start_seen && !xf->refused_by && !xf->end)
            return;
        xt = proto_item_add_subtree(ti, ett_x400);
        gen(proto_tree_add_uint(xt, hf_assoc_start, tvb, 0, 0, xf->assoc_start));
    }
    if (!xf->start_seen) {
        ti = gen(proto_tree_add_boolean(xt, hf_start_missing, tvb, 0, 0, TRUE));
        expert_add_info_format(pinfo, ti, &ei_start_missing,
            "[Connector] X.400 association %u was already running when the capture started: its set-up "
            "(T/S/P selectors, MTA names, bind result) is not in the capture", xf->assoc);
    }
    if (o->calling_tsap)
        gen(proto_tree_add_string(xt, hf_calling_tsap, tvb, 0, 0, o->calling_tsap));
    if (o->called_tsap)
        gen(proto_tree_add_string(xt, hf_called_tsap, tvb, 0, 0, o->called_tsap));
    if (o->calling_ssap)
        gen(proto_tree_add_string(xt, hf_calling_ssap, tvb, 0, 0, o->calling_ssap));
    if (o->called_ssap)
        gen(proto_tree_add_string(xt, hf_called_ssap, tvb, 0, 0, o->called_ssap));
    if (o->calling_psap)
        gen(proto_tree_add_string(xt, hf_calling_psap, tvb, 0, 0, o->calling_psap));
    if (o->called_psap)
        gen(proto_tree_add_string(xt, hf_called_psap, tvb, 0, 0, o->called_psap));
    if (o->app_context)
        gen(proto_tree_add_string(xt, hf_app_context, tvb, 0, 0, o->app_context));
    if (o->pres_mode == 0 || (o->pres_mode == 1 && (xf->ev & EXMTA_X4_RTORQ)))
        gen(proto_tree_add_uint(xt, hf_rtse_mode, tvb, 0, 0,
                                o->pres_mode == 0 ? EXMTA_X4_RTSE_X410 : EXMTA_X4_RTSE_NORMAL));
    if (o->dialogue_mode >= 0)
        gen(proto_tree_add_uint(xt, hf_dialogue_mode, tvb, 0, 0, (guint32)o->dialogue_mode));
    if (exmta_x4_bind_undecoded(xf->ev)) {
        guint32 stream = exmta_tcp_stream_of(pinfo, NULL, NULL);

        /* well under ITEM_LABEL_LENGTH, which cuts an expert message */
        expert_add_info_format(pinfo, xt ? proto_tree_get_parent(xt) : NULL, &ei_bind_undecoded,
            "[Capture] MTA bind not decoded: Wireshark's RTSE dissector decodes it with the application protocol "
            "of the last RTSE open it read (after an X.410-mode association, X.410-1984's); save TCP stream %u "
            "alone (-Y tcp.stream==%u -w)",
            stream, stream);
    }
    if (xf->n_transfers) {
        for (guint i = 0; i < xf->n_transfers; i++)
            add_transfer(tvb, pinfo, xt, &xf->transfers[i], i == 0 ? xf->late_of : 0);
    } else {
        /* by kind: EXMTA_X4_MESSAGE, _REPORT, _PROBE */
        const guint counts[3] = { xf->messages, xf->reports, xf->probes };

        for (guint32 k = 0; k < 3; k++)
            for (guint i = 0; i < counts[k]; i++)
                gen(proto_tree_add_uint(xt, hf_apdu, tvb, 0, 0, k));
    }
    for (guint i = 0; i < xf->undecoded; i++)
        add_undecoded(tvb, pinfo, xt, xf);
    if (xf->refused_by) {
        ti = gen(proto_tree_add_uint(xt, hf_refused_by, tvb, 0, 0, xf->refused_by));
        if (xf->refuse_reason >= 0)
            add_reason(xt, hf_refuse_reason, tvb, (exmta_x4_layer_t)xf->refused_by, xf->refuse_reason, FALSE);
        /* the MTA bind's refusal has its own (exmta.expert.x400_bind_refused) */
        if (xf->refused_by != EXMTA_X4_LAYER_MTA_BIND) {
            msg = exmta_x4_refusal_text((exmta_x4_layer_t)xf->refused_by, xf->refuse_reason);
            expert_add_info_format(pinfo, ti, &ei_refused, "%s", msg);
            g_free(msg);
        }
    }
    if (xf->end) {
        ti = gen(proto_tree_add_uint(xt, hf_end, tvb, 0, 0, xf->end));
        if (xf->end == EXMTA_X4_END_ABORT) {
            gen(proto_tree_add_uint(xt, hf_abort_by, tvb, 0, 0, xf->abort_by));
            if (xf->end_reason >= 0)
                add_reason(xt, hf_end_reason, tvb, (exmta_x4_layer_t)xf->abort_by, xf->end_reason, TRUE);
            msg = exmta_x4_abort_text((exmta_x4_layer_t)xf->abort_by, xf->end_reason);
            expert_add_info_format(pinfo, ti, &ei_aborted, "%s", msg);
            g_free(msg);
        } else if (xf->end == EXMTA_X4_END_RST) {
            msg = exmta_x4_abort_text(EXMTA_X4_LAYER_TCP, -1);
            expert_add_info_format(pinfo, ti, &ei_aborted, "%s", msg);
            g_free(msg);
        }
    }
}

/* ---- the tap ---------------------------------------------------------------- */

void
exmta_x400_queue_tap(packet_info *pinfo, const exmta_x400_frame_t *xf, const address *server, guint16 port,
                     const char *found_by, guint32 payload)
{
    exmta_x400_tap_t *t;
    gboolean found;

    if (!xf || !xf->assoc || !exmta_x400_tapped())
        return;
    t = wmem_new(pinfo->pool, exmta_x400_tap_t);
    t->obs = xf->said ? *xf->said : says_nothing;
    t->obs.ev = xf->ev;
    t->obs.messages = xf->messages;
    t->obs.probes = xf->probes;
    t->obs.reports = xf->reports;
    t->obs.undecoded = xf->undecoded;
    t->obs.assoc = xf->assoc;
    t->obs.frame = pinfo->num;
    t->obs.sec = (gint64)pinfo->abs_ts.secs;
    t->obs.nsec = pinfo->abs_ts.nsecs;
    t->obs.stream = exmta_tcp_stream_of(pinfo, &found, NULL);
    t->obs.bytes = payload;
    t->obs.server_port = port;
    t->obs.from_client = pinfo->srcport != port || pinfo->destport == port;
    t->obs.server = address_to_str(pinfo->pool, server);
    if (pinfo->destport == port) {
        t->obs.client = address_to_str(pinfo->pool, &pinfo->src);
        t->obs.client_port = (guint16)pinfo->srcport;
        t->obs.from_client = TRUE;
    } else {
        t->obs.client = address_to_str(pinfo->pool, &pinfo->dst);
        t->obs.client_port = (guint16)pinfo->destport;
        t->obs.from_client = FALSE;
    }
    t->obs.found_by = found_by;
    t->transfers = xf->transfers;
    t->n_transfers = xf->n_transfers;
    t->late_of = xf->late_of;
    tap_queue_packet(x400_tap, pinfo, t);
}

/* ---- registration ------------------------------------------------------------ */

void
exmta_x400_register(int proto)
{
    static hf_register_info hf[] = {
        { &hf_assoc,
          { "X.400 association", "exmta.x400.assoc", FT_UINT32, BASE_DEC, NULL, 0x0,
            "The X.400 association this frame belongs to, numbered in the capture from 1", HFILL } },
        { &hf_assoc_start,
          { "Association starts in", "exmta.x400.assoc_start", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            "First frame of the association, on the frames that show something of it", HFILL } },
        { &hf_start_missing,
          { "Association set-up not in the capture", "exmta.x400.start_missing", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
            "The association was already running when the capture started", HFILL } },
        { &hf_calling_tsap,
          { "Calling TSAP", "exmta.x400.calling_tsap", FT_STRING, BASE_NONE, NULL, 0x0,
            "Calling transport selector of the COTP CR, as stock COTP shows it", HFILL } },
        { &hf_called_tsap,
          { "Called TSAP", "exmta.x400.called_tsap", FT_STRING, BASE_NONE, NULL, 0x0,
            "Called transport selector of the COTP CR, as stock COTP shows it", HFILL } },
        { &hf_calling_ssap,
          { "Calling SSAP", "exmta.x400.calling_ssap", FT_STRING, BASE_NONE, NULL, 0x0,
            "Calling session selector of the session CONNECT, as stock shows it", HFILL } },
        { &hf_called_ssap,
          { "Called SSAP", "exmta.x400.called_ssap", FT_STRING, BASE_NONE, NULL, 0x0,
            "Called session selector of the session CONNECT, as stock shows it", HFILL } },
        { &hf_calling_psap,
          { "Calling PSAP", "exmta.x400.calling_psap", FT_STRING, BASE_NONE, NULL, 0x0,
            "Calling presentation selector of the presentation CP, as stock shows it", HFILL } },
        { &hf_called_psap,
          { "Called PSAP", "exmta.x400.called_psap", FT_STRING, BASE_NONE, NULL, 0x0,
            "Called presentation selector of the presentation CP, as stock shows it", HFILL } },
        { &hf_app_context,
          { "Application context", "exmta.x400.app_context", FT_STRING, BASE_NONE, NULL, 0x0,
            "Application context name of the ACSE AARQ (2.6.0.1.6 id-ac-mts-transfer)", HFILL } },
        { &hf_rtse_mode,
          { "RTSE mode", "exmta.x400.rtse_mode", FT_UINT8, BASE_DEC, VALS(rtse_mode_vals), 0x0,
            "1 normal mode (RTSE over ACSE and presentation), 2 X.410-1984 mode", HFILL } },
        { &hf_dialogue_mode,
          { "Dialogue mode", "exmta.x400.dialogue_mode", FT_UINT8, BASE_DEC, VALS(dialogue_vals), 0x0,
            "RTSE dialogue mode requested: 0 monologue, 1 two-way-alternate", HFILL } },
        { &hf_refused_by,
          { "Association refused by", "exmta.x400.refused_by", FT_UINT8, BASE_DEC, VALS(layer_vals), 0x0,
            "Layer that refused the association in this frame", HFILL } },
        { &hf_refuse_reason,
          { "Refuse reason", "exmta.x400.refuse_reason", FT_INT32, BASE_DEC, NULL, 0x0,
            "Reason code of the refusing layer (session reason code, presentation provider-reason, ACSE result, "
            "RTSE refuseReason, MTABindError)", HFILL } },
        { &hf_end,
          { "Association ends", "exmta.x400.end", FT_UINT8, BASE_DEC, VALS(end_vals), 0x0,
            "How the association ends in this frame", HFILL } },
        { &hf_abort_by,
          { "Aborted by", "exmta.x400.abort_by", FT_UINT8, BASE_DEC, VALS(layer_vals), 0x0,
            "Layer of the abort", HFILL } },
        { &hf_end_reason,
          { "Abort reason", "exmta.x400.abort_reason", FT_INT32, BASE_DEC, NULL, 0x0,
            "RTSE abortReason, ACSE abort-source or presentation (ARP) abort-reason", HFILL } },
        { &hf_apdu,
          { "P1 transfer", "exmta.x400.apdu", FT_UINT8, BASE_DEC, VALS(apdu_vals), 0x0,
            "A message, report or probe transferred in this frame (stock X.411 MTS-APDU), or 3: a transfer "
            "that ended here (its activity end) with no P1 decoded by stock", HFILL } },
        { &hf_ended_in,
          { "Ended in", "exmta.x400.ended_in", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            "The frame where the transfer stock shows here really ended: stock's session dissector lost "
            "that end, and its RTSE reassembly kept the transfer until this one", HFILL } },
        { &hf_undecoded,
          { "Not decoded", "exmta.x400.undecoded", FT_UINT8, BASE_DEC, VALS(undecoded_vals), 0x0,
            "Why stock decoded no P1 for a transfer that ended here, as far as exmta can tell", HFILL } },
        { &hf_mts_id,
          { "MTS identifier", "exmta.x400.mts_id", FT_STRING, BASE_NONE, NULL, 0x0,
            "The transfer's message, probe or report identifier: /C=/A=/P=/ $ local identifier", HFILL } },
        { &hf_originator,
          { "Originator", "exmta.x400.originator", FT_STRING, BASE_NONE, NULL, 0x0,
            "Originator O/R name of a message or probe", HFILL } },
        { &hf_recipient,
          { "Recipient", "exmta.x400.recipient", FT_STRING, BASE_NONE, NULL, 0x0,
            "A recipient O/R name of a message or probe (one item each)", HFILL } },
        { &hf_content_type,
          { "Content type", "exmta.x400.content_type", FT_STRING, BASE_NONE, NULL, 0x0,
            "Built-in content type by name and number, or the extended content type's OID", HFILL } },
        { &hf_size,
          { "Size", "exmta.x400.size", FT_UINT32, BASE_DEC, NULL, 0x0,
            "Message: octets of its content; probe: the content-length it asks about", HFILL } },
        { &hf_priority,
          { "Priority", "exmta.x400.priority", FT_UINT8, BASE_DEC, VALS(priority_vals), 0x0,
            "Priority of a message or probe (normal when absent)", HFILL } },
        { &hf_subject_id,
          { "Subject MTS identifier", "exmta.x400.subject_id", FT_STRING, BASE_NONE, NULL, 0x0,
            "The MTS identifier of the message or probe a report is about", HFILL } },
        { &hf_subject_in,
          { "Subject in", "exmta.x400.subject_in", FT_FRAMENUM, BASE_NONE, NULL, 0x0,
            "The frame of the message or probe a report is about", HFILL } },
        { &hf_delivered,
          { "Delivered to", "exmta.x400.delivered", FT_STRING, BASE_NONE, NULL, 0x0,
            "A recipient a report says was delivered", HFILL } },
        { &hf_non_delivered,
          { "Not delivered to", "exmta.x400.non_delivered", FT_STRING, BASE_NONE, NULL, 0x0,
            "A recipient a report says was not delivered", HFILL } },
        { &hf_nd_reason,
          { "Non-delivery reason", "exmta.x400.nd_reason", FT_UINT32, BASE_DEC, NULL, 0x0,
            "non-delivery-reason-code (stock X.411's names in the item and the expert info)", HFILL } },
        { &hf_nd_diagnostic,
          { "Non-delivery diagnostic", "exmta.x400.nd_diagnostic", FT_UINT32, BASE_DEC, NULL, 0x0,
            "non-delivery-diagnostic-code (stock X.411's names in the item and the expert info)", HFILL } },
    };
    static gint *ett[] = { &ett_x400, &ett_transfer, &ett_rr };
    static ei_register_info ei[] = {
        { &ei_refused,
          { "exmta.expert.x400_refused", PI_RESPONSE_CODE, PI_WARN,
            "[Connector] X.400 association refused", EXPFILL } },
        { &ei_aborted,
          { "exmta.expert.x400_aborted", PI_RESPONSE_CODE, PI_WARN,
            "[Connector] X.400 association aborted", EXPFILL } },
        { &ei_non_delivery,
          { "exmta.expert.x400_non_delivery", PI_RESPONSE_CODE, PI_WARN,
            "[Non-delivery] A report says a message was not delivered", EXPFILL } },
        { &ei_undecoded,
          { "exmta.expert.x400_undecoded", PI_UNDECODED, PI_WARN,
            "[Capture] X.400 transfer not decoded", EXPFILL } },
        { &ei_shown_late,
          { "exmta.expert.x400_shown_late", PI_SEQUENCE, PI_WARN,
            "[Capture] Wireshark shows here a transfer that ended earlier", EXPFILL } },
        { &ei_start_missing,
          { "exmta.expert.x400_start_missing", PI_SEQUENCE, PI_NOTE,
            "[Connector] X.400 association already running when the capture started", EXPFILL } },
        { &ei_bind_undecoded,
          { "exmta.expert.x400_bind_undecoded", PI_UNDECODED, PI_WARN,
            "[Capture] MTA bind not decoded", EXPFILL } },
    };
    expert_module_t *expert;

    exmta_x4_obs_init(&says_nothing);
    proto_exmta_x400 = proto;
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert = expert_register_protocol(proto);
    expert_register_field_array(expert, ei, array_length(ei));
    x400_tap = register_tap(EXMTA_X400_TAP_NAME);
    register_shutdown_routine(x400_shutdown);
}

void
exmta_x400_handoff(void)
{
    for (size_t i = 0; i < G_N_ELEMENTS(stock_fields); i++) {
        header_field_info *h = stock_fields[i].newer ? proto_registrar_get_byname(stock_fields[i].newer) : NULL;
        stock_hf_t *sh = stock_fields[i].hf;

        sh->n = 0;
        if (!h)
            h = proto_registrar_get_byname(stock_fields[i].name);
        /* the chain of fields of that name, from the first registered */
        while (h && h->same_name_prev_id > 0)
            h = proto_registrar_get_nth((guint)h->same_name_prev_id);
        for (; h && sh->n < STOCK_HF_MAX; h = h->same_name_next)
            sh->id[sh->n++] = h->id;
    }
    for (guint b = 0; b < N_READS; b++) {
        if (read_hfids[b])
            g_array_free(read_hfids[b], TRUE);
        read_hfids[b] = g_array_new(FALSE, FALSE, sizeof(int));
        for (size_t i = 0; i < G_N_ELEMENTS(stock_fields); i++)
            if (stock_fields[i].reads & (1u << b))
                g_array_append_vals(read_hfids[b], stock_fields[i].hf->id, stock_fields[i].hf->n);
        exmta_fields_register((const int *)(void *)read_hfids[b]->data, read_hfids[b]->len);
    }
    /* the role table covers every field a transfer's walk looks for */
    g_free(walk_role);
    walk_role_n = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(stock_fields); i++)
        for (guint k = 0; !stock_fields[i].reads && k < stock_fields[i].hf->n; k++)
            walk_role_n = MAX(walk_role_n, (guint)stock_fields[i].hf->id[k] + 1);
    walk_role = g_new0(const stock_hf_t *, walk_role_n);
    for (size_t i = 0; i < G_N_ELEMENTS(stock_fields); i++)
        for (guint k = 0; !stock_fields[i].reads && k < stock_fields[i].hf->n; k++)
            if (stock_fields[i].hf->id[k] >= 0 && !walk_role[stock_fields[i].hf->id[k]])
                walk_role[stock_fields[i].hf->id[k]] = stock_fields[i].hf;
    proto_rtse = proto_get_id_by_filter_name("rtse");
    proto_p1 = proto_get_id_by_filter_name("p1");
    proto_s7comm = proto_get_id_by_filter_name("s7comm");
    proto_mms = proto_get_id_by_filter_name("mms");
}
