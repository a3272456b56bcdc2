/* fuzz_epm_response.c - libFuzzer harness for ept_map response stubs.
 * Byte 0 selects the syntax: bit 0 NDR64, bit 1 big-endian; byte 1 is
 * max_kept (0..255). The rest is the stub.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <stdlib.h>

#include "epm_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    exmta_ndr_t ndr;
    exmta_map_response_t resp;
    guint max_kept;
    gsize len;
    gboolean ok;

    if (size < 2)
        return 0;
    ndr.ndr64 = (data[0] & 1) != 0;
    ndr.little_endian = (data[0] & 2) == 0;
    max_kept = data[1];
    len = size - 2;

    ok = exmta_epm_parse_map_response(data + 2, len, &ndr, &resp, max_kept);
    if (resp.towers == NULL || ok != (len >= 24))
        abort();
    if (resp.towers->len > max_kept)
        abort();
    /* Every tower counted needs at least its conformance, length and 6 octets
     * (2 + a 4-byte floor is the least that can fail), so the counts are
     * bounded by the bytes present. */
    if ((gsize)resp.towers->len + resp.bad_towers + resp.dropped_towers > len / 8 + 1)
        abort();
    for (guint i = 0; i < resp.towers->len; i++) {
        const exmta_tower_t *tw = &g_array_index(resp.towers, exmta_tower_t, i);
        if (tw->num_floors == 0 || tw->num_floors > EXMTA_TOWER_MAX_FLOORS)
            abort();
    }
    if (resp.status_present && resp.truncated)
        abort();
    exmta_map_response_clear(&resp);
    return 0;
}
