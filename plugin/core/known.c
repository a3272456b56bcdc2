/* known.c - validation and formatting of "Known endpoints" rows.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "known.h"
#include "render.h"

#include <stdio.h>
#include <string.h>

/* A NUL-terminated copy, trimmed of surrounding white space. */
static char *
trimmed(const char *s, gsize len)
{
    char *c = g_strndup(s ? s : "", s ? len : 0);
    return g_strstrip(c);
}

static gboolean
parse_uint(const char *c, guint64 max, guint64 *out)
{
    guint64 v = 0;

    if (!*c)
        return FALSE;
    for (; *c; c++) {
        if (*c < '0' || *c > '9')
            return FALSE;
        v = v * 10 + (guint64)(*c - '0');
        if (v > max)
            return FALSE;
    }
    *out = v;
    return TRUE;
}

gboolean
exmta_known_parse_ipv4(const char *s, gsize len, guint8 out[4], char **err)
{
    char *c = trimmed(s, len);
    gchar **parts = g_strsplit(c, ".", 5);
    gboolean ok = g_strv_length(parts) == 4;

    for (guint i = 0; ok && i < 4; i++) {
        guint64 v;
        ok = strlen(parts[i]) <= 3 && parse_uint(parts[i], 255, &v);
        if (ok)
            out[i] = (guint8)v;
    }
    if (!ok && err)
        *err = g_strdup_printf("host \"%s\" is not an IPv4 address", c);
    g_strfreev(parts);
    g_free(c);
    return ok;
}

gboolean
exmta_known_parse_port(const char *s, gsize len, guint16 *out, char **err)
{
    char *c = trimmed(s, len);
    guint64 v = 0;
    gboolean ok = parse_uint(c, 65535, &v) && v != 0;

    if (ok)
        *out = (guint16)v;
    else if (err)
        *err = g_strdup_printf("port \"%s\" is not a number from 1 to 65535", c);
    g_free(c);
    return ok;
}

gboolean
exmta_known_parse_uuid(const char *s, gsize len, exmta_uuid_t *out, char **err)
{
    char *c = trimmed(s, len);
    gboolean ok = exmta_uuid_from_string(c, out);

    if (!ok && err)
        *err = g_strdup_printf("interface \"%s\" is not a UUID like 9e8ee830-4459-11ce-979b-00aa005ffebe", c);
    g_free(c);
    return ok;
}

gboolean
exmta_known_parse_version(const char *s, gsize len, guint16 *major, guint16 *minor, char **err)
{
    char *c = trimmed(s, len);
    gchar **parts = g_strsplit(c, ".", 3);
    guint64 a = 0, b = 0;
    gboolean ok = g_strv_length(parts) == 2 && parse_uint(parts[0], 65535, &a) && parse_uint(parts[1], 65535, &b);

    if (ok) {
        *major = (guint16)a;
        *minor = (guint16)b;
    } else if (err) {
        *err = g_strdup_printf("version \"%s\" is not MAJOR.MINOR (e.g. 2.0)", c);
    }
    g_strfreev(parts);
    g_free(c);
    return ok;
}

gboolean
exmta_known_parse_frame(const char *s, gsize len, guint32 *out, char **err)
{
    char *c = trimmed(s, len);
    guint64 v = 0;
    gboolean ok = !*c || parse_uint(c, G_MAXUINT32, &v);

    if (ok)
        *out = (guint32)v;
    else if (err)
        *err = g_strdup_printf("frame \"%s\" is not a frame number", c);
    g_free(c);
    return ok;
}

char *
exmta_known_format_line(const guint8 ip[4], guint16 port, const exmta_uuid_t *iface,
                        guint16 ver_major, guint16 ver_minor, const char *kind,
                        const char *file, guint32 frame, const char *learned_at)
{
    GString *out = g_string_new(NULL);
    char buf[64];

    snprintf(buf, sizeof(buf), "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
    exmta_render_uat_field(out, buf);
    g_string_append_c(out, ',');
    snprintf(buf, sizeof(buf), "%u", port);
    exmta_render_uat_field(out, buf);
    g_string_append_c(out, ',');
    exmta_uuid_to_string(iface, buf);
    exmta_render_uat_field(out, buf);
    g_string_append_c(out, ',');
    snprintf(buf, sizeof(buf), "%u.%u", ver_major, ver_minor);
    exmta_render_uat_field(out, buf);
    g_string_append_c(out, ',');
    exmta_render_uat_field(out, kind);
    g_string_append_c(out, ',');
    exmta_render_uat_field(out, file);
    g_string_append_c(out, ',');
    if (frame)
        snprintf(buf, sizeof(buf), "%u", frame);
    else
        buf[0] = '\0';
    exmta_render_uat_field(out, buf);
    g_string_append_c(out, ',');
    exmta_render_uat_field(out, learned_at);
    return g_string_free(out, FALSE);
}

gboolean
exmta_known_parse_time(const char *s, gint64 *secs, int *nsecs)
{
    GTimeZone *utc;
    GDateTime *dt;
    gint64 us;

    if (!s || !*s)
        return FALSE;
    utc = g_time_zone_new_utc();
    dt = g_date_time_new_from_iso8601(s, utc);
    g_time_zone_unref(utc);
    if (!dt)
        return FALSE;
    us = g_date_time_to_unix(dt) * G_USEC_PER_SEC + (gint64)g_date_time_get_microsecond(dt);
    g_date_time_unref(dt);
    /* rounded down, so that a time before 1970 has 0 <= nsecs < 10^9 too */
    *secs = us / G_USEC_PER_SEC - (us % G_USEC_PER_SEC < 0);
    *nsecs = (int)(us - *secs * G_USEC_PER_SEC) * 1000;
    return TRUE;
}
