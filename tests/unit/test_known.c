/* test_known.c - "Known endpoints" rows: what is accepted, what is refused
 * and what the refusal says.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <glib.h>
#include <string.h>
#include "known.h"

#define S(x) x, strlen(x)

static void
test_ipv4(void)
{
    guint8 ip[4];
    char *err = NULL;

    g_assert_true(exmta_known_parse_ipv4(S(" 10.0.0.5 "), ip, &err));
    g_assert_cmpuint(ip[0], ==, 10);
    g_assert_cmpuint(ip[3], ==, 5);
    for (const char **bad = (const char *[]){ "", "10.0.0", "10.0.0.256", "a.b.c.d", "1.2.3.4.5", "1..2.3",
                                              "0010.1.1.1", "::1", NULL }; *bad; bad++) {
        g_assert_false(exmta_known_parse_ipv4(S(*bad), ip, &err));
        g_assert_nonnull(err);
        g_assert_true(g_str_has_prefix(err, "host \""));
        g_free(err);
        err = NULL;
    }
    g_assert_false(exmta_known_parse_ipv4(S("300.1.1.1"), ip, &err));
    g_assert_cmpstr(err, ==, "host \"300.1.1.1\" is not an IPv4 address");
    g_free(err);
}

static void
test_port(void)
{
    guint16 p = 0;
    char *err = NULL;

    g_assert_true(exmta_known_parse_port(S("1032"), &p, NULL));
    g_assert_cmpuint(p, ==, 1032);
    g_assert_true(exmta_known_parse_port(S("65535"), &p, NULL));
    g_assert_false(exmta_known_parse_port(S("0"), &p, &err));
    g_assert_cmpstr(err, ==, "port \"0\" is not a number from 1 to 65535");
    g_free(err);
    err = NULL;
    g_assert_false(exmta_known_parse_port(S("65536"), &p, &err));
    g_assert_cmpstr(err, ==, "port \"65536\" is not a number from 1 to 65535");
    g_free(err);
    g_assert_false(exmta_known_parse_port(S("99999999999999999999999"), &p, NULL));
    g_assert_false(exmta_known_parse_port(S("-1"), &p, NULL));
    g_assert_false(exmta_known_parse_port(S(""), &p, NULL));
}

static void
test_uuid_version_frame(void)
{
    exmta_uuid_t u;
    guint16 a, b;
    guint32 f = 7;
    char *err = NULL;

    g_assert_true(exmta_known_parse_uuid(S("9e8ee830-4459-11ce-979b-00aa005ffebe"), &u, NULL));
    g_assert_cmpuint(u.b[0], ==, 0x9e);
    g_assert_cmpuint(u.b[15], ==, 0xbe);
    g_assert_false(exmta_known_parse_uuid(S("9e8ee830-4459-11ce-979b-00aa005ffeb"), &u, &err));
    g_assert_cmpstr(err, ==, "interface \"9e8ee830-4459-11ce-979b-00aa005ffeb\" is not a UUID like "
                             "9e8ee830-4459-11ce-979b-00aa005ffebe");
    g_free(err);
    g_assert_true(exmta_known_parse_version(S("2.0"), &a, &b, NULL));
    g_assert_cmpuint(a, ==, 2);
    g_assert_cmpuint(b, ==, 0);
    g_assert_false(exmta_known_parse_version(S("2"), &a, &b, NULL));
    g_assert_false(exmta_known_parse_version(S("2.0.1"), &a, &b, NULL));
    g_assert_true(exmta_known_parse_frame(S(""), &f, NULL));
    g_assert_cmpuint(f, ==, 0);
    g_assert_true(exmta_known_parse_frame(S("4294967295"), &f, NULL));
    g_assert_false(exmta_known_parse_frame(S("4294967296"), &f, NULL));
}

static void
test_format_line(void)
{
    guint8 ip[4] = { 127, 10, 0, 2 };
    exmta_uuid_t u;
    char *line;

    exmta_uuid_from_string("9e8ee830-4459-11ce-979b-00aa005ffebe", &u);
    line = exmta_known_format_line(ip, 1032, &u, 2, 0, "MTA RPC", "ring_00003.pcap", 9,
                                   "2025-11-25T10:00:00.123456Z");
    g_assert_cmpstr(line, ==, "\"127.10.0.2\",\"1032\",\"9e8ee830-4459-11ce-979b-00aa005ffebe\",\"2.0\","
                              "\"MTA RPC\",\"ring_00003.pcap\",\"9\",\"2025-11-25T10:00:00.123456Z\"");
    g_free(line);
    line = exmta_known_format_line(ip, 1, &u, 1, 0, "x", "a\"b\\c", 0, "");
    g_assert_cmpstr(line, ==, "\"127.10.0.2\",\"1\",\"9e8ee830-4459-11ce-979b-00aa005ffebe\",\"1.0\",\"x\","
                              "\"a\\x22b\\x5cc\",\"\",\"\"");
    g_free(line);
    /* control octets and DEL as the endpoints report's UAT lines write them;
     * UTF-8 as it is */
    line = exmta_known_format_line(ip, 1, &u, 1, 0, "x", "a\tb\x7f\xc3\xa9", 0, "");
    g_assert_cmpstr(line, ==, "\"127.10.0.2\",\"1\",\"9e8ee830-4459-11ce-979b-00aa005ffebe\",\"1.0\",\"x\","
                              "\"a\\x09b\\x7f\xc3\xa9\",\"\",\"\"");
    g_free(line);
}

static void
test_time(void)
{
    gint64 secs = 0;
    int nsecs = 0;

    g_assert_true(exmta_known_parse_time("2023-11-14T22:13:20.123456Z", &secs, &nsecs));
    g_assert_cmpint(secs, ==, 1700000000);
    g_assert_cmpint(nsecs, ==, 123456000);
    g_assert_true(exmta_known_parse_time("2023-11-14T22:13:20Z", &secs, &nsecs));
    g_assert_cmpint(secs, ==, 1700000000);
    g_assert_cmpint(nsecs, ==, 0);
    g_assert_true(exmta_known_parse_time("2023-11-14T23:13:20+01:00", &secs, &nsecs));
    g_assert_cmpint(secs, ==, 1700000000);
    g_assert_true(exmta_known_parse_time("2023-11-14T22:13:20", &secs, &nsecs));   /* no zone: UTC */
    g_assert_cmpint(secs, ==, 1700000000);
    /* before 1970: rounded down, the fraction stays positive */
    g_assert_true(exmta_known_parse_time("1969-12-31T23:59:59.5Z", &secs, &nsecs));
    g_assert_cmpint(secs, ==, -1);
    g_assert_cmpint(nsecs, ==, 500000000);
    g_assert_false(exmta_known_parse_time("", &secs, &nsecs));
    g_assert_false(exmta_known_parse_time(NULL, &secs, &nsecs));
    g_assert_false(exmta_known_parse_time("yesterday", &secs, &nsecs));
    g_assert_false(exmta_known_parse_time("2023-13-40T99:00:00Z", &secs, &nsecs));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/known/time", test_time);
    g_test_add_func("/known/ipv4", test_ipv4);
    g_test_add_func("/known/port", test_port);
    g_test_add_func("/known/uuid_version_frame", test_uuid_version_frame);
    g_test_add_func("/known/format_line", test_format_line);
    return g_test_run();
}
