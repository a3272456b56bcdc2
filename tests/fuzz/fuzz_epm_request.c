/* fuzz_epm_request.c - libFuzzer harness for ept_map request stubs.
 * Byte 0 selects the syntax: bit 0 NDR64, bit 1 big-endian. The rest is the stub.
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
    exmta_map_request_t req;

    if (size < 1)
        return 0;
    ndr.ndr64 = (data[0] & 1) != 0;
    ndr.little_endian = (data[0] & 2) == 0;
    if (exmta_epm_parse_map_request(data + 1, size - 1, &ndr, &req)) {
        /* The smallest well-formed stub: two null pointers, handle, max_towers. */
        if (size - 1 < (ndr.ndr64 ? 16u + 24u : 8u + 24u))
            abort();
        if (req.has_tower && req.tower_status == EXMTA_TOWER_OK &&
            (req.tower.num_floors == 0 || req.tower.num_floors > EXMTA_TOWER_MAX_FLOORS))
            abort();
    }
    return 0;
}
