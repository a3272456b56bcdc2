/* fuzz_epm_nobind.c - libFuzzer harness for the ept_map-without-bind judge
 * (epm_nobind.c) and the DCE/RPC PDU reader in front of it (dcerpc_co.c).
 * Input: byte 0 bit 0 big-endian stubs; bytes 1-2 the request length n
 * (little-endian); then n bytes of request stub and the response stub. The
 * whole input is also read as one connection-oriented PDU.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <stdint.h>
#include <stdlib.h>

#include "dcerpc_co.h"
#include "epm_nobind.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_pdu(const uint8_t *data, size_t size)
{
    exmta_co_pdu_t pdu;

    if (exmta_co_pdu_parse(data, size, &pdu) != EXMTA_CO_OK)
        return;
    if (pdu.frag_len > size || pdu.frag_len < EXMTA_CO_HDR_LEN || pdu.n_ctx > EXMTA_CO_MAX_CTX)
        abort();
    if (pdu.stub_off + pdu.stub_len > pdu.frag_len)
        abort();
    if (pdu.stub_len && pdu.stub_off < EXMTA_CO_HDR_LEN + 8)
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    exmta_nobind_request_t rq;
    exmta_map_response_t resp;
    exmta_ndr_t ndr;
    gboolean le;
    size_t n;

    check_pdu(data, size);
    if (size < 3)
        return 0;
    le = (data[0] & 1) == 0;
    n = (size_t)data[1] | (size_t)data[2] << 8;
    data += 3;
    size -= 3;
    if (n > size)
        n = size;

    if (exmta_nobind_judge_request(data, n, le, &rq) != EXMTA_NOBIND_OK) {
        if (rq.as_ndr32 || rq.as_ndr64)
            abort();
        return 0;
    }
    if (!rq.as_ndr32 && !rq.as_ndr64)
        abort();
    for (int i = 0; i < 2; i++) {
        const exmta_map_request_t *r = i ? &rq.ndr64 : &rq.ndr32;
        if (!(i ? rq.as_ndr64 : rq.as_ndr32))
            continue;
        if (r->consumed > n || n - r->consumed > EXMTA_NOBIND_MAX_TRAILER || !r->has_tower ||
            r->tower_status != EXMTA_TOWER_OK || r->max_towers == 0 || r->max_towers > EXMTA_NOBIND_MAX_TOWERS)
            abort();
    }

    if (exmta_nobind_judge_response(&rq, data + n, size - n, le, 8, &ndr, &resp) == EXMTA_NOBIND_OK) {
        const exmta_map_request_t *r = exmta_nobind_request_in(&rq, &ndr);

        if (!(ndr.ndr64 ? rq.as_ndr64 : rq.as_ndr32) || !resp.status_present || resp.truncated ||
            resp.bad_towers || resp.consumed > size - n || resp.num_towers > r->max_towers)
            abort();
        if (resp.status != 0 && resp.num_towers != 0)
            abort();
        for (guint i = 0; i < resp.towers->len; i++) {
            const exmta_tower_t *t = &g_array_index(resp.towers, exmta_tower_t, i);
            if (!exmta_uuid_equal(&t->iface, &r->tower.iface) || t->ver_major != r->tower.ver_major)
                abort();
        }
    }
    if (resp.towers == NULL)
        abort();
    exmta_map_response_clear(&resp);
    return 0;
}
