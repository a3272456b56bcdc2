/* fuzz_known.c - libFuzzer harness for the Known endpoints row checks
 * (known.c): the fields a user types into the exmta_endpoints table, or
 * that a file carried from another capture holds.
 *
 * Byte 0 picks the parser; the rest, as an exact-size heap copy (not
 * NUL-terminated: ASan sees any read past it), is the field. Checked:
 * - each parser says TRUE with no message, or FALSE with one;
 * - what it accepts, written back the way the table writes it, reads back
 *   the same (address, port, interface UUID, version, frame);
 * - a "learned at" time reads with 0 <= nanoseconds < 10^9 (before 1970
 *   too), and a time of years 1 to 9999 written back by
 *   exmta_summary_iso_time (as the table writes it) reads back the same;
 * - a table line built from the input as its kind, file and time holds
 *   no control octet and exactly the 16 quotes of its 8 fields.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "known.h"
#include "summary_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ok with no message, or not with one */
static void
said(gboolean ok, char *err)
{
    if (ok == (err != NULL))
        abort();
    g_free(err);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s, *err = NULL, buf[64];
    gsize len;
    gboolean ok;

    if (size < 1)
        return 0;
    len = size - 1;
    s = (char *)g_malloc(len ? len : 1);
    memcpy(s, data + 1, len);

    switch (data[0] % 7) {
    case 0: {
        guint8 ip[4], again[4];

        ok = exmta_known_parse_ipv4(s, len, ip, &err);
        said(ok, err);
        if (ok) {
            snprintf(buf, sizeof(buf), "%u.%u.%u.%u", ip[0], ip[1], ip[2], ip[3]);
            if (!exmta_known_parse_ipv4(buf, strlen(buf), again, NULL) || memcmp(ip, again, 4) != 0)
                abort();
        }
        break;
    }
    case 1: {
        guint16 port, again;

        ok = exmta_known_parse_port(s, len, &port, &err);
        said(ok, err);
        if (ok) {
            snprintf(buf, sizeof(buf), "%u", port);
            if (!exmta_known_parse_port(buf, strlen(buf), &again, NULL) || again != port)
                abort();
        }
        break;
    }
    case 2: {
        exmta_uuid_t u, again;

        ok = exmta_known_parse_uuid(s, len, &u, &err);
        said(ok, err);
        if (ok) {
            exmta_uuid_to_string(&u, buf);
            if (!exmta_known_parse_uuid(buf, strlen(buf), &again, NULL) || memcmp(&u, &again, sizeof(u)) != 0)
                abort();
        }
        break;
    }
    case 3: {
        guint16 a, b, a2, b2;

        ok = exmta_known_parse_version(s, len, &a, &b, &err);
        said(ok, err);
        if (ok) {
            snprintf(buf, sizeof(buf), "%u.%u", a, b);
            if (!exmta_known_parse_version(buf, strlen(buf), &a2, &b2, NULL) || a2 != a || b2 != b)
                abort();
        }
        break;
    }
    case 4: {
        guint32 f, again;

        ok = exmta_known_parse_frame(s, len, &f, &err);
        said(ok, err);
        if (ok) {
            if (f)
                snprintf(buf, sizeof(buf), "%u", f);
            else
                buf[0] = '\0';
            if (!exmta_known_parse_frame(buf, strlen(buf), &again, NULL) || again != f)
                abort();
        }
        break;
    }
    case 5: {
        char *z = g_strndup(s, len);
        gint64 secs, secs2;
        int nsecs, nsecs2;

        if (exmta_known_parse_time(z, &secs, &nsecs)) {
            if (nsecs < 0 || nsecs >= 1000000000)
                abort();
            /* every time of years 1 to 9999 reads back as written */
            if (secs >= G_GINT64_CONSTANT(-62135596800) && secs < G_GINT64_CONSTANT(253402300800)) {
                char *w = exmta_summary_iso_time(secs, nsecs);

                if (!exmta_known_parse_time(w, &secs2, &nsecs2) || secs2 != secs || nsecs2 != nsecs)
                    abort();
                g_free(w);
            }
        }
        g_free(z);
        break;
    }
    default: {
        /* the input as a line's kind, file and time */
        char *z = g_strndup(s, len);
        guint8 ip[4] = { 10, 0, 0, 5 };
        exmta_uuid_t u;
        char *line;
        guint quotes = 0;

        memset(&u, 0xab, sizeof(u));
        line = exmta_known_format_line(ip, 1032, &u, 2, 0, z, z, (guint32)len, z);
        for (const unsigned char *p = (const unsigned char *)line; *p; p++) {
            if (*p < 0x20)
                abort();
            quotes += *p == '"';
        }
        if (quotes != 16)
            abort();
        g_free(line);
        g_free(z);
        break;
    }
    }
    g_free(s);
    return 0;
}
